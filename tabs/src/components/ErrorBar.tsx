import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { ArrowClockwiseRegular } from '@fluentui/react-icons';
import { ApiError, errorMessage } from '../api/client';

export interface ErrorBarProps {
  /** What failed, e.g. an ApiError from the client; its message is shown. */
  error: unknown;
  /** A short heading, e.g. "Couldn't load the queue". */
  title?: string;
  /** Shows a Retry button when given. */
  onRetry?: () => void;
  /** Shows the Retry button as busy. */
  retrying?: boolean;
  className?: string;
}

const useStyles = makeStyles({
  body: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXXS },
  requestId: { color: tokens.colorNeutralForeground3 },
});

/** An error MessageBar with the error's message and an optional Retry button. */
export function ErrorBar({ error, title, onRetry, retrying = false, className }: ErrorBarProps) {
  const styles = useStyles();
  const requestId = error instanceof ApiError ? error.requestId : undefined;
  return (
    <MessageBar intent="error" layout="multiline" className={className} data-testid="error-bar">
      <MessageBarBody className={styles.body}>
        {title && <MessageBarTitle>{title}</MessageBarTitle>}
        <Text data-testid="error-message">{errorMessage(error)}</Text>
        {requestId && (
          <Text size={200} className={styles.requestId}>
            Request id: {requestId}
          </Text>
        )}
      </MessageBarBody>
      {onRetry && (
        <MessageBarActions>
          <Button
            appearance="secondary"
            icon={retrying ? <Spinner size="extra-tiny" /> : <ArrowClockwiseRegular />}
            disabled={retrying}
            onClick={onRetry}
            data-testid="error-retry"
          >
            {retrying ? 'Retrying…' : 'Retry'}
          </Button>
        </MessageBarActions>
      )}
    </MessageBar>
  );
}
