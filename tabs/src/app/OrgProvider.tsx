import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiError, asApiError } from '../api/client';
import { getMe, type Me, type Membership } from '../api/orgs';
import type { Permission } from './permissions';
import { useSession } from './SessionProvider';

export type OrgState =
  | { status: 'idle' } // nobody signed in
  | { status: 'loading' }
  | { status: 'ready'; me: Me }
  | { status: 'error'; error: ApiError };

export interface OrgContextValue {
  state: OrgState;
  memberships: Membership[];
  /** The organisation every org-scoped call is about: the one chosen last, else the first. */
  current: Membership | null;
  /** Whether the current role holds `permission` (the server checks again). */
  can: (permission: Permission) => boolean;
  switchOrg: (orgId: string) => void;
  /** Fetches /me again (after creating, joining or leaving an organisation). */
  reload: () => Promise<Me>;
  retry: () => void;
  retrying: boolean;
}

const OrgContext = createContext<OrgContextValue | null>(null);

export function useOrg(): OrgContextValue {
  const value = useContext(OrgContext);
  if (!value) throw new Error('useOrg() must be used inside <OrgProvider>.');
  return value;
}

/** The current organisation, for pages that only render once there is one. */
export function useCurrentOrg(): Membership {
  const { current } = useOrg();
  if (!current) throw new Error('useCurrentOrg() needs a current organisation.');
  return current;
}

const storageKey = (userId: string) => `offramp.org.${userId}`;

function remembered(userId: string): string | null {
  try {
    return window.localStorage.getItem(storageKey(userId));
  } catch {
    return null; // storage blocked (e.g. third-party iframe rules)
  }
}

function remember(userId: string, orgId: string): void {
  try {
    window.localStorage.setItem(storageKey(userId), orgId);
  } catch {
    /* not remembered: the first organisation is used next time */
  }
}


/** The signed-in person's organisations and roles (GET /api/v1/me), and which one is in use. */
export function OrgProvider({ children }: { children: ReactNode }) {
  const { state: session } = useSession();
  const userId = session.status === 'signed-in' ? session.user.id : null;
  const prefetched = session.status === 'signed-in' ? session.me : undefined;
  const [state, setState] = useState<OrgState>({ status: 'idle' });
  const [chosen, setChosen] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [retrying, setRetrying] = useState(false);
  const usedPrefetch = useRef(false);

  useEffect(() => {
    if (!userId) {
      setState({ status: 'idle' });
      return;
    }
    setChosen(remembered(userId));
    if (prefetched && !usedPrefetch.current) {
      usedPrefetch.current = true;
      setState({ status: 'ready', me: prefetched });
      return;
    }
    const controller = new AbortController();
    setState((s) => (s.status === 'error' ? s : { status: 'loading' }));
    getMe({ signal: controller.signal }).then(
      (me) => {
        setState({ status: 'ready', me });
        setRetrying(false);
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setState({ status: 'error', error: asApiError(err) });
        setRetrying(false);
      },
    );
    return () => controller.abort();
  }, [userId, prefetched, attempt]);

  const reload = useCallback(async () => {
    const me = await getMe();
    setState({ status: 'ready', me });
    return me;
  }, []);

  const switchOrg = useCallback(
    (orgId: string) => {
      setChosen(orgId);
      if (userId) remember(userId, orgId);
    },
    [userId],
  );

  const retry = useCallback(() => {
    setRetrying(true);
    setAttempt((n) => n + 1);
  }, []);

  const memberships = useMemo(() => (state.status === 'ready' ? state.me.memberships : []), [state]);
  const current = useMemo(
    () => memberships.find((m) => m.orgId === chosen) ?? memberships[0] ?? null,
    [memberships, chosen],
  );
  const can = useCallback((permission: Permission) => !!current?.permissions.includes(permission), [current]);

  const value = useMemo<OrgContextValue>(
    () => ({ state, memberships, current, can, switchOrg, reload, retry, retrying }),
    [state, memberships, current, can, switchOrg, reload, retry, retrying],
  );
  return <OrgContext.Provider value={value}>{children}</OrgContext.Provider>;
}
