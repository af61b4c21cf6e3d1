import { ConfidentialClientApplication, CryptoProvider } from '@azure/msal-node';
import { eq, lt } from 'drizzle-orm';
import type { Db } from '../db/store.js';
import { OperationalError, UserError } from '../errors.js';
import type { Logger } from '../log.js';
import type { EntraIdentity, EntraTokenValidator } from './entra-tokens.js';
import { signInAttempts } from './orgs.schema.js';

/**
 * Sign-in outside Teams: the OpenID Connect authorisation code flow with PKCE, through
 * @azure/msal-node, against Microsoft Entra ID (multi-tenant: any work account) or, in demo
 * mode, the simulated tenant's Entra ID. The ID token is then checked by our own validator.
 */

export interface SignInOptions {
  authorityHost: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  validator: EntraTokenValidator;
  db: Db;
  log: Logger;
}

export interface SignIn {
  /** The URL to send the browser to. `returnTo` must be a path on this site. */
  start(returnTo: string): Promise<string>;
  /** Redeems the code of the callback; returns who signed in and where they were going. */
  finish(query: { code?: string; state?: string; error?: string; error_description?: string }): Promise<{ identity: EntraIdentity; returnTo: string }>;
}

const SCOPES = ['openid', 'profile', 'email'];
const ATTEMPT_LIFETIME_MS = 10 * 60_000;

/** Only paths on this site: never an absolute URL or a protocol-relative one (open redirect). */
export function safeReturnTo(value: unknown): string {
  return typeof value === 'string' && /^\/(?![\\/])[^\s]*$/.test(value) ? value : '/tabs/';
}

export function createSignIn(opts: SignInOptions): SignIn {
  const host = new URL(opts.authorityHost).host;
  const msal = new ConfidentialClientApplication({
    auth: {
      clientId: opts.clientId,
      clientSecret: opts.clientSecret,
      authority: `${opts.authorityHost}/organizations`,
      knownAuthorities: [host],
    },
    system: { loggerOptions: { piiLoggingEnabled: false, logLevel: 1, loggerCallback: (_l, m) => opts.log.debug({ module: 'msal' }, m) } },
  });
  const crypto = new CryptoProvider();

  return {
    async start(returnTo) {
      const { verifier, challenge } = await crypto.generatePkceCodes();
      const state = crypto.createNewGuid() + crypto.createNewGuid();
      const nonce = crypto.createNewGuid();
      await opts.db.delete(signInAttempts).where(lt(signInAttempts.createdAt, new Date(Date.now() - ATTEMPT_LIFETIME_MS)));
      await opts.db.insert(signInAttempts).values({ state, nonce, codeVerifier: verifier, returnTo: safeReturnTo(returnTo) });
      return unavailableIfNetwork(() => msal.getAuthCodeUrl({
        scopes: SCOPES,
        redirectUri: opts.redirectUri,
        state,
        nonce,
        codeChallenge: challenge,
        codeChallengeMethod: 'S256',
        responseMode: 'query',
        prompt: 'select_account',
      }));
    },
    async finish(query) {
      if (query.error) {
        throw new UserError(400, 'sign_in_failed', `Sign-in was not completed: ${query.error_description ?? query.error}`);
      }
      if (!query.code || !query.state) throw new UserError(400, 'sign_in_failed', 'The sign-in response is missing its code or state.');
      const [attempt] = await opts.db.delete(signInAttempts).where(eq(signInAttempts.state, query.state)).returning();
      if (!attempt || attempt.createdAt.getTime() < Date.now() - ATTEMPT_LIFETIME_MS) {
        throw new UserError(400, 'sign_in_expired', 'This sign-in took too long or was already used. Please sign in again.');
      }
      let idToken: string;
      try {
        const result = await msal.acquireTokenByCode({
          code: query.code,
          scopes: SCOPES,
          redirectUri: opts.redirectUri,
          codeVerifier: attempt.codeVerifier,
          nonce: attempt.nonce,
        });
        idToken = result.idToken;
      } catch (err) {
        if (isNetworkError(err)) throw unavailable(err);
        opts.log.warn({ err: (err as Error).message }, 'code redemption failed');
        throw new UserError(400, 'sign_in_failed', 'Microsoft did not accept the sign-in. Please sign in again.');
      }
      const identity = await opts.validator.verifyIdToken(idToken, attempt.nonce);
      return { identity, returnTo: attempt.returnTo };
    },
  };
}

/** MSAL's own words for "could not reach the authority". */
const isNetworkError = (err: unknown) =>
  /endpoints_resolution_error|network_error|ECONNREFUSED|ENOTFOUND|ETIMEDOUT/.test(`${(err as { errorCode?: string }).errorCode ?? ''} ${(err as Error).message}`);

const unavailable = (cause: unknown) =>
  new OperationalError('identity_unavailable', 'Microsoft Entra ID could not be reached to sign you in. Try again in a moment.', { cause, retryAfterSeconds: 5 });

async function unavailableIfNetwork<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw isNetworkError(err) ? unavailable(err) : err;
  }
}
