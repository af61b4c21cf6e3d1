import { generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { createEntraTokenValidator, type EntraTokenValidator } from '../../server/orgs/entra-tokens.js';
import { startSimulator, type Simulator } from '../../server/simulator/simulator.js';
import { silentLog } from '../support/stores.js';

/**
 * Token validation against real tokens signed by the simulated tenant's Entra ID (fetched
 * keys over https, as from Microsoft), and against forgeries.
 */
describe('Entra token validation', () => {
  let sim: Simulator;
  let validator: EntraTokenValidator;
  const clientId = '6b3f1b2e-9a0c-4d5e-8f7a-1c2d3e4f5a6b';
  const apiAudience = `api://offramp.contoso.example/${clientId}`;

  beforeAll(async () => {
    sim = await startSimulator({ tlsDir: process.env.SIMULATOR_TLS_DIR!, seed: 'tokens', users: 20, log: silentLog, browserBaseUrl: 'http://127.0.0.1:1' });
    validator = createEntraTokenValidator({
      authorityHost: sim.url,
      v1IssuerHost: `${sim.url}/sts`,
      clientId,
      apiAudiences: [clientId, apiAudience],
    });
  });
  afterAll(async () => {
    await sim?.close();
  });

  const person = () => sim.users()[3]!;
  const ssoClaims = (over: JWTPayload = {}): JWTPayload => ({
    aud: apiAudience,
    iss: sim.identity.issuerFor(sim.tenant.id),
    tid: sim.tenant.id,
    oid: person().id,
    name: person().displayName,
    preferred_username: person().userPrincipalName,
    scp: 'access_as_user',
    ...over,
  });

  it('accepts a Teams SSO token and names the person by tenant and object id', async () => {
    const token = await sim.identity.userAccessToken(person(), { audience: apiAudience, scopes: ['access_as_user'] });
    await expect(validator.verifyAccessToken(token)).resolves.toEqual({
      tenantId: sim.tenant.id,
      objectId: person().id,
      name: person().displayName,
      email: person().mail,
    });
  });

  it('accepts the bare client id as audience (v2 access tokens)', async () => {
    await expect(validator.verifyAccessToken(await sim.identity.sign(ssoClaims({ aud: clientId })))).resolves.toMatchObject({ objectId: person().id });
  });

  const refused: [string, () => Promise<string>, RegExp][] = [
    ['a wrong audience', () => sim.identity.sign(ssoClaims({ aud: 'api://someone-else/app' })), /audience/],
    ['a wrong issuer', () => sim.identity.sign(ssoClaims({ iss: 'https://evil.example/tenant/v2.0' })), /issuer/],
    [
      "another tenant's issuer",
      () => sim.identity.sign(ssoClaims({ iss: sim.identity.issuerFor('11111111-2222-4333-8444-555555555555') })),
      /issuer/,
    ],
    ['an expired token', () => sim.identity.sign(ssoClaims(), { expiresInSeconds: -120 }), /expired/],
    [
      'an unsigned token (alg: none)',
      async () => {
        const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const now = Math.floor(Date.now() / 1000);
        return `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ ...ssoClaims(), iat: now, exp: now + 600 })}.`;
      },
      /algorithm|not valid/,
    ],
    [
      'a token signed by an unknown key',
      async () => {
        const { privateKey } = await generateKeyPair('RS256');
        return sim.identity.sign(ssoClaims(), { key: privateKey, kid: 'not-published' });
      },
      /key the issuer does not publish/,
    ],
    [
      'a token signed by an unknown key under a published key id',
      async () => {
        const { privateKey } = await generateKeyPair('RS256');
        return sim.identity.sign(ssoClaims(), { key: privateKey });
      },
      /signature/,
    ],
    ['a token without access_as_user', () => sim.identity.sign(ssoClaims({ scp: 'User.Read' })), /access_as_user/],
    ['a token naming no tenant', () => sim.identity.sign(ssoClaims({ tid: undefined })), /tenant/],
    ['something that is not a JWT', async () => 'not-a-token', /not a JWT/],
  ];

  it.each(refused)('refuses %s with 401 invalid_token', async (_name, make, message) => {
    const token = await make();
    await expect(validator.verifyAccessToken(token)).rejects.toMatchObject({ status: 401, code: 'invalid_token', message: expect.stringMatching(message) });
  });

  it('refuses an ID token whose nonce is not the one sent', async () => {
    const token = await sim.identity.sign({ ...ssoClaims({ aud: clientId, scp: undefined }), nonce: 'n-1' });
    await expect(validator.verifyIdToken(token, 'n-1')).resolves.toMatchObject({ objectId: person().id });
    await expect(validator.verifyIdToken(token, 'n-2')).rejects.toMatchObject({ code: 'invalid_token', message: expect.stringMatching(/nonce/) });
  });

  it('signs with jose as Entra does: RS256 with a key id', async () => {
    const token = await sim.identity.userAccessToken(person(), { audience: apiAudience, scopes: ['access_as_user'] });
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
    expect(header).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(header.kid).toBe(sim.identity.jwks().keys[0]!.kid);
    expect(new SignJWT({})).toBeDefined();
  });
});
