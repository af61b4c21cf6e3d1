import { Body1, Button, Caption1, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle, Title2, makeStyles, tokens } from '@fluentui/react-components';
import { ArrowClockwiseRegular, PersonKeyRegular } from '@fluentui/react-icons';
import { useLocation } from 'react-router';
import { BASENAME } from '../../app/basename';
import { usePageTitle } from '../../app/hooks';
import { useMeta } from '../../app/MetaProvider';
import { useSession } from '../../app/SessionProvider';
import { signInUrl } from '../../api/orgs';
import { OfframpMark } from '../../components/OfframpMark';

const useStyles = makeStyles({
  root: {
    flexGrow: 1,
    display: 'grid',
    placeItems: 'center',
    padding: `${tokens.spacingVerticalXXXL} ${tokens.spacingHorizontalL}`,
  },
  card: {
    boxSizing: 'border-box',
    width: '100%',
    maxWidth: '460px',
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'center',
    textAlign: 'center',
    rowGap: tokens.spacingVerticalL,
    padding: `${tokens.spacingVerticalXXXL} ${tokens.spacingHorizontalXXL}`,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusXLarge,
    boxShadow: tokens.shadow8,
  },
  title: { margin: 0 },
  lead: { color: tokens.colorNeutralForeground2, margin: 0 },
  button: { minWidth: '240px' },
  note: { color: tokens.colorNeutralForeground3, margin: 0, maxWidth: '40ch' },
  bar: { textAlign: 'start', width: '100%' },
});

/**
 * Shown in the frame whenever nobody is signed in. The button is a full-page navigation
 * to the server's /auth/signin, which brings the person back to this very address.
 */
export function SignInPage() {
  const styles = useStyles();
  const { state: meta } = useMeta();
  const { state, retry, retrying } = useSession();
  const location = useLocation();
  usePageTitle('Sign in');

  const authMode = meta.status === 'ready' ? (meta.meta.auth?.mode ?? (meta.meta.mode === 'demo' ? 'demo' : 'microsoft')) : null;
  const demo = authMode === 'demo';
  const returnTo = BASENAME + (location.pathname === '/' ? '/' : location.pathname) + location.search;
  const invited = location.pathname.startsWith('/invite/');
  const teamsProblem = state.status === 'signed-out' ? state.teamsProblem : undefined;

  return (
    <div className={styles.root}>
      <div className={styles.card} data-testid="sign-in">
        <OfframpMark size={56} />
        <Title2 as="h1" className={styles.title} id="page-title" data-testid="page-title">
          {invited ? 'Sign in to see your invitation' : 'Sign in to Offramp'}
        </Title2>
        <Body1 as="p" className={styles.lead}>
          {invited
            ? 'Someone invited you to an organisation on Offramp. Sign in with the account the invitation was sent to, and you will come straight back here.'
            : 'Offboard leavers from Microsoft 365 from inside Teams: approvals, every step of each run, and the compliance report.'}
        </Body1>
        {teamsProblem && (
          <MessageBar intent="warning" layout="multiline" className={styles.bar} data-testid="teams-sso-problem">
            <MessageBarBody>
              <MessageBarTitle>Teams single sign-on didn't work</MessageBarTitle>
              {teamsProblem} You can try again, or sign in below.
            </MessageBarBody>
            <MessageBarActions>
              <Button icon={<ArrowClockwiseRegular />} disabled={retrying} onClick={retry}>
                Try again
              </Button>
            </MessageBarActions>
          </MessageBar>
        )}
        <Button
          as="a"
          href={signInUrl(returnTo)}
          appearance="primary"
          size="large"
          icon={<PersonKeyRegular />}
          className={styles.button}
          data-testid="sign-in-button"
        >
          {demo ? 'Sign in to the demo' : 'Sign in with Microsoft'}
        </Button>
        {demo && (
          <Caption1 as="p" className={styles.note} data-testid="sign-in-demo-note">
            This server runs a demo: a simulated Microsoft 365 tenant stands in for a real one, and you sign in as one of its
            people. Nothing touches real accounts.
          </Caption1>
        )}
        {authMode === 'microsoft' && (
          <Caption1 as="p" className={styles.note}>
            Use your work or school account. Your Microsoft 365 administrator may need to approve Offramp first.
          </Caption1>
        )}
      </div>
    </div>
  );
}
