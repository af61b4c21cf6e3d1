import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import {
  Body1,
  Button,
  Caption1,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Subtitle1,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { CheckmarkCircleRegular, MailInboxCheckmarkRegular } from '@fluentui/react-icons';
import { ApiError } from '../../api/client';
import { acceptInvite, getInvite, type InvitePreview } from '../../api/orgs';
import { useOrg } from '../../app/OrgProvider';
import { ROLE_SUMMARY, roleLabel, withArticle } from '../../app/permissions';
import { useSession } from '../../app/SessionProvider';
import { EmptyState } from '../../components/EmptyState';
import { ErrorBar } from '../../components/ErrorBar';
import { LoadingState } from '../../components/LoadingState';
import { OfframpMark } from '../../components/OfframpMark';
import { Page } from '../../components/Page';

const useStyles = makeStyles({
  card: {
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'center',
    textAlign: 'center',
    rowGap: tokens.spacingVerticalL,
    padding: `${tokens.spacingVerticalXXXL} ${tokens.spacingHorizontalXXL}`,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusXLarge,
    boxShadow: tokens.shadow4,
  },
  summary: { margin: 0, maxWidth: '48ch' },
  muted: { color: tokens.colorNeutralForeground2, margin: 0, maxWidth: '60ch' },
  bar: { textAlign: 'start', maxWidth: '60ch' },
});

const formatDate = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

type Load = { status: 'loading' } | { status: 'ready'; invite: InvitePreview } | { status: 'error'; error: unknown };

/** /tabs/invite/:token — the link an invitation email carries. */
export function InvitePage() {
  const styles = useStyles();
  const { token = '' } = useParams();
  const navigate = useNavigate();
  const { state: session } = useSession();
  const { reload, switchOrg, memberships } = useOrg();
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [accepting, setAccepting] = useState(false);
  const [acceptError, setAcceptError] = useState<unknown>(null);

  useEffect(() => {
    const controller = new AbortController();
    getInvite(token, { signal: controller.signal }).then(
      (invite) => setLoad({ status: 'ready', invite }),
      (error: unknown) => {
        if (!controller.signal.aborted) setLoad({ status: 'error', error });
      },
    );
    return () => controller.abort();
  }, [token, attempt]);

  const accept = async () => {
    setAccepting(true);
    setAcceptError(null);
    try {
      const { orgId } = await acceptInvite(token);
      await reload();
      switchOrg(orgId);
      navigate('/queue', { replace: true });
    } catch (err) {
      setAcceptError(err);
      setAccepting(false);
    }
  };

  if (load.status === 'loading') {
    return (
      <Page title="Invitation">
        <LoadingState label="Opening the invitation…" />
      </Page>
    );
  }

  if (load.status === 'error') {
    const notFound = load.error instanceof ApiError && load.error.status === 404;
    return (
      <Page title="Invitation">
        {notFound ? (
          <div data-testid="invite-status" data-status="not-found">
            <EmptyState icon={<MailInboxCheckmarkRegular />} title="This invitation link isn't valid">
              The link may be mistyped or cut short. Ask the person who invited you to send a new invitation.
            </EmptyState>
          </div>
        ) : (
          <ErrorBar title="Couldn't open the invitation" error={load.error} onRetry={() => setAttempt((n) => n + 1)} />
        )}
      </Page>
    );
  }

  const { invite } = load;
  const you = session.status === 'signed-in' ? session.user : null;
  const otherEmail = you && you.email.toLowerCase() !== invite.email.toLowerCase();

  if (invite.status !== 'pending') {
    const member = memberships.some((m) => m.orgName === invite.orgName);
    const text: Record<Exclude<InvitePreview['status'], 'pending'>, [string, string]> = {
      expired: [
        'This invitation has expired',
        `${invite.invitedBy}'s invitation to join ${invite.orgName} ran out on ${formatDate(invite.expiresAt)}. Ask them to invite you again.`,
      ],
      revoked: ['This invitation was withdrawn', `${invite.orgName} withdrew this invitation. Ask ${invite.invitedBy} if you still need access.`],
      accepted: [
        'This invitation has already been used',
        member
          ? `You are already a member of ${invite.orgName}.`
          : `Someone already joined ${invite.orgName} with this link. An invitation link works once; ask ${invite.invitedBy} for a new one.`,
      ],
    };
    const [title, body] = text[invite.status];
    return (
      <Page title="Invitation">
        <div data-testid="invite-status" data-status={invite.status}>
          <EmptyState
            icon={<MailInboxCheckmarkRegular />}
            title={title}
            actions={
              memberships.length > 0 ? (
                <Button appearance="primary" onClick={() => navigate('/queue')} data-testid="invite-home">
                  Go to Offramp
                </Button>
              ) : undefined
            }
          >
            {body}
          </EmptyState>
        </div>
      </Page>
    );
  }

  return (
    <Page title="Invitation">
      <div className={styles.card} data-testid="invite-status" data-status="pending">
        <OfframpMark size={48} />
        <Subtitle1 as="h2" className={styles.summary} data-testid="invite-summary">
          {invite.invitedBy} invited you to join {invite.orgName} as {withArticle(invite.role)}
        </Subtitle1>
        <Body1 as="p" className={styles.muted}>
          {roleLabel(invite.role)}: {ROLE_SUMMARY[invite.role] ?? ''}
        </Body1>
        <Caption1 className={styles.muted}>
          Sent to {invite.email} · expires {formatDate(invite.expiresAt)}
        </Caption1>
        {otherEmail && (
          <MessageBar intent="warning" layout="multiline" className={styles.bar} data-testid="invite-other-email">
            <MessageBarBody>
              <MessageBarTitle>Different account</MessageBarTitle>
              This invitation was sent to {invite.email}, and you are signed in as {you.email}.
            </MessageBarBody>
          </MessageBar>
        )}
        {acceptError !== null && <ErrorBar className={styles.bar} title="Couldn't accept the invitation" error={acceptError} />}
        <Button
          appearance="primary"
          size="large"
          icon={accepting ? <Spinner size="tiny" /> : <CheckmarkCircleRegular />}
          disabled={accepting}
          onClick={accept}
          data-testid="invite-accept"
        >
          Accept and join {invite.orgName}
        </Button>
      </div>
    </Page>
  );
}
