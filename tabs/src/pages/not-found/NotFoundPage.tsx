import type { MouseEvent } from 'react';
import { useHref, useLocation, useNavigate } from 'react-router';
import { Button } from '@fluentui/react-components';
import { ArrowLeftRegular, DocumentSearchRegular } from '@fluentui/react-icons';
import { EmptyState } from '../../components/EmptyState';
import { Page } from '../../components/Page';

export function NotFoundPage() {
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const queueHref = useHref('/queue');
  const goToQueue = (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate('/queue');
  };
  return (
    <Page title="Page not found">
      <EmptyState
        icon={<DocumentSearchRegular />}
        title="There is no page here"
        actions={
          <Button as="a" href={queueHref} onClick={goToQueue} appearance="primary" icon={<ArrowLeftRegular />} data-testid="not-found-home">
            Back to the queue
          </Button>
        }
      >
        Offramp has no page at <code>/tabs{pathname}</code>. The link may be old or mistyped.
      </EmptyState>
    </Page>
  );
}
