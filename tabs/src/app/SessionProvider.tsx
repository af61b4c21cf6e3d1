import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiError, onUnauthenticated, setBearerAuth, setCookieAuth, asApiError } from '../api/client';
import { getMe, getSession, signOut as postSignOut, type Me, type Session, type User } from '../api/orgs';
import { useHost } from '../theme/HostThemeProvider';
import { teamsToken } from './teamsAuth';

export type SessionState =
  | { status: 'loading' }
  | {
      status: 'signed-in';
      user: User;
      /** How the person signed in: the demo tenant, Microsoft, or Teams SSO. */
      via: Session['via'];
      /** bearer: a Teams SSO token on every call; cookie: the browser session. */
      transport: 'bearer' | 'cookie';
      csrfToken: string | null;
      /** /me as fetched while signing in with a Teams token, for the OrgProvider to reuse. */
      me?: Me;
    }
  | { status: 'signed-out'; /** Why Teams single sign-on did not work, when the page runs in Teams. */ teamsProblem?: string }
  | { status: 'error'; error: ApiError };

export interface SessionContextValue {
  state: SessionState;
  /** Asks again (after a network error, or after Teams could not sign the person in). */
  retry: () => void;
  retrying: boolean;
  /** Ends a cookie session and reloads the page (a Teams session cannot be ended from here). */
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession() must be used inside <SessionProvider>.');
  return value;
}

/** The signed-in person; only for components shown when someone is signed in. */
export function useUser(): User {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useUser() needs a signed-in person.');
  return state.user;
}


const TEAMS_PROBLEM: Record<string, string> = {
  timeout: 'Teams did not hand over your sign-in in time.',
  failed: 'Teams could not sign you in to Offramp.',
};

/**
 * Who is signed in. Asks the cookie session first (plain browser pages, and Teams clients
 * that share the browser's cookies); when there is none and the page runs inside Teams,
 * signs in with a Teams SSO token instead, sent as a bearer token from then on.
 * A 401 from any later call shows the sign-in page.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const { host } = useHost();
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [retrying, setRetrying] = useState(false);
  const triedTeams = useRef(false);

  useEffect(() => {
    let active = true;
    const controller = new AbortController();
    const signIn = async (): Promise<SessionState> => {
      try {
        const session = await getSession({ signal: controller.signal });
        setCookieAuth(session.csrfToken);
        return { status: 'signed-in', user: session.user, via: session.via, transport: 'cookie', csrfToken: session.csrfToken };
      } catch (err) {
        if (!(err instanceof ApiError) || err.status !== 401) throw err;
      }
      const teams = await teamsToken();
      if (teams.token === null) {
        if (teams.reason !== 'not-in-teams') triedTeams.current = true;
        return {
          status: 'signed-out',
          teamsProblem: teams.reason === 'not-in-teams' ? undefined : [TEAMS_PROBLEM[teams.reason], teams.message].filter(Boolean).join(' '),
        };
      }
      triedTeams.current = true;
      setBearerAuth(teams.token, async () => {
        const again = await teamsToken(false);
        return again.token;
      });
      try {
        const me = await getMe({ signal: controller.signal, expectUnauthenticated: true });
        return { status: 'signed-in', user: me.user, via: 'teams', transport: 'bearer', csrfToken: null, me };
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) {
          setCookieAuth(null);
          return { status: 'signed-out', teamsProblem: `The Offramp server did not accept your Teams sign-in: ${err.message}` };
        }
        throw err;
      }
    };
    signIn().then(
      (next) => {
        if (!active) return;
        setState(next);
        setRetrying(false);
      },
      (err: unknown) => {
        if (!active || controller.signal.aborted) return;
        setState({ status: 'error', error: asApiError(err) });
        setRetrying(false);
      },
    );
    return () => {
      active = false;
      controller.abort();
    };
  }, [attempt]);

  // Teams can answer after we stopped waiting for it: try its sign-in then.
  useEffect(() => {
    if (host === 'teams' && state.status === 'signed-out' && !triedTeams.current) setAttempt((n) => n + 1);
  }, [host, state.status]);

  // A call answered 401: the session ended (expired, signed out elsewhere).
  useEffect(
    () =>
      onUnauthenticated(() => {
        setState((current) => (current.status === 'signed-in' ? { status: 'signed-out' } : current));
      }),
    [],
  );

  const retry = useCallback(() => {
    setRetrying(true);
    triedTeams.current = false;
    setAttempt((n) => n + 1);
  }, []);

  const csrfToken = state.status === 'signed-in' ? state.csrfToken : null;
  const signOut = useCallback(async () => {
    try {
      await postSignOut(csrfToken);
    } finally {
      window.location.reload();
    }
  }, [csrfToken]);

  const value = useMemo(() => ({ state, retry, retrying, signOut }), [state, retry, retrying, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
