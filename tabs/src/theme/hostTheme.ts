import { app } from '@microsoft/teams-js';

/** The three looks Teams has, and that the tabs follow. */
export type ThemeName = 'light' | 'dark' | 'contrast';

/** Where the page runs: inside a Teams client, in a plain browser, or not known yet. */
export type Host = 'detecting' | 'teams' | 'browser';

/**
 * How long we wait for Teams to answer before treating the page as a plain browser page.
 * Outside Teams, `app.initialize()` rejects at once in a top-level page but waits ~60 s in
 * an iframe whose parent never answers: never let rendering wait on it.
 */
export const TEAMS_INIT_TIMEOUT_MS = 1500;

/** Maps a Teams theme name ('default' | 'dark' | 'contrast') or a `?theme=` value to ours. */
export function parseThemeName(value: string | null | undefined): ThemeName | null {
  switch (value?.trim().toLowerCase()) {
    case 'light':
    case 'default':
      return 'light';
    case 'dark':
      return 'dark';
    case 'contrast':
    case 'highcontrast':
    case 'high-contrast':
      return 'contrast';
    default:
      return null;
  }
}

/** `?theme=light|dark|contrast` on the page's address, read once when the page loads. */
export function themeFromQuery(search: string = window.location.search): ThemeName | null {
  return parseThemeName(new URLSearchParams(search).get('theme'));
}

const darkQuery = '(prefers-color-scheme: dark)';
const forcedColorsQuery = '(forced-colors: active)';

/** The operating system's / browser's preference. */
export function themeFromSystem(): ThemeName {
  if (typeof window.matchMedia !== 'function') return 'light';
  if (window.matchMedia(forcedColorsQuery).matches) return 'contrast';
  return window.matchMedia(darkQuery).matches ? 'dark' : 'light';
}

/** Calls `onChange` when the system preference changes; returns the unsubscribe function. */
export function watchSystemTheme(onChange: (theme: ThemeName) => void): () => void {
  if (typeof window.matchMedia !== 'function') return () => undefined;
  const queries = [window.matchMedia(darkQuery), window.matchMedia(forcedColorsQuery)];
  const listener = () => onChange(themeFromSystem());
  for (const q of queries) q.addEventListener('change', listener);
  return () => {
    for (const q of queries) q.removeEventListener('change', listener);
  };
}

let teamsInit: Promise<boolean> | undefined;

/**
 * Starts the Teams handshake once per page. Resolves true when a Teams host answered,
 * false when `app.initialize()` failed (not in Teams). Never rejects. It may resolve
 * long after TEAMS_INIT_TIMEOUT_MS: callers race it rather than wait for it.
 */
export function initializeTeams(): Promise<boolean> {
  teamsInit ??= app.initialize().then(
    () => true,
    () => false,
  );
  return teamsInit;
}

/** Resolves with `value` after `ms`, for racing against a promise that may never settle. */
export function after<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}

/** Teams' current theme, once initialised. */
export async function teamsTheme(): Promise<ThemeName | null> {
  const context = await app.getContext();
  return parseThemeName(context.app.theme);
}

/** Follows Teams' theme changes (one handler per page: a new one replaces the old). */
export function onTeamsThemeChange(handler: (theme: ThemeName) => void): void {
  app.registerOnThemeChangeHandler((name) => {
    const theme = parseThemeName(name);
    if (theme) handler(theme);
  });
}
