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
  Text,
  Textarea,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { KeyRegular } from '@fluentui/react-icons';
import type { When } from '../../api/offboarding';
import { CopyField } from '../../components/CopyField';
import { ActionDialog } from '../../components/ActionDialog';
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
  return (
    <ActionDialog open={open} onClose={onClose} title={title} submitLabel={confirmLabel} cancelLabel="Keep it" onSubmit={onConfirm} testId={testId}>
      {children}
    </ActionDialog>
  );
}

/** Rejecting names a reason: the requester sees it. */
export function RejectDialog({ open, onClose, personName, onReject }: BaseProps & { personName: string; onReject: (reason: string) => Promise<void> }) {
  const [reason, setReason] = useState('');
  useEffect(() => {
    if (open) setReason('');
  }, [open]);
  return (
    <ActionDialog
      open={open}
      onClose={onClose}
      title={`Reject the offboarding of ${personName}?`}
      submitLabel="Reject"
      onSubmit={() => onReject(reason.trim())}
      canSubmit={reason.trim() !== ''}
      testId="reject"
    >
      <Text>Nothing changes in Microsoft 365. The person who asked for it sees your reason.</Text>
      <Field label="Reason" required>
        <Textarea value={reason} onChange={(_, d) => setReason(d.value)} rows={3} resize="vertical" autoFocus maxLength={1000} data-testid="reject-reason" />
      </Field>
    </ActionDialog>
  );
}

export function RescheduleDialog({ open, onClose, current, onReschedule }: BaseProps & { current: When; onReschedule: (when: When) => Promise<void> }) {
  const [draft, setDraft] = useState<WhenDraft>(() => draftOf(current));
  useEffect(() => {
    if (open) setDraft(draftOf(current));
  }, [open, current]);
  const problem = whenProblem(draft);
  return (
    <ActionDialog open={open} onClose={onClose} title="Reschedule" submitLabel="Reschedule" onSubmit={() => onReschedule(toWhen(draft))} canSubmit={problem === null} testId="reschedule">
      <WhenPicker value={draft} onChange={setDraft} />
    </ActionDialog>
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
