import { createHash, randomBytes, randomUUID } from 'node:crypto';
import express, { type Router } from 'express';
import { SignJWT, decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import type { SimTenant, SimUser } from './seed.js';
import { rolesForAudience } from './tenant/catalogue.js';

/**
 * The simulated tenant's Microsoft Entra ID: OpenID metadata, signing keys, the sign-in
 * (authorize) page and the token endpoint, with Entra's URL shapes and token claims, so that
 * Offramp's own sign-in and token validation run unchanged against it.
 */

export interface SimApp {
  clientId: string;
  clientSecret: string;
  displayName: string;
  /**
   * Certificates uploaded to the registration (client assertions signed with their private keys
   * are accepted instead of the secret): SHA-256 thumbprint (hex, upper case) and public key.
   */
  certificates: { thumbprintSha256: string; publicKey: import('node:crypto').KeyObject }[];
  /**
   * Application permissions granted by admin consent. An app-only token carries those of the
   * resource it is for (Graph's for https://graph.microsoft.com, Exchange.ManageAsApp for
   * https://outlook.office365.com).
   */
  appRoles: string[];
}

export interface IdentityOptions {
  tenant: SimTenant;
  users: () => SimUser[];
  findUser: (id: string) => SimUser | undefined;
  apps: SimApp[];
  /** https origin of the simulator (issuer, token endpoint, keys). */
  baseUrl: () => string;
  /** Origin where browsers reach the sign-in page (it may differ: the simulator's https is self-signed). */
  browserBaseUrl: () => string;
}

interface PendingCode {
  userId: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  nonce: string | undefined;
  codeChallenge: string | undefined;
  expiresAt: number;
}

export interface SignOptions {
  /** Overrides for tests: another key, another kid, or no signature at all. */
  key?: CryptoKey;
  kid?: string;
  expiresInSeconds?: number;
}

export interface SimIdentity {
  /** Everything: metadata, keys, sign-in page, token endpoint. */
  router: Router;
  /** The sign-in page alone (what a browser must reach). */
  authorizeRouter: Router;
  issuerFor(tenantId: string): string;
  /** Signs claims as the tenant's Entra ID does (RS256, with the current key id). */
  sign(claims: JWTPayload, opts?: SignOptions): Promise<string>;
  /** A delegated access token for an app's API, as Teams SSO (getAuthToken) would return it. */
  userAccessToken(user: SimUser, opts: { audience: string; scopes: string[]; azp?: string }): Promise<string>;
  jwks(): { keys: JWK[] };
}

const TOKEN_LIFETIME_S = 3600;
const CODE_LIFETIME_MS = 5 * 60_000;

export async function createIdentity(opts: IdentityOptions): Promise<SimIdentity> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomBytes(12).toString('base64url');
  const publicJwk = { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' };
  const codes = new Map<string, PendingCode>();
  const tid = opts.tenant.id;

  const issuerFor = (tenantId: string) => `${opts.baseUrl()}/${tenantId}/v2.0`;
  const knownTenant = (t: string) => ['common', 'organizations', tid, opts.tenant.defaultDomain].includes(t);

  async function sign(claims: JWTPayload, so: SignOptions = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ ver: '2.0', iss: issuerFor(tid), ...claims })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: so.kid ?? kid })
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + (so.expiresInSeconds ?? TOKEN_LIFETIME_S))
      .setJti(randomUUID())
      .sign(so.key ?? privateKey);
  }

  const userClaims = (user: SimUser) => ({
    tid,
    oid: user.id,
    sub: createHash('sha256').update(`${user.id}`).digest('base64url').slice(0, 43),
    name: user.displayName,
    preferred_username: user.userPrincipalName,
    email: user.mail,
  });

  const oauthError = (res: express.Response, status: number, error: string, description: string) =>
    res.status(status).json({
      error,
      error_description: `AADSTS00000: ${description}`,
      error_codes: [0],
      timestamp: new Date().toISOString(),
      trace_id: randomUUID(),
      correlation_id: randomUUID(),
    });

  /**
   * A certificate credential (private_key_jwt): a JWT signed with the certificate's private key,
   * naming the certificate by its SHA-256 thumbprint (x5t#S256), issued by and about the
   * app, for this token endpoint, in date. Returns what is wrong, or null.
   */
  async function checkClientAssertion(app: SimApp, b: Record<string, string | undefined>, endpoint: string): Promise<string | null> {
    if (b.client_assertion_type !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') return 'client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer.';
    if (!b.client_assertion) return 'client_assertion is missing.';
    let header;
    try {
      header = decodeProtectedHeader(b.client_assertion);
    } catch {
      return 'Client assertion is not a valid JWT.';
    }
    const x5t256 = typeof header['x5t#S256'] === 'string' ? Buffer.from(header['x5t#S256'], 'base64url').toString('hex').toUpperCase() : null;
    const cert = app.certificates.find((c) => c.thumbprintSha256 === x5t256);
    if (!cert) return `Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '${x5t256 ?? 'none'}']`;
    try {
      await jwtVerify(b.client_assertion, cert.publicKey, { algorithms: ['PS256', 'RS256'], audience: endpoint, issuer: app.clientId, subject: app.clientId, clockTolerance: 60 });
    } catch (err) {
      return `Client assertion failed signature validation or its claims are wrong: ${(err as Error).message}`;
    }
    return null;
  }

  const router = express.Router();

  router.get('/:tenant/v2.0/.well-known/openid-configuration', (req, res) => {
    if (!knownTenant(req.params.tenant)) return oauthError(res, 400, 'invalid_tenant', `Tenant '${req.params.tenant}' not found.`);
    const base = opts.baseUrl();
    const t = req.params.tenant;
    res.json({
      issuer: t === 'common' || t === 'organizations' ? `${base}/{tenantid}/v2.0` : issuerFor(tid),
      authorization_endpoint: `${opts.browserBaseUrl()}/${t}/oauth2/v2.0/authorize`,
      token_endpoint: `${base}/${t}/oauth2/v2.0/token`,
      jwks_uri: `${base}/${t}/discovery/v2.0/keys`,
      end_session_endpoint: `${opts.browserBaseUrl()}/${t}/oauth2/v2.0/logout`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nonce', 'name', 'preferred_username', 'email', 'oid', 'tid', 'ver'],
      tenant_region_scope: 'EU',
      cloud_instance_name: 'microsoftonline.com',
      msgraph_host: 'graph.microsoft.com',
    });
  });

  router.get('/:tenant/discovery/v2.0/keys', (req, res) => {
    if (!knownTenant(req.params.tenant)) return oauthError(res, 400, 'invalid_tenant', `Tenant '${req.params.tenant}' not found.`);
    res.json({ keys: [publicJwk] });
  });

  // The sign-in page: in the simulated tenant a person picks who to be (no passwords).
  const authorizeRouter = express.Router();
  authorizeRouter.get('/:tenant/oauth2/v2.0/authorize', (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    const app = opts.apps.find((a) => a.clientId === q.client_id);
    if (!app) return res.status(400).type('html').send(errorPage(`Application '${q.client_id ?? ''}' is not registered in this tenant.`));
    if (q.response_type !== 'code' || !q.redirect_uri) return res.status(400).type('html').send(errorPage('Only the authorization code flow is supported.'));
    const search = (q.login_hint_search ?? '').trim().toLowerCase();
    const everyone = opts.users().filter((u) => u.accountEnabled);
    const people = (search
      ? everyone.filter((u) => `${u.displayName} ${u.userPrincipalName} ${u.department}`.toLowerCase().includes(search))
      : everyone
    ).slice(0, 12);
    res.type('html').send(signInPage({ app, tenant: opts.tenant, people, query: q, search, total: everyone.length }));
  });

  authorizeRouter.post('/:tenant/oauth2/v2.0/authorize', express.urlencoded({ extended: false, limit: '16kb' }), (req, res) => {
    const b = req.body as Record<string, string | undefined>;
    const app = opts.apps.find((a) => a.clientId === b.client_id);
    const user = b.user_id ? opts.findUser(b.user_id) : undefined;
    if (!app || !user || !b.redirect_uri) return res.status(400).type('html').send(errorPage('The sign-in request is incomplete.'));
    const code = randomBytes(32).toString('base64url');
    codes.set(code, {
      userId: user.id,
      clientId: app.clientId,
      redirectUri: b.redirect_uri,
      scope: b.scope ?? 'openid profile',
      nonce: b.nonce || undefined,
      codeChallenge: b.code_challenge || undefined,
      expiresAt: Date.now() + CODE_LIFETIME_MS,
    });
    const to = new URL(b.redirect_uri);
    to.searchParams.set('code', code);
    if (b.state) to.searchParams.set('state', b.state);
    to.searchParams.set('client_info', Buffer.from(JSON.stringify({ uid: user.id, utid: tid })).toString('base64url'));
    res.redirect(302, to.toString());
  });

  router.use(authorizeRouter);

  router.post('/:tenant/oauth2/v2.0/token', express.urlencoded({ extended: false, limit: '64kb' }), async (req, res) => {
    const b = req.body as Record<string, string | undefined>;
    let clientId = b.client_id;
    let clientSecret = b.client_secret;
    const basic = req.headers.authorization?.match(/^Basic (.+)$/)?.[1];
    if (basic) [clientId, clientSecret] = Buffer.from(basic, 'base64').toString().split(':').map(decodeURIComponent);
    const app = opts.apps.find((a) => a.clientId === clientId);
    if (!app) return oauthError(res, 400, 'unauthorized_client', `Application with identifier '${clientId}' was not found in the directory.`);
    if (b.client_assertion !== undefined || b.client_assertion_type !== undefined) {
      const problem = await checkClientAssertion(app, b, `${opts.baseUrl()}/${req.params.tenant}/oauth2/v2.0/token`);
      if (problem) return oauthError(res, 401, 'invalid_client', problem);
    } else if (clientSecret !== app.clientSecret) return oauthError(res, 401, 'invalid_client', 'Invalid client secret provided.');

    if (b.grant_type === 'client_credentials') {
      if (!b.scope?.endsWith('/.default')) return oauthError(res, 400, 'invalid_scope', 'The scope must end with /.default for the client credentials flow.');
      const audience = b.scope.replace(/\/\.default$/, '');
      const token = await sign({ aud: audience, tid, oid: app.clientId, azp: app.clientId, roles: rolesForAudience(app.appRoles, audience), idtyp: 'app', app_displayname: app.displayName });
      return res.json({ token_type: 'Bearer', expires_in: TOKEN_LIFETIME_S, ext_expires_in: TOKEN_LIFETIME_S, access_token: token });
    }

    if (b.grant_type === 'authorization_code') {
      const pending = b.code ? codes.get(b.code) : undefined;
      if (b.code) codes.delete(b.code); // a code is good once
      if (!pending || pending.expiresAt < Date.now()) return oauthError(res, 400, 'invalid_grant', 'The provided authorization code is invalid or has expired.');
      if (pending.clientId !== app.clientId || pending.redirectUri !== b.redirect_uri) {
        return oauthError(res, 400, 'invalid_grant', 'The redirect URI or client does not match the authorization request.');
      }
      if (pending.codeChallenge) {
        const verifier = createHash('sha256').update(b.code_verifier ?? '').digest('base64url');
        if (verifier !== pending.codeChallenge) return oauthError(res, 400, 'invalid_grant', 'The code_verifier does not match the code_challenge.');
      }
      const user = opts.findUser(pending.userId);
      if (!user || !user.accountEnabled) return oauthError(res, 400, 'invalid_grant', 'The user account is disabled.');
      const claims = userClaims(user);
      const idToken = await sign({ ...claims, aud: app.clientId, ...(pending.nonce ? { nonce: pending.nonce } : {}) });
      const accessToken = await sign({ ...claims, aud: '00000003-0000-0000-c000-000000000000', scp: 'openid profile email User.Read', azp: app.clientId });
      return res.json({
        token_type: 'Bearer',
        scope: pending.scope,
        expires_in: TOKEN_LIFETIME_S,
        ext_expires_in: TOKEN_LIFETIME_S,
        access_token: accessToken,
        id_token: idToken,
        client_info: Buffer.from(JSON.stringify({ uid: user.id, utid: tid })).toString('base64url'),
      });
    }
    return oauthError(res, 400, 'unsupported_grant_type', `The grant type '${b.grant_type ?? ''}' is not supported.`);
  });

  return {
    router,
    authorizeRouter,
    issuerFor,
    sign,
    jwks: () => ({ keys: [publicJwk] }),
    userAccessToken: (user, o) =>
      sign({ ...userClaims(user), aud: o.audience, scp: o.scopes.join(' '), azp: o.azp ?? '1fec8e78-bce4-4aaf-ab1b-5451cc387264' }),
  };
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const PAGE_STYLE = `
  body{font-family:"Segoe UI",system-ui,-apple-system,sans-serif;background:#f2f2f2;margin:0;color:#1b1b1b}
  main{max-width:440px;margin:48px auto;background:#fff;box-shadow:0 2px 6px rgba(0,0,0,.2);padding:36px 40px}
  h1{font-size:24px;font-weight:600;margin:12px 0 4px} p{margin:4px 0 16px;color:#444;font-size:14px}
  .brand{font-size:14px;color:#666;display:flex;gap:8px;align-items:center}
  .sq{display:inline-grid;grid-template-columns:9px 9px;gap:2px}.sq i{width:9px;height:9px;display:block}
  form.search{display:flex;gap:8px;margin:0 0 12px} input[type=search]{flex:1;padding:8px;border:1px solid #8a8a8a;font:inherit}
  ul{list-style:none;padding:0;margin:0} li form{margin:0}
  button.person{width:100%;text-align:left;background:none;border:0;border-bottom:1px solid #eee;padding:10px 4px;cursor:pointer;font:inherit;display:flex;gap:12px;align-items:center}
  button.person:hover,button.person:focus{background:#f3f7fc;outline:2px solid #0067b8}
  .avatar{width:36px;height:36px;border-radius:50%;background:#0067b8;color:#fff;display:grid;place-items:center;font-weight:600;flex:none}
  .who{display:flex;flex-direction:column}.who small{color:#666}
  .note{font-size:12px;color:#666;margin-top:16px} button.go{padding:8px 16px;background:#0067b8;color:#fff;border:0;font:inherit;cursor:pointer}
`;

const MS_LOGO = `<span class="sq" aria-hidden="true"><i style="background:#f25022"></i><i style="background:#7fba00"></i><i style="background:#00a4ef"></i><i style="background:#ffb900"></i></span>`;

function signInPage(p: {
  app: SimApp;
  tenant: SimTenant;
  people: SimUser[];
  query: Record<string, string | undefined>;
  search: string;
  total: number;
}): string {
  const keep = ['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method', 'response_mode'];
  const hidden = keep
    .filter((k) => p.query[k] !== undefined)
    .map((k) => `<input type="hidden" name="${k}" value="${esc(p.query[k]!)}">`)
    .join('');
  const initials = (u: SimUser) => esc([...u.givenName][0]! + ([...u.surname][0] ?? ''));
  const items = p.people
    .map(
      (u) => `<li><form method="post">${hidden}<input type="hidden" name="user_id" value="${esc(u.id)}">
        <button class="person" type="submit" data-upn="${esc(u.userPrincipalName)}"><span class="avatar">${initials(u)}</span>
        <span class="who"><strong>${esc(u.displayName)}</strong><small>${esc(u.userPrincipalName)} · ${esc(u.jobTitle)}</small></span></button></form></li>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
  <title>Sign in to your account · ${esc(p.tenant.displayName)} (simulated)</title><style>${PAGE_STYLE}</style></head><body><main>
  <div class="brand">${MS_LOGO} Microsoft · simulated tenant</div>
  <h1>Pick an account</h1>
  <p>Sign in to <strong>${esc(p.app.displayName)}</strong> as one of the ${p.total} people of the simulated ${esc(p.tenant.displayName)} tenant (${esc(p.tenant.defaultDomain)}). No password is needed here.</p>
  <form class="search" method="get">${keep
    .filter((k) => p.query[k] !== undefined)
    .map((k) => `<input type="hidden" name="${k}" value="${esc(p.query[k]!)}">`)
    .join('')}<input type="search" name="login_hint_search" value="${esc(p.search)}" placeholder="Search people" aria-label="Search people"><button class="go" type="submit">Search</button></form>
  <ul>${items || '<li><p>No one matches that search.</p></li>'}</ul>
  <p class="note">This page stands in for Microsoft's sign-in while Offramp runs in demo mode.</p>
  </main></body></html>`;
}

function errorPage(message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title><style>${PAGE_STYLE}</style></head>
  <body><main><div class="brand">${MS_LOGO} Microsoft · simulated tenant</div><h1>We couldn't sign you in</h1><p>${esc(message)}</p></main></body></html>`;
}
