import { Fragment, useEffect, useState, type MouseEvent } from 'react';
import { Link, Outlet, useHref, useLocation, useNavigate } from 'react-router';
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
import { useHost } from '../theme/HostThemeProvider';
import { ErrorBar } from './ErrorBar';
import { ModeBadge } from './ModeBadge';
import { OfframpMark } from './OfframpMark';

const NARROW = '(max-width: 720px)';

const useStyles = makeStyles({
  shell: {
    display: 'grid',
    gridTemplateRows: 'auto 1fr',
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

/** The frame around every page: header with the product and its mode, navigation, content. */
export function AppShell() {
  const styles = useStyles();
  const narrow = useMediaQuery(NARROW);
  const [navOpen, setNavOpen] = useState(false);
  const location = useLocation();
  const current = navEntryFor(location.pathname);
  const { state, retry, retrying } = useMeta();

  useEffect(() => {
    if (!narrow) setNavOpen(false);
  }, [narrow]);

  return (
    <div className={styles.shell}>
      <a className={styles.skip} href="#main">
        Skip to content
      </a>
      <header className={styles.header}>
        {narrow && (
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
      </header>
      <div className={styles.body}>
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
            {NAV_GROUPS.map((group, index) => (
              <Fragment key={group.id}>
                {index > 0 && <NavDivider />}
                <NavSectionHeader>{group.label}</NavSectionHeader>
                {NAV.filter((entry) => entry.group === group.id).map((entry) => (
                  <NavLinkItem key={entry.id} entry={entry} onNavigate={() => setNavOpen(false)} />
                ))}
              </Fragment>
            ))}
          </NavDrawerBody>
          <NavFooter />
        </NavDrawer>
        <main className={styles.main} id="main" tabIndex={-1}>
          {state.status === 'error' && (
            <div className={styles.banner}>
              <ErrorBar title="Can't reach the Offramp server" error={state.error} onRetry={retry} retrying={retrying} />
            </div>
          )}
          <Outlet />
        </main>
      </div>
    </div>
  );
}
