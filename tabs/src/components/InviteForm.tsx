import { useState, type FormEvent, type ReactNode } from 'react';
import { Button, Caption1, Field, Input, Select, Spinner, makeStyles, tokens } from '@fluentui/react-components';
import { PersonAddRegular } from '@fluentui/react-icons';
import { createInvite, type CreatedInvite } from '../api/orgs';
import { ROLE_SUMMARY, assignableRoles, roleLabel, type Role } from '../app/permissions';
import { ErrorBar } from './ErrorBar';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM },
  row: {
    display: 'grid',
    gridTemplateColumns: 'minmax(0, 1fr) 180px auto',
    columnGap: tokens.spacingHorizontalM,
    rowGap: tokens.spacingVerticalS,
    alignItems: 'start',
    '@media (max-width: 720px)': { gridTemplateColumns: '1fr' },
  },
  stacked: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM },
  // Lines the button up with the inputs, under the labels.
  submit: { marginTop: '26px', '@media (max-width: 720px)': { marginTop: 0, justifySelf: 'start' } },
  stackedFooter: { display: 'flex', justifyContent: 'flex-end', columnGap: tokens.spacingHorizontalS, marginTop: tokens.spacingVerticalS },
  summary: { color: tokens.colorNeutralForeground3 },
});

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface InviteFormProps {
  orgId: string;
  /** The inviting person's role: only owners may invite owners. */
  actorRole: string;
  onCreated: (invite: CreatedInvite) => void;
  /** inline: one row (onboarding); stacked: fields under each other (dialog). */
  layout?: 'inline' | 'stacked';
  submitLabel?: string;
  autoFocus?: boolean;
  /** More buttons beside the submit button (stacked layout), e.g. Cancel in a dialog. */
  actions?: ReactNode;
}

/** Email + role, creating one invitation per submit (data-testids invite-email, invite-role, invite-submit). */
export function InviteForm({ orgId, actorRole, onCreated, layout = 'stacked', submitLabel = 'Create invitation', autoFocus, actions }: InviteFormProps) {
  const styles = useStyles();
  const roles = assignableRoles(actorRole);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('manager');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const trimmed = email.trim();
  const invalid = touched && !EMAIL.test(trimmed) ? 'Enter an email address, such as ada@contoso.com.' : undefined;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!EMAIL.test(trimmed) || busy) return;
    setBusy(true);
    setError(null);
    try {
      const invite = await createInvite(orgId, trimmed, role);
      setEmail('');
      setTouched(false);
      onCreated(invite);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const submitButton = (
    <Button
      type="submit"
      appearance="primary"
      className={layout === 'inline' ? styles.submit : undefined}
      icon={busy ? <Spinner size="tiny" /> : <PersonAddRegular />}
      disabled={busy}
      data-testid="invite-submit"
    >
      {submitLabel}
    </Button>
  );

  return (
    <form className={styles.form} onSubmit={onSubmit} noValidate>
      {error !== null && <ErrorBar title="Couldn't create the invitation" error={error} />}
      <div className={layout === 'inline' ? styles.row : styles.stacked}>
        <Field label="Email address" required validationMessage={invalid} validationState={invalid ? 'error' : 'none'}>
          <Input
            type="email"
            value={email}
            placeholder="name@company.com"
            autoComplete="off"
            autoFocus={autoFocus}
            onChange={(_, data) => setEmail(data.value)}
            onBlur={() => setTouched(trimmed !== '')}
            data-testid="invite-email"
          />
        </Field>
        <Field label="Role" hint={layout === 'stacked' ? <Caption1 className={styles.summary}>{ROLE_SUMMARY[role]}</Caption1> : undefined}>
          <Select value={role} onChange={(_, data) => setRole(data.value as Role)} data-testid="invite-role">
            {roles.map((r) => (
              <option key={r} value={r}>
                {roleLabel(r)}
              </option>
            ))}
          </Select>
        </Field>
        {layout === 'inline' && submitButton}
      </div>
      {layout === 'stacked' && (
        <div className={styles.stackedFooter}>
          {actions}
          {submitButton}
        </div>
      )}
      {layout === 'inline' && <Caption1 className={styles.summary}>{roleLabel(role)}: {ROLE_SUMMARY[role]}</Caption1>}
    </form>
  );
}
