import { Fragment, type ReactNode } from 'react';
import { LockClosedRegular } from '@fluentui/react-icons';
import type { NavEntry } from '../app/navigation';
import { useOrg } from '../app/OrgProvider';
import { withArticle } from '../app/permissions';
import { EmptyState } from './EmptyState';
import { Page } from './Page';

/** The "you don't have access" state of a page the current role may not see, naming the role. */
export function NoAccess({ entry }: { entry: NavEntry }) {
  const { current } = useOrg();
  const org = current?.orgName ?? 'this organisation';
  return (
    <Page title={entry.title}>
      <div data-testid="no-access" data-role={current?.role ?? ''}>
        <EmptyState icon={<LockClosedRegular />} title="You don't have access to this page">
          You are {current ? withArticle(current.role) : 'not a member'} in {org}, and that role can't see {entry.title}. Ask an owner
          or admin of {org} if you need it.
        </EmptyState>
      </div>
    </Page>
  );
}

/**
 * Renders a nav page only when the current role holds its permission. Keyed by the
 * organisation, so switching organisation loads the page afresh.
 */
export function RequirePermission({ entry, children }: { entry: NavEntry; children: ReactNode }) {
  const { current, can } = useOrg();
  return <Fragment key={current?.orgId ?? 'none'}>{can(entry.permission) ? children : <NoAccess entry={entry} />}</Fragment>;
}
