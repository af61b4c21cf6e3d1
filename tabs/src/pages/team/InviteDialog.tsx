import { useState } from 'react';
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  DialogTrigger,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { PersonAddRegular } from '@fluentui/react-icons';
import type { CreatedInvite } from '../../api/orgs';
import { roleLabel } from '../../app/permissions';
import { CopyField } from '../../components/CopyField';
import { InviteForm } from '../../components/InviteForm';

const useStyles = makeStyles({
  content: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM },
  once: { color: tokens.colorNeutralForeground2 },
});

export interface InviteDialogProps {
  orgId: string;
  orgName: string;
  actorRole: string;
  /** Called after each invitation is created, to refresh the pending list. */
  onCreated: () => void;
}

/** "Invite people": email + role, then the invitation link, shown this once, with Copy. */
export function InviteDialog({ orgId, orgName, actorRole, onCreated }: InviteDialogProps) {
  const styles = useStyles();
  const [open, setOpen] = useState(false);
  const [created, setCreated] = useState<CreatedInvite | null>(null);

  return (
    <Dialog
      open={open}
      onOpenChange={(_, data) => {
        setOpen(data.open);
        if (!data.open) setCreated(null);
      }}
    >
      <DialogTrigger disableButtonEnhancement>
        <Button appearance="primary" icon={<PersonAddRegular />} data-testid="invite-open">
          Invite people
        </Button>
      </DialogTrigger>
      <DialogSurface aria-describedby={undefined} data-testid="invite-dialog">
        <DialogBody>
          <DialogTitle>{created ? 'Invitation created' : `Invite someone to ${orgName}`}</DialogTitle>
          <DialogContent className={styles.content}>
            {created ? (
              <>
                <MessageBar intent="success" data-testid="invite-created">
                  <MessageBarBody>
                    <MessageBarTitle>{created.email}</MessageBarTitle>
                    is invited as {roleLabel(created.role)}, until{' '}
                    {new Date(created.expiresAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}.
                  </MessageBarBody>
                </MessageBar>
                <CopyField value={created.link} label={`Invitation link for ${created.email}`} testId="invite-link" copyTestId="invite-copy" />
                <Text className={styles.once} data-testid="invite-once-note">
                  Copy this link now and send it to {created.email}. It will not be shown again: if it is lost, revoke the invitation
                  and create a new one.
                </Text>
              </>
            ) : (
              <InviteForm
                orgId={orgId}
                actorRole={actorRole}
                autoFocus
                actions={
                  <DialogTrigger disableButtonEnhancement>
                    <Button appearance="secondary" data-testid="invite-close">
                      Cancel
                    </Button>
                  </DialogTrigger>
                }
                onCreated={(invite) => {
                  setCreated(invite);
                  onCreated();
                }}
              />
            )}
          </DialogContent>
          {created && (
            <DialogActions>
              <Button appearance="secondary" onClick={() => setCreated(null)} data-testid="invite-another">
                Invite someone else
              </Button>
              <DialogTrigger disableButtonEnhancement>
                <Button appearance="primary" data-testid="invite-close">
                  Done
                </Button>
              </DialogTrigger>
            </DialogActions>
          )}
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
