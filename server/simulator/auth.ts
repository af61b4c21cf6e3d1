import { createLocalJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { SimIdentity } from './identity.js';
import type { SimTenant } from './seed.js';
import { resourceOf } from './tenant/catalogue.js';

/**
 * Bearer tokens on Graph and Exchange: signed by the tenant's Entra ID (the simulator's own
 * identity), for the right resource, for this tenant, in date. What a caller may do is the
 * application permissions in `roles` (or, for a delegated token, the scopes in `scp`).
 */

export interface Caller {
  appId: string;
  appDisplayName: string;
  tenantId: string;
  /** Application permissions (app-only token) or delegated scopes. */
  permissions: Set<string>;
  appOnly: boolean;
}

export type TokenResult = { ok: true; caller: Caller } | { ok: false; message: string };

export function createTokenVerifier(identity: SimIdentity, tenant: SimTenant) {
  const keys = createLocalJWKSet(identity.jwks());
  return async function verify(authorization: string | undefined, resource: 'graph' | 'exchange'): Promise<TokenResult> {
    const token = authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
    if (!token) return { ok: false, message: 'Access token is empty.' };
    if (token.split('.').length !== 3) return { ok: false, message: 'IDX14100: JWT is not well formed, there are no dots (.).' };
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, { issuer: identity.issuerFor(tenant.id), algorithms: ['RS256'] }));
    } catch (err) {
      if (err instanceof errors.JWTExpired) return { ok: false, message: 'Lifetime validation failed, the token is expired.' };
      if (err instanceof errors.JWTClaimValidationFailed && err.claim === 'iss') return { ok: false, message: 'Access token validation failure. Invalid issuer.' };
      return { ok: false, message: 'Access token validation failure.' };
    }
    const aud = Array.isArray(payload.aud) ? payload.aud[0] : payload.aud;
    if (!aud || resourceOf(aud) !== resource) return { ok: false, message: 'Access token validation failure. Invalid audience.' };
    if (payload.tid !== tenant.id) return { ok: false, message: 'Access token validation failure. Invalid tenant.' };
    const roles = Array.isArray(payload.roles) ? (payload.roles as string[]) : [];
    const scopes = typeof payload.scp === 'string' ? payload.scp.split(' ') : [];
    const appId = String(payload.azp ?? payload.appid ?? '');
    return {
      ok: true,
      caller: {
        appId,
        appDisplayName: String(payload.app_displayname ?? ''),
        tenantId: tenant.id,
        permissions: new Set(scopes.length ? scopes : roles),
        appOnly: scopes.length === 0,
      },
    };
  };
}

export type TokenVerifier = ReturnType<typeof createTokenVerifier>;
