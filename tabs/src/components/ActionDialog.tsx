import { useEffect, useState, type ReactNode } from 'react';
import { Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, Spinner, makeStyles, tokens } from '@fluentui/react-components';
import { ErrorBar } from './ErrorBar';

const useStyles = makeStyles({
  content: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM },
  wide: { maxWidth: 'min(760px, calc(100vw - 48px))', width: '100%' },
});

export interface ActionDialogProps {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  children: ReactNode;
  submitLabel: string;
  /** null: no Cancel button (a dialog that only shows something, closed by its submit button). */
  cancelLabel?: string | null;
  /** May fail: its message is shown in the dialog, which stays open. On success the dialog closes. */
  onSubmit: () => Promise<void>;
  /** False while the form is incomplete (the submit button is disabled, Enter does nothing). */
  canSubmit?: boolean;
  /** `<testId>-dialog` on the surface, `<testId>-confirm` on the submit button. */
  testId: string;
  /** Room for wider content (a form beside a request preview): up to 760px instead of 600px. */
  wide?: boolean;
}

/** A dialog that does one thing: a form (Enter submits), busy while it runs, the error shown if it fails. */
export function ActionDialog({ open, onClose, title, children, submitLabel, cancelLabel = 'Cancel', onSubmit, canSubmit = true, testId, wide = false }: ActionDialogProps) {
  const styles = useStyles();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (open) setError(null);
  }, [open]);
  const submit = async () => {
    if (!canSubmit || busy) return;
    setBusy(true);
    setError(null);
    try {
      await onSubmit();
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={open} onOpenChange={(_, d) => !d.open && !busy && onClose()}>
      <DialogSurface className={wide ? styles.wide : undefined} data-testid={`${testId}-dialog`}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <DialogBody>
            <DialogTitle>{title}</DialogTitle>
            <DialogContent className={styles.content}>
              {error !== null && <ErrorBar error={error} />}
              {children}
            </DialogContent>
            <DialogActions>
              {cancelLabel !== null && (
                <Button onClick={onClose} disabled={busy}>
                  {cancelLabel}
                </Button>
              )}
              <Button type="submit" appearance="primary" disabled={busy || !canSubmit} icon={busy ? <Spinner size="tiny" /> : undefined} data-testid={`${testId}-confirm`}>
                {submitLabel}
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
