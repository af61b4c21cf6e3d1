import { useEffect, useState, type ReactNode } from 'react';
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  MessageBar,
  MessageBarBody,
  Spinner,
  Text,
  Textarea,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { KeyRegular } from '@fluentui/react-icons';
import type { When } from '../../api/offboarding';
import { CopyField } from '../../components/CopyField';
import { ErrorBar } from '../../components/ErrorBar';
import { WhenPicker, draftOf, toWhen, whenProblem, type WhenDraft } from '../../components/WhenPicker';

const useStyles = makeStyles({
  content: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM },
  passwordHead: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalS },
});

interface BaseProps {
  open: boolean;
  onClose: () => void;
}

/** Asks before something that can't be taken back; `onConfirm` may fail (its message is shown here). */
export function ConfirmDialog({
  open,
  onClose,
  title,
  children,
  confirmLabel,
  onConfirm,
  testId,
}: BaseProps & { title: string; children: ReactNode; confirmLabel: string; onConfirm: () => Promise<void>; testId: string }) {
  const styles = useStyles();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (open) setError(null);
  }, [open]);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={open} onOpenChange={(_, d) => !d.open && !busy && onClose()}>
      <DialogSurface data-testid={`${testId}-dialog`}>
        <DialogBody>
          <DialogTitle>{title}</DialogTitle>
          <DialogContent className={styles.content}>
            {error !== null && <ErrorBar error={error} />}
            {children}
          </DialogContent>
          <DialogActions>
            <Button onClick={onClose} disabled={busy}>
              Keep it
            </Button>
            <Button appearance="primary" onClick={() => void confirm()} disabled={busy} icon={busy ? <Spinner size="tiny" /> : undefined} data-testid={`${testId}-confirm`}>
              {confirmLabel}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

/** Rejecting names a reason: the requester sees it. */
export function RejectDialog({ open, onClose, personName, onReject }: BaseProps & { personName: string; onReject: (reason: string) => Promise<void> }) {
  const styles = useStyles();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (open) {
      setReason('');
      setError(null);
    }
  }, [open]);
  const submit = async () => {
    if (!reason.trim()) return;
    setBusy(true);
    setError(null);
    try {
      await onReject(reason.trim());
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={open} onOpenChange={(_, d) => !d.open && !busy && onClose()}>
      <DialogSurface data-testid="reject-dialog">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <DialogBody>
            <DialogTitle>Reject the offboarding of {personName}?</DialogTitle>
            <DialogContent className={styles.content}>
              {error !== null && <ErrorBar error={error} />}
              <Text>Nothing changes in Microsoft 365. The person who asked for it sees your reason.</Text>
              <Field label="Reason" required>
                <Textarea value={reason} onChange={(_, d) => setReason(d.value)} rows={3} resize="vertical" autoFocus maxLength={1000} data-testid="reject-reason" />
              </Field>
            </DialogContent>
            <DialogActions>
              <Button onClick={onClose} disabled={busy}>
                Cancel
              </Button>
              <Button type="submit" appearance="primary" disabled={busy || !reason.trim()} icon={busy ? <Spinner size="tiny" /> : undefined} data-testid="reject-confirm">
                Reject
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}

export function RescheduleDialog({ open, onClose, current, onReschedule }: BaseProps & { current: When; onReschedule: (when: When) => Promise<void> }) {
  const styles = useStyles();
  const [draft, setDraft] = useState<WhenDraft>(() => draftOf(current));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (open) {
      setDraft(draftOf(current));
      setError(null);
    }
  }, [open, current]);
  const problem = whenProblem(draft);
  const submit = async () => {
    if (problem) return;
    setBusy(true);
    setError(null);
    try {
      await onReschedule(toWhen(draft));
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={open} onOpenChange={(_, d) => !d.open && !busy && onClose()}>
      <DialogSurface data-testid="reschedule-dialog">
        <DialogBody>
          <DialogTitle>Reschedule</DialogTitle>
          <DialogContent className={styles.content}>
            {error !== null && <ErrorBar error={error} />}
            <WhenPicker value={draft} onChange={setDraft} disabled={busy} />
          </DialogContent>
          <DialogActions>
            <Button onClick={onClose} disabled={busy}>
              Cancel
            </Button>
            <Button appearance="primary" onClick={() => void submit()} disabled={busy || problem !== null} icon={busy ? <Spinner size="tiny" /> : undefined} data-testid="reschedule-confirm">
              Reschedule
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

/** The password the run set, shown once. */
export function PasswordDialog({ password, personName, onClose }: { password: string | null; personName: string; onClose: () => void }) {
  const styles = useStyles();
  return (
    <Dialog open={password !== null} onOpenChange={(_, d) => !d.open && onClose()} modalType="alert">
      <DialogSurface data-testid="password-dialog">
        <DialogBody>
          <DialogTitle>
            <span className={styles.passwordHead}>
              <KeyRegular /> New password of {personName}
            </span>
          </DialogTitle>
          <DialogContent className={styles.content}>
            <MessageBar intent="warning" layout="multiline">
              <MessageBarBody>
                This password will not be shown again: Offramp has now forgotten it. Copy it before you close this window.
              </MessageBarBody>
            </MessageBar>
            {password !== null && <CopyField value={password} label={`New password of ${personName}`} testId="password-value" copyTestId="password-copy" />}
          </DialogContent>
          <DialogActions>
            <Button appearance="primary" onClick={onClose} data-testid="password-close">
              I have copied it
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
