import type { Offramp } from '../../server/main.js';
import type { SimUser } from '../../server/simulator/seed.js';

/**
 * A person using Offramp from a browser or a script: signs in through the real flow
 * (/auth/signin -> the simulated tenant's sign-in page -> /auth/callback), or with a Teams
 * SSO bearer token signed by the simulated tenant.
 */
export interface Caller {
  user: SimUser;
  /** fetch against the app with this caller's credentials (and CSRF header on changes). */
  fetch(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
}

const cookieOf = (res: Response) => (res.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]!).join('; ');

export function demoUser(app: Offramp, index: number): SimUser {
  return app.simulator!.users()[index]!;
}

/** Signs in with a browser session, as a person clicking through the demo sign-in page. */
export async function signInWithSession(app: Offramp, user: SimUser, returnTo = '/tabs/queue'): Promise<Caller & { cookie: string; csrfToken: string }> {
  const start = await fetch(`${app.url}/auth/signin?returnTo=${encodeURIComponent(returnTo)}`, { redirect: 'manual' });
  if (start.status !== 302) throw new Error(`sign-in did not redirect: ${start.status} ${await start.text()}`);
  const authorize = new URL(start.headers.get('location')!);
  // The sign-in page's form: every OAuth parameter as a hidden field, plus the chosen person.
  const form = new URLSearchParams(authorize.searchParams);
  form.set('user_id', user.id);
  const picked = await fetch(`${authorize.origin}${authorize.pathname}`, { method: 'POST', body: form, redirect: 'manual' });
  if (picked.status !== 302) throw new Error(`the sign-in page refused: ${picked.status} ${await picked.text()}`);
  const callback = await fetch(picked.headers.get('location')!, { redirect: 'manual' });
  if (callback.status !== 302) throw new Error(`the callback failed: ${callback.status} ${await callback.text()}`);
  const cookie = cookieOf(callback);
  const session = await fetch(`${app.url}/api/v1/auth/session`, { headers: { cookie } });
  const { csrfToken } = (await session.json()) as { csrfToken: string };
  return {
    user,
    cookie,
    csrfToken,
    fetch: (path, init = {}) => send(app, path, init, { cookie, 'x-csrf-token': csrfToken }),
  };
}

/** A Teams SSO access token for our API, as teams-js getAuthToken returns it. */
export async function ssoToken(app: Offramp, user: SimUser): Promise<string> {
  const clientId = app.simulator!.demoApp.clientId;
  return app.simulator!.identity.userAccessToken(user, { audience: `api://${new URL(app.publicUrl).host}/${clientId}`, scopes: ['access_as_user'] });
}

export async function withSso(app: Offramp, user: SimUser): Promise<Caller> {
  const token = await ssoToken(app, user);
  return { user, fetch: (path, init = {}) => send(app, path, init, { authorization: `Bearer ${token}` }) };
}

function send(app: Offramp, path: string, init: RequestInit & { json?: unknown }, auth: Record<string, string>): Promise<Response> {
  const { json, headers, ...rest } = init;
  return fetch(`${app.url}${path}`, {
    ...rest,
    redirect: 'manual',
    headers: { ...auth, ...(json !== undefined ? { 'content-type': 'application/json' } : {}), ...(headers as Record<string, string>) },
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
  });
}
