import { createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JWTPayload } from 'jose';
import { OperationalError, UserError } from '../errors.js';
import { GUID } from '../http/params.js';

/**
 * Validates Microsoft Entra ID tokens as Entra requires: RS256 signature against the issuer's
 * published keys, the issuer of the token's own tenant, our audience, expiry with a small
 * skew, and — for the tab SSO access token — the access_as_user scope. People are known by
 * (tid, oid), never by mail or UPN. The same code runs against Microsoft and the simulated
 * tenant: only `authorityHost` differs.
 */

export interface EntraIdentity {
  tenantId: string;
  objectId: string;
  name: string;
  email: string | null;
}

export interface EntraTokenValidatorOptions {
  /** https://login.microsoftonline.com, or the simulated tenant's origin in demo mode. */
  authorityHost: string;
  /** Host of v1.0 token issuers (https://sts.windows.net for Microsoft). */
  v1IssuerHost: string;
  clientId: string;
  /** Audiences of access tokens for our API: the client id and api://<domain>/<client id>. */
  apiAudiences: string[];
  clockToleranceSeconds?: number;
}

export interface EntraTokenValidator {
  /** The tab SSO token (teams-js getAuthToken): our API's audience, scope access_as_user. */
  verifyAccessToken(token: string): Promise<EntraIdentity>;
  /** The ID token of the sign-in flow: our client id as audience, the nonce we sent. */
  verifyIdToken(token: string, nonce: string): Promise<EntraIdentity>;
}

export const SSO_SCOPE = 'access_as_user';

const invalid = (message: string) => new UserError(401, 'invalid_token', message);

export function createEntraTokenValidator(opts: EntraTokenValidatorOptions): EntraTokenValidator {
  const jwks = createRemoteJWKSet(new URL(`${opts.authorityHost}/common/discovery/v2.0/keys`), {
    cacheMaxAge: 6 * 3600_000,
    cooldownDuration: 30_000,
    timeoutDuration: 5_000,
  });

  async function verify(token: string, audiences: string[], check: (p: JWTPayload) => void): Promise<EntraIdentity> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      throw invalid('The token is not a JWT.');
    }
    const tid = unverified.tid;
    if (typeof tid !== 'string' || !GUID.test(tid)) throw invalid('The token names no tenant (tid).');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        algorithms: ['RS256'],
        // The issuer must be the token's own tenant: a token from one tenant cannot claim another.
        issuer: [`${opts.authorityHost}/${tid}/v2.0`, `${opts.v1IssuerHost}/${tid}/`],
        audience: audiences,
        clockTolerance: opts.clockToleranceSeconds ?? 60,
        requiredClaims: ['exp', 'iat', 'oid', 'tid'],
      }));
    } catch (err) {
      if (err instanceof errors.JWKSTimeout || !(err instanceof errors.JOSEError)) {
        throw new OperationalError('identity_unavailable', 'Microsoft Entra ID could not be reached to check the token.', { cause: err });
      }
      throw invalid(describe(err));
    }
    check(payload);
    if (typeof payload.oid !== 'string' || !GUID.test(payload.oid)) throw invalid('The token names no person (oid).');
    const name = typeof payload.name === 'string' ? payload.name : String(payload.preferred_username ?? 'Unknown');
    const email =
      typeof payload.email === 'string' ? payload.email : typeof payload.preferred_username === 'string' ? payload.preferred_username : null;
    return { tenantId: tid.toLowerCase(), objectId: payload.oid.toLowerCase(), name, email };
  }

  return {
    verifyAccessToken: (token) =>
      verify(token, opts.apiAudiences, (p) => {
        const scopes = typeof p.scp === 'string' ? p.scp.split(' ') : [];
        if (!scopes.includes(SSO_SCOPE)) throw invalid(`The token lacks the ${SSO_SCOPE} scope.`);
      }),
    verifyIdToken: (token, nonce) =>
      verify(token, [opts.clientId], (p) => {
        if (p.nonce !== nonce) throw invalid('The sign-in response does not match the sign-in request (nonce).');
      }),
  };
}

function describe(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'The token has expired.';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return 'The token is not meant for this app (audience).';
    if (err.claim === 'iss') return 'The token was not issued by the tenant it names (issuer).';
    if (err.claim === 'nbf') return 'The token is not valid yet.';
    return `The token's ${err.claim} claim is not acceptable.`;
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return 'The token is not signed with an accepted algorithm.';
  if (err instanceof errors.JWKSNoMatchingKey) return 'The token is signed by a key the issuer does not publish.';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'The token signature is not valid.';
  return 'The token is not valid.';
}
