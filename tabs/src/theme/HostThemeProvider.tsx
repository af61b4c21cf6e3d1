import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import {
  FluentProvider,
  makeStyles,
  teamsDarkTheme,
  teamsHighContrastTheme,
  teamsLightTheme,
  tokens,
  type Theme,
} from '@fluentui/react-components';
import {
  TEAMS_INIT_TIMEOUT_MS,
  after,
  initializeTeams,
  onTeamsThemeChange,
  teamsTheme,
  themeFromQuery,
  themeFromSystem,
  watchSystemTheme,
  type Host,
  type ThemeName,
} from './hostTheme';

const themes: Record<ThemeName, Theme> = {
  light: teamsLightTheme,
  dark: teamsDarkTheme,
  contrast: teamsHighContrastTheme,
};

export interface HostInfo {
  host: Host;
  theme: ThemeName;
}

const HostContext = createContext<HostInfo>({ host: 'detecting', theme: 'light' });

/** Where the tabs run (Teams or a browser) and the theme in use. */
export function useHost(): HostInfo {
  return useContext(HostContext);
}

const useStyles = makeStyles({
  // Not on the FluentProvider itself: Fluent copies the provider's classes to the portal
  // nodes of tooltips and drawers, which would then cover the page. (index.html gives the
  // provider, #root's child, its full height.)
  surface: {
    height: '100%',
    backgroundColor: tokens.colorNeutralBackground2,
    color: tokens.colorNeutralForeground1,
  },
});

/** The `?theme=` given when the page loaded wins over the system preference outside Teams. */
const queryTheme = themeFromQuery();

/**
 * Wraps the app in a FluentProvider that follows Teams' theme when the page runs inside
 * Teams, and otherwise `?theme=light|dark|contrast` or the system preference.
 * The first render never waits for Teams.
 */
export function HostThemeProvider({ children }: { children: ReactNode }) {
  const styles = useStyles();
  const [host, setHost] = useState<Host>('detecting');
  const [teams, setTeams] = useState<ThemeName | null>(null);
  const [system, setSystem] = useState<ThemeName>(() => themeFromSystem());

  useEffect(() => {
    let active = true;
    const connect = async () => {
      const answer = await Promise.race([initializeTeams(), after(TEAMS_INIT_TIMEOUT_MS, 'timeout' as const)]);
      if (!active) return;
      if (answer === 'timeout') {
        // Carry on as a browser page; a Teams host that answers late still takes over.
        setHost('browser');
        if (!(await initializeTeams()) || !active) return;
      } else if (!answer) {
        setHost('browser');
        return;
      }
      setHost('teams');
      onTeamsThemeChange((theme) => {
        if (active) setTeams(theme);
      });
      const current = await teamsTheme().catch(() => null);
      if (active && current) setTeams((t) => t ?? current);
    };
    void connect();
    return () => {
      active = false;
    };
  }, []);

  useEffect(() => watchSystemTheme(setSystem), []);

  const theme: ThemeName = (host === 'teams' ? teams : null) ?? queryTheme ?? system;
  const fluentTheme = themes[theme];

  useEffect(() => {
    const root = document.documentElement;
    root.dataset.theme = theme;
    root.style.colorScheme = theme === 'light' ? 'light' : 'dark';
    document.body.style.backgroundColor = fluentTheme.colorNeutralBackground2;
  }, [theme, fluentTheme]);

  const info = useMemo<HostInfo>(() => ({ host, theme }), [host, theme]);

  return (
    <HostContext.Provider value={info}>
      <FluentProvider theme={fluentTheme} data-theme={theme}>
        <div className={styles.surface}>{children}</div>
      </FluentProvider>
    </HostContext.Provider>
  );
}
