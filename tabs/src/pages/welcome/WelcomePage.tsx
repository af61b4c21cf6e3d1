import { useState, type FormEvent, type MouseEvent, type ReactNode } from 'react';
import { useHref, useNavigate } from 'react-router';
import {
  Badge,
  Body1,
  Button,
  Caption1,
  Field,
  Input,
  Link,
  MessageBar,
  MessageBarBody,
  Spinner,
  Subtitle1,
  Text,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components';
import { ArrowRightRegular, BuildingMultipleRegular, CheckmarkRegular } from '@fluentui/react-icons';
import { createOrg, type CreatedInvite } from '../../api/orgs';
import { useMeta } from '../../app/MetaProvider';
import { useOrg } from '../../app/OrgProvider';
import { roleLabel } from '../../app/permissions';
import { useSession } from '../../app/SessionProvider';
import { CopyField } from '../../components/CopyField';
import { ErrorBar } from '../../components/ErrorBar';
import { InviteForm } from '../../components/InviteForm';
import { Page } from '../../components/Page';

const useStyles = makeStyles({
  hidden: { position: 'absolute', width: '1px', height: '1px', overflow: 'hidden', clipPath: 'inset(50%)', whiteSpace: 'nowrap' },
  steps: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'grid',
    gridTemplateColumns: 'repeat(3, minmax(0, 1fr))',
    columnGap: tokens.spacingHorizontalM,
    '@media (max-width: 720px)': { gridTemplateColumns: '1fr', rowGap: tokens.spacingVerticalS },
  },
  step: {
    display: 'flex',
    alignItems: 'center',
    columnGap: tokens.spacingHorizontalS,
    paddingBlock: tokens.spacingVerticalS,
    borderTop: `${tokens.strokeWidthThick} solid ${tokens.colorNeutralStroke2}`,
    color: tokens.colorNeutralForeground3,
  },
  stepCurrent: { borderTopColor: tokens.colorCompoundBrandStroke, color: tokens.colorNeutralForeground1 },
  stepDone: { borderTopColor: tokens.colorCompoundBrandStroke, color: tokens.colorNeutralForeground2 },
  bullet: {
    display: 'grid',
    placeItems: 'center',
    flexShrink: 0,
    width: '24px',
    height: '24px',
    borderRadius: tokens.borderRadiusCircular,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}`,
    fontSize: tokens.fontSizeBase200,
    fontWeight: tokens.fontWeightSemibold,
  },
  bulletOn: {
    backgroundColor: tokens.colorCompoundBrandBackground,
    color: tokens.colorNeutralForegroundOnBrand,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorCompoundBrandBackground}`,
  },
  card: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalL,
    padding: tokens.spacingHorizontalXXL,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusXLarge,
    boxShadow: tokens.shadow4,
    '@media (max-width: 720px)': { padding: tokens.spacingHorizontalL },
  },
  cardHead: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXS },
  heading: { margin: 0 },
  muted: { color: tokens.colorNeutralForeground2, margin: 0, maxWidth: '68ch' },
  nameRow: { display: 'flex', columnGap: tokens.spacingHorizontalM, alignItems: 'flex-end', flexWrap: 'wrap', rowGap: tokens.spacingVerticalS },
  nameField: { flexGrow: 1, minWidth: '240px', maxWidth: '480px' },
  footer: { display: 'flex', justifyContent: 'flex-end', columnGap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  invites: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM },
  invite: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalXS,
    padding: tokens.spacingHorizontalM,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground2,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  inviteHead: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  connect: { display: 'flex', columnGap: tokens.spacingHorizontalL, alignItems: 'flex-start' },
  connectIcon: {
    display: 'grid',
    placeItems: 'center',
    flexShrink: 0,
    width: '48px',
    height: '48px',
    borderRadius: tokens.borderRadiusCircular,
    backgroundColor: tokens.colorBrandBackground2,
    color: tokens.colorBrandForeground2,
    fontSize: '24px',
  },
  connectText: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalS },
});

const STEPS = ['Name your organisation', 'Invite your team', 'Connect Microsoft 365'] as const;

function Steps({ current }: { current: number }) {
  const styles = useStyles();
  return (
    <ol className={styles.steps} aria-label="Setup steps" data-testid="onboarding-steps" data-step={current}>
      {STEPS.map((label, index) => {
        const n = index + 1;
        const done = n < current;
        const on = n === current;
        return (
          <li
            key={label}
            className={mergeClasses(styles.step, on && styles.stepCurrent, done && styles.stepDone)}
            aria-current={on ? 'step' : undefined}
          >
            <span className={mergeClasses(styles.bullet, (on || done) && styles.bulletOn)} aria-hidden>
              {done ? <CheckmarkRegular /> : n}
            </span>
            <Text weight={on ? 'semibold' : 'regular'}>
              {label}
              {done && <span className={styles.hidden}>, done</span>}
            </Text>
          </li>
        );
      })}
    </ol>
  );
}

function Card({ step, title, lead, children, testId }: { step: number; title: string; lead: ReactNode; children: ReactNode; testId: string }) {
  const styles = useStyles();
  return (
    <section className={styles.card} aria-labelledby={`step-${step}`} data-testid={testId}>
      <div className={styles.cardHead}>
        <Caption1>Step {step} of 3</Caption1>
        <Subtitle1 as="h2" id={`step-${step}`} className={styles.heading}>
          {title}
        </Subtitle1>
        <Body1 as="p" className={styles.muted}>
          {lead}
        </Body1>
      </div>
      {children}
    </section>
  );
}

/**
 * /tabs/welcome: a new organisation in three steps. Where a signed-in person with no
 * organisation lands; people in several organisations (MSPs) come here to add another.
 */
export function WelcomePage() {
  const styles = useStyles();
  const navigate = useNavigate();
  const tenantsHref = useHref('/tenants');
  const { memberships, reload, switchOrg } = useOrg();
  const { state: session } = useSession();
  const { state: meta } = useMeta();
  const [firstOrg] = useState(memberships.length === 0);
  const [step, setStep] = useState(1);
  const [name, setName] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [org, setOrg] = useState<{ id: string; name: string } | null>(null);
  const [invites, setInvites] = useState<CreatedInvite[]>([]);

  const firstName = session.status === 'signed-in' ? session.user.name.split(/\s+/)[0] : '';
  const trimmed = name.trim();
  const nameProblem = touched && !trimmed ? 'Give your organisation a name.' : trimmed.length > 100 ? 'Keep it under 100 characters.' : undefined;

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!trimmed || trimmed.length > 100 || busy) return;
    setBusy(true);
    setError(null);
    try {
      const created = await createOrg(trimmed);
      setOrg({ id: created.id, name: created.name });
      await reload().catch(() => undefined);
      switchOrg(created.id);
      setStep(2);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const go = (path: string) => (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(path);
  };

  return (
    <Page
      title={firstOrg ? 'Welcome to Offramp' : 'New organisation'}
      description={
        firstOrg
          ? `${firstName ? `Hello ${firstName}. ` : ''}Set up your organisation: it holds your team, your Microsoft 365 tenants and every offboarding.`
          : 'Add another organisation, for example for another customer you offboard for. You will be its owner.'
      }
    >
      <Steps current={step} />

      {step === 1 && (
        <Card
          step={1}
          testId="onboarding-step-1"
          title="Name your organisation"
          lead="Usually your company's name, or your customer's if you run Offramp for them. You can change it later."
        >
          {error !== null && <ErrorBar title="Couldn't create the organisation" error={error} />}
          <form onSubmit={create} className={styles.nameRow} noValidate>
            <Field
              label="Organisation name"
              required
              className={styles.nameField}
              validationMessage={nameProblem}
              validationState={nameProblem ? 'error' : 'none'}
            >
              <Input
                value={name}
                placeholder="Contoso Ltd"
                autoFocus
                onChange={(_, data) => setName(data.value)}
                data-testid="org-name-input"
              />
            </Field>
            <Button type="submit" appearance="primary" disabled={busy} icon={busy ? <Spinner size="tiny" /> : undefined} data-testid="org-create">
              Create organisation
            </Button>
          </form>
          {firstOrg && (
            <Caption1 className={styles.muted}>
              Joining a colleague's organisation instead? Open the invitation link they sent you: it brings you straight in.
            </Caption1>
          )}
        </Card>
      )}

      {step === 2 && org && (
        <Card
          step={2}
          testId="onboarding-step-2"
          title="Invite your team"
          lead={`${org.name} is ready and you are its owner. Invite the people who offboard with you: each gets a link to join.`}
        >
          <InviteForm orgId={org.id} actorRole="owner" layout="inline" submitLabel="Add" onCreated={(i) => setInvites((list) => [i, ...list])} />
          {invites.length > 0 && (
            <>
              <MessageBar intent="warning">
                <MessageBarBody>
                  Copy each link now and send it to the person: for safety, Offramp shows an invitation link only once.
                </MessageBarBody>
              </MessageBar>
              <ul className={styles.invites} aria-label="Invitations created">
                {invites.map((invite) => (
                  <li key={invite.id} className={styles.invite} data-testid={`onboarding-invite-${invite.email}`}>
                    <div className={styles.inviteHead}>
                      <Text weight="semibold">{invite.email}</Text>
                      <Badge appearance="tint" color="brand">
                        {roleLabel(invite.role)}
                      </Badge>
                      <Caption1>Expires {new Date(invite.expiresAt).toLocaleDateString(undefined, { dateStyle: 'medium' })}</Caption1>
                    </div>
                    <CopyField
                      value={invite.link}
                      label={`Invitation link for ${invite.email}`}
                      testId={`invite-link-${invite.email}`}
                      copyTestId={`invite-copy-${invite.email}`}
                    />
                  </li>
                ))}
              </ul>
            </>
          )}
          <div className={styles.footer}>
            {invites.length === 0 ? (
              <Button appearance="secondary" onClick={() => setStep(3)} data-testid="onboarding-skip">
                Skip for now
              </Button>
            ) : (
              <Button appearance="primary" icon={<ArrowRightRegular />} iconPosition="after" onClick={() => setStep(3)} data-testid="onboarding-continue">
                Continue
              </Button>
            )}
          </div>
        </Card>
      )}

      {step === 3 && (
        <Card
          step={3}
          testId="onboarding-step-3"
          title="Connect Microsoft 365"
          lead="Offramp offboards people from a Microsoft 365 tenant that an administrator connects by consenting to Offramp's app."
        >
          <div className={styles.connect}>
            <div className={styles.connectIcon} aria-hidden>
              <BuildingMultipleRegular />
            </div>
            <div className={styles.connectText}>
              <Body1>
                Connect your tenant on the{' '}
                <Link href={tenantsHref} onClick={go('/tenants')} data-testid="onboarding-tenants">
                  Tenants
                </Link>{' '}
                page, now or later. Offramp only reads the directory until an offboarding runs, and syncs your people every 15 minutes.
              </Body1>
              {meta.status === 'ready' && meta.meta.mode === 'demo' && (
                <Caption1>This server runs a demo: connect the demo tenant there, a simulated Contoso with about 200 people.</Caption1>
              )}
            </div>
          </div>
          <div className={styles.footer}>
            <Button appearance="primary" icon={<ArrowRightRegular />} iconPosition="after" onClick={() => navigate('/queue')} data-testid="onboarding-finish">
              Go to Offramp
            </Button>
          </div>
        </Card>
      )}
    </Page>
  );
}
