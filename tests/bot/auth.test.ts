import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Offramp } from '../../server/main.js';
import { startTestApp } from '../support/app.js';
import { demoUser } from '../support/auth.js';
import { startConnector, teamsUser, type Connector, type TeamsUser } from '../support/bot.js';

/**
 * With a bot app id configured, botbuilder authenticates every activity against the channel's
 * OpenID metadata — here a local issuer on 127.0.0.1 standing in for Bot Framework's. A forged
 * or stale token is refused (401) before the bot reads the activity: nothing is recorded and
 * no call goes out to the connector.
 */

const APP_ID = '7d5f3c1e-2b8a-4c6d-9e0f-1a2b3c4d5e6f';
const ISSUER = 'https://api.botframework.test';

interface Issuer {
  url: string;
  token(claims?: Record<string, unknown>, opts?: { expiresIn?: string | number; notBefore?: number }): Promise<string>;
  close(): Promise<void>;
}

async function startIssuer(): Promise<Issuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'offramp-test-key', use: 'sig', alg: 'RS256' };
  const server = http.createServer((req, res) => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/v1/.well-known/openidconfiguration') return void res.end(JSON.stringify({ issuer: ISSUER, jwks_uri: `${url}/v1/keys`, id_token_signing_alg_values_supported: ['RS256'], token_endpoint_auth_methods_supported: ['private_key_jwt'] }));
    if (req.url === '/v1/keys') return void res.end(JSON.stringify({ keys: [{ ...jwk, endorsements: ['msteams'] }] }));
    res.statusCode = 404;
    res.end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    async token(claims = {}, opts = {}) {
      const jwt = new SignJWT({ serviceurl: claims.serviceurl, ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: jwk.kid!, typ: 'JWT' })
        .setIssuer(typeof claims.iss === 'string' ? claims.iss : ISSUER)
        .setAudience(typeof claims.aud === 'string' ? claims.aud : APP_ID)
        .setIssuedAt()
        .setExpirationTime(opts.expiresIn ?? '10m');
      if (opts.notBefore !== undefined) jwt.setNotBefore(opts.notBefore);
      return jwt.sign(privateKey);
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A token with no signature at all (alg: none), as an attacker would send it. */
function unsignedToken(claims: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT', kid: 'offramp-test-key' })}.${enc(claims)}.`;
}

describe('bot authentication (a bot app id configured)', () => {
  let app: Offramp;
  let connector: Connector;
  let issuer: Issuer;
  let person: TeamsUser;

  beforeAll(async () => {
    connector = await startConnector();
    issuer = await startIssuer();
    app = await startTestApp({
      BOT_APP_ID: APP_ID,
      SECRET_BOT_APP_PASSWORD: 'a-long-bot-password',
      BOT_OPENID_METADATA_URL: `${issuer.url}/v1/.well-known/openidconfiguration`,
      BOT_TOKEN_ISSUER: ISSUER,
    });
    person = teamsUser(app, connector, demoUser(app, 0));
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await connector?.close();
    await issuer?.close();
  });

  /** A conversation the bot knows, and the activity that would make it forget it (no reply goes out). */
  async function known() {
    const activity = person.activity({ type: 'installationUpdate', action: 'remove' });
    await app.conversations.record({ reference: { conversation: { id: person.conversationId }, serviceUrl: connector.url }, kind: 'personal', tenantId: null, userObjectId: null, orgId: null });
    return activity;
  }

  const now = () => Math.floor(Date.now() / 1000);
  const cases: [string, () => Promise<Record<string, string>>][] = [
    ['no token', async () => ({})],
    ['a token for another bot (wrong audience)', async () => ({ authorization: `Bearer ${await issuer.token({ aud: '00000000-1111-2222-3333-444444444444', serviceurl: connector.url })}` })],
    ['a token from another issuer', async () => ({ authorization: `Bearer ${await issuer.token({ iss: 'https://evil.example', serviceurl: connector.url })}` })],
    ['an expired token', async () => ({ authorization: `Bearer ${await issuer.token({ serviceurl: connector.url }, { expiresIn: now() - 3600 })}` })],
    ['an unsigned token (alg: none)', async () => ({ authorization: `Bearer ${unsignedToken({ iss: ISSUER, aud: APP_ID, exp: now() + 600, serviceurl: connector.url })}` })],
    ['a token for another serviceUrl', async () => ({ authorization: `Bearer ${await issuer.token({ serviceurl: 'https://smba.trafficmanager.net/evil/' })}` })],
  ];

  it.each(cases)('refuses an activity with %s: 401, nothing recorded or changed, no call out', async (_name, headers) => {
    const activity = await known();
    const before = connector.delivered.length;
    const res = await person.post(activity, await headers());
    expect(res.status).toBe(401);
    expect(await app.conversations.get(person.conversationId)).not.toBeNull(); // not forgotten: the activity was not read
    expect(connector.delivered.length).toBe(before);
  });

  it('accepts a valid channel token: the activity is read (the uninstall forgets the conversation)', async () => {
    const activity = await known();
    const res = await person.post(activity, { authorization: `Bearer ${await issuer.token({ serviceurl: connector.url })}` });
    expect(res.status).toBe(200);
    expect(await app.conversations.get(person.conversationId)).toBeNull();
  });
});
