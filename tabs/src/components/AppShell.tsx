import { Fragment, useEffect, useState, type MouseEvent, type ReactNode } from 'react';
import { Link, Navigate, Outlet, useHref, useLocation, useNavigate } from 'react-router';
import {
  Caption1,
  Hamburger,
  NavDivider,
  NavDrawer,
  NavDrawerBody,
  NavDrawerFooter,
  NavItem,
  NavSectionHeader,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { NAV, NAV_GROUPS, navEntryFor, type NavEntry } from '../app/navigation';
import { useMediaQuery } from '../app/hooks';
import { useMeta } from '../app/MetaProvider';
import { useOrg } from '../app/OrgProvider';
import { useSession } from '../app/SessionProvider';
import { SignInPage } from '../pages/signin/SignInPage';
import { useHost } from '../theme/HostThemeProvider';
import { ErrorBar } from './ErrorBar';
import { LoadingState } from './LoadingState';
import { ModeBadge } from './ModeBadge';
import { NoticesMenu } from './NoticesMenu';
import { StandingBanner } from './StandingBanner';
import { OfframpMark } from './OfframpMark';
import { OrgSwitcher } from './OrgSwitcher';
import { UserMenu } from './UserMenu';

/** Pages anyone may open, signed in or not (the manifest links to them). */
const PUBLIC_PATHS = new Set(['/privacy', '/terms']);
/** Pages a signed-in person without an organisation may open. */
const NO_ORG_PATHS = /^\/(welcome|invite\/[^/]+)\/?$/;

const NARROW = '(max-width: 720px)';

const useStyles = makeStyles({
  shell: {
    display: 'grid',
    gridTemplateRows: 'auto 1fr',
    // Never wider than the window: wide tables scroll inside their own box.
    gridTemplateColumns: 'minmax(0, 1fr)',
    height: '100%',
    minHeight: 0,
  },
  skip: {
    position: 'absolute',
    left: '-10000px',
    ':focus': {
      left: tokens.spacingHorizontalS,
      top: tokens.spacingVerticalS,
      zIndex: 10,
      padding: tokens.spacingHorizontalS,
      backgroundColor: tokens.colorNeutralBackground1,
      borderRadius: tokens.borderRadiusMedium,
    },
  },
  header: {
    display: 'flex',
    alignItems: 'center',
    columnGap: tokens.spacingHorizontalM,
    height: '48px',
    paddingInline: tokens.spacingHorizontalL,
    backgroundColor: tokens.colorNeutralBackground1,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    '@media (max-width: 720px)': { columnGap: tokens.spacingHorizontalXS, paddingInline: tokens.spacingHorizontalS },
  },
  brand: {
    display: 'flex',
    alignItems: 'center',
    columnGap: tokens.spacingHorizontalS,
    color: tokens.colorNeutralForeground1,
    textDecorationLine: 'none',
    borderRadius: tokens.borderRadiusMedium,
    ':focus-visible': { outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}` },
  },
  spacer: { flexGrow: 1 },
  // Fluent's Nav draws the selected item's icon in a brand colour that is black in the
  // Teams high-contrast theme (on black). Use the text colour there instead.
  contrastSelected: {
    '&[aria-current="page"] .fui-Icon-filled': { color: tokens.colorNeutralForeground1 },
  },
  body: { display: 'flex', minHeight: 0 },
  nav: { height: '100%', width: '248px', flexShrink: 0 },
  footer: {
    flexDirection: 'column',
    alignItems: 'flex-start',
    rowGap: tokens.spacingVerticalXXS,
    padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalL}`,
    color: tokens.colorNeutralForeground3,
  },
  main: {
    flexGrow: 1,
    minWidth: 0,
    overflowY: 'auto',
    display: 'flex',
    flexDirection: 'column',
  },
  banner: {
    boxSizing: 'border-box',
    width: '100%',
    maxWidth: '1080px',
    marginInline: 'auto',
    padding: `${tokens.spacingVerticalL} ${tokens.spacingHorizontalXXL} 0`,
    '@media (max-width: 720px)': { padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalL} 0` },
  },
});

/** A nav item that is a real link (open in new tab works) but navigates inside the app. */
function NavLinkItem({ entry, onNavigate }: { entry: NavEntry; onNavigate: () => void }) {
  const styles = useStyles();
  const { theme } = useHost();
  const href = useHref(entry.path);
  const navigate = useNavigate();
  const Icon = entry.icon;
  const onClick = (event: MouseEvent<HTMLAnchorElement | HTMLButtonElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(entry.path);
    onNavigate();
  };
  return (
    <NavItem
      value={entry.id}
      href={href}
      icon={<Icon />}
      onClick={onClick}
      className={theme === 'contrast' ? styles.contrastSelected : undefined}
      data-testid={`nav-${entry.id}`}
    >
      {entry.title}
    </NavItem>
  );
}

function NavFooter() {
  const styles = useStyles();
  const { state } = useMeta();
  if (state.status !== 'ready') return null;
  const { meta } = state;
  return (
    <NavDrawerFooter className={styles.footer}>
      <Caption1 data-testid="server-version">Offramp {meta.version}</Caption1>
      <Caption1>{meta.store === 'embedded' ? 'Embedded database' : 'PostgreSQL server'}</Caption1>
    </NavDrawerFooter>
  );
}

/**
 * What the main area shows: the page, or what must come first (signing in, loading the
 * person's organisations, creating a first organisation).
 */
function Gate({ isPublic, pathname }: { isPublic: boolean; pathname: string }) {
  const styles = useStyles();
  const session = useSession();
  const org = useOrg();
  if (isPublic) return <Outlet />;
  switch (session.state.status) {
    case 'loading':
      return <LoadingState label="Signing you in…" testId="session-loading" />;
    case 'error':
      return (
        <Banner>
          <ErrorBar title="Couldn't check who is signed in" error={session.state.error} onRetry={session.retry} retrying={session.retrying} />
        </Banner>
      );
    case 'signed-out':
      return <SignInPage />;
    case 'signed-in':
      break;
  }
  switch (org.state.status) {
    case 'idle':
    case 'loading':
      return <LoadingState label="Loading your organisations…" testId="orgs-loading" />;
    case 'error':
      return (
        <Banner>
          <ErrorBar title="Couldn't load your organisations" error={org.state.error} onRetry={org.retry} retrying={org.retrying} />
        </Banner>
      );
    case 'ready':
      break;
  }
  if (!org.current && !NO_ORG_PATHS.test(pathname)) return <Navigate to="/welcome" replace />;
  return (
    <>
      {org.current && <StandingBanner className={styles.banner} />}
      <Outlet />
    </>
  );
}

function Banner({ children }: { children: ReactNode }) {
  const styles = useStyles();
  return <div className={styles.banner}>{children}</div>;
}

/** The frame around every page: header with the product and its mode, navigation, content. */
export function AppShell() {
  const styles = useStyles();
  const narrow = useMediaQuery(NARROW);
  const [navOpen, setNavOpen] = useState(false);
  const location = useLocation();
  const current = navEntryFor(location.pathname);
  const { state, retry, retrying } = useMeta();
  const session = useSession();
  const org = useOrg();
  const signedIn = session.state.status === 'signed-in';
  const isPublic = PUBLIC_PATHS.has(location.pathname.replace(/\/+$/, ''));
  const visible = NAV.filter((entry) => org.can(entry.permission));
  const showNav = signedIn && org.current !== null;

  useEffect(() => {
    if (!narrow) setNavOpen(false);
  }, [narrow]);

  return (
    <div className={styles.shell}>
      <a className={styles.skip} href="#main">
        Skip to content
      </a>
      <header className={styles.header}>
        {narrow && showNav && (
          <Hamburger
            aria-expanded={navOpen}
            aria-controls="offramp-nav"
            onClick={() => setNavOpen((open) => !open)}
            data-testid="nav-toggle"
          />
        )}
        <Link to="/queue" className={styles.brand} aria-label="Offramp: go to the queue" data-testid="brand">
          <OfframpMark size={28} />
          <Text weight="semibold" size={500}>
            Offramp
          </Text>
        </Link>
        <div className={styles.spacer} />
        <ModeBadge />
        {signedIn && <NoticesMenu />}
        {signedIn && <OrgSwitcher compact={narrow} />}
        {signedIn && <UserMenu compact={narrow} />}
      </header>
      <div className={styles.body}>
        {showNav && (
        <NavDrawer
          id="offramp-nav"
          aria-label="Offramp pages"
          className={styles.nav}
          type={narrow ? 'overlay' : 'inline'}
          open={narrow ? navOpen : true}
          // Inline, the nav is always open: no slide-in on every page load.
          unmountOnClose={narrow}
          onOpenChange={(_, data) => setNavOpen(data.open)}
          selectedValue={current?.id ?? ''}
          data-testid="nav"
        >
          <NavDrawerBody>
            {NAV_GROUPS.filter((group) => visible.some((entry) => entry.group === group.id)).map((group, index) => (
              <Fragment key={group.id}>
                {index > 0 && <NavDivider />}
                <NavSectionHeader>{group.label}</NavSectionHeader>
                {visible
                  .filter((entry) => entry.group === group.id)
                  .map((entry) => (
                    <NavLinkItem key={entry.id} entry={entry} onNavigate={() => setNavOpen(false)} />
                  ))}
              </Fragment>
            ))}
          </NavDrawerBody>
          <NavFooter />
        </NavDrawer>
        )}
        <main className={styles.main} id="main" tabIndex={-1}>
          {state.status === 'error' && (
            <div className={styles.banner}>
              <ErrorBar title="Can't reach the Offramp server" error={state.error} onRetry={retry} retrying={retrying} />
            </div>
          )}
          <Gate isPublic={isPublic} pathname={location.pathname} />
        </main>
      </div>
    </div>
  );
}
