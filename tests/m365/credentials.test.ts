import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';
import { createActions } from '../../server/m365/actions.js';
import { M365Error } from '../../server/m365/m365.types.js';
import { createTransport } from '../../server/m365/transport.js';
import type { Offramp } from '../../server/main.js';
import type { Simulator } from '../../server/simulator/simulator.js';
import { startTestApp } from '../support/app.js';
import { json } from '../support/json.js';
import { makeOrg, type TestOrg } from '../support/orgs.js';
import { silentLog } from '../support/stores.js';

/**
 * Tenants reached through an organisation's own app registration (as MSPs run them), with a
 * client secret or a certificate; the credentials sealed at rest; what the tenant granted and
 * what is missing; and the refusals — all against the simulated tenant's Entra ID.
 */

async function certificate(name: string) {
  const pems = await generate([{ name: 'commonName', value: name }], { keySize: 2048, algorithm: 'sha256' });
  return { certificatePem: pems.cert, privateKeyPem: pems.private };
}

/** The driver's certificate credential: the SHA-256 thumbprint (hex) and the private key. */
const credentialOf = (c: { certificatePem: string; privateKeyPem: string }) => ({
  thumbprintSha256: new X509Certificate(c.certificatePem).fingerprint256.replace(/:/g, ''),
  privateKeyPem: c.privateKeyPem,
});

describe('tenant credentials: secrets and certificates', () => {
  let app: Offramp;
  let sim: Simulator;
  let org: TestOrg;
  let cert: { certificatePem: string; privateKeyPem: string };
  beforeAll(async () => {
    [app, cert] = await Promise.all([startTestApp(), certificate('Offramp MSP app')]);
    sim = app.simulator!;
    sim.configure({ latency: 0 });
    org = await makeOrg(app, 'MSP Co', 0);
  });
  afterAll(() => app?.close());

  const connect = (as: TestOrg, body: unknown) => as.as.admin.fetch(`/api/v1/orgs/${as.id}/tenants`, { method: 'POST', json: body });

  it('the driver gets tokens with a certificate (a signed client assertion), and the call takes effect', async () => {
    const reg = sim.registerApp({ displayName: 'Cert app', roles: ['User.ReadWrite.All'], certificates: [cert.certificatePem] });
    const transport = createTransport({ endpoints: { authorityHost: sim.url, graphBaseUrl: sim.url, exchangeBaseUrl: sim.url }, log: silentLog });
    const actions = createActions(transport, { tenantId: sim.tenant.id, clientId: reg.clientId, certificate: credentialOf(cert) });
    const u = sim.users().find((x) => x.kind === 'person' && !x.onPremisesSyncEnabled)!;
    await actions.setAccountEnabled(u.id, false);
    expect(sim.findUser(u.id)!.accountEnabled).toBe(false);

    const other = await certificate('Not uploaded');
    const stranger = createActions(transport, { tenantId: sim.tenant.id, clientId: reg.clientId, certificate: credentialOf(other) });
    const err = await stranger.setAccountEnabled(u.id, true).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(M365Error);
    expect(err).toMatchObject({ status: 401, code: 'consent_or_credentials' });
    expect(sim.findUser(u.id)!.accountEnabled).toBe(false);
  });

  it('connects a tenant with the organisation\'s own app and a certificate; the key is sealed, never stored in clear', async () => {
    const reg = sim.registerApp({ displayName: 'MSP app (certificate)', roles: ['User.Read.All', 'Organization.Read.All', 'Exchange.ManageAsApp'], certificates: [cert.certificatePem] });
    const res = await connect(org, { tenantId: sim.tenant.id.toUpperCase(), clientId: reg.clientId, ...cert });
    expect(res.status).toBe(201);
    const t = await json(res);
    expect(t).toMatchObject({ tenantId: sim.tenant.id, displayName: sim.tenant.displayName, demo: false, status: 'connected' });
    // What the app was granted, and what Offramp still needs, for the page to show.
    expect(t.permissions.granted).toEqual(['Exchange.ManageAsApp', 'Organization.Read.All', 'User.Read.All']);
    expect(t.permissions.missing).toEqual(expect.arrayContaining(['User.ReadWrite.All', 'Group.ReadWrite.All', 'DeviceManagementManagedDevices.PrivilegedOperations.All']));
    expect(t.permissions.missing).not.toContain('Exchange.ManageAsApp');

    const { rows } = await app.store.pool.query('SELECT credentials::text AS c FROM tenants WHERE id = $1', [t.id]);
    const body = cert.privateKeyPem.split('\n')[1]!;
    expect(rows[0].c).not.toContain(body);
    expect(rows[0].c).not.toContain('PRIVATE KEY');
    const audit = await app.store.pool.query(`SELECT details::text AS d FROM audit_events WHERE org_id = $1 AND action = 'tenant.connected'`, [org.id]);
    expect(audit.rows[0].d).not.toContain('PRIVATE KEY');
  });

  it('connects with a client secret, and refuses a wrong one without recording anything', async () => {
    const other = await makeOrg(app, 'Secret Co', 10);
    const reg = sim.registerApp({ displayName: 'MSP app (secret)', roles: ['User.Read.All', 'Organization.Read.All'] });
    const wrong = await connect(other, { tenantId: sim.tenant.id, clientId: reg.clientId, clientSecret: 'not-the-secret' });
    expect(wrong.status).toBe(400);
    expect(await json(wrong)).toMatchObject({ error: { code: 'tenant_not_accessible', message: expect.stringMatching(/could not read this tenant/) } });
    expect((await json(await other.as.admin.fetch(`/api/v1/orgs/${other.id}/tenants`))).length).toBe(0);
    const right = await connect(other, { tenantId: sim.tenant.id, clientId: reg.clientId, clientSecret: reg.clientSecret });
    expect(right.status).toBe(201);
    const { rows } = await app.store.pool.query('SELECT credentials::text AS c FROM tenants WHERE org_id = $1', [other.id]);
    expect(rows[0].c).not.toContain(reg.clientSecret);
  });

  it('says which field is wrong: ids, missing or doubled credentials, a key that is not the certificate\'s', async () => {
    const stranger = await certificate('Someone else');
    const cases: [unknown, string][] = [
      [{ tenantId: 'contoso', clientId: sim.demoApp.clientId, clientSecret: 'abcdefghij' }, 'tenantId'],
      [{ tenantId: sim.tenant.id, clientId: 'app', clientSecret: 'abcdefghij' }, 'clientId'],
      [{ tenantId: sim.tenant.id, clientId: sim.demoApp.clientId }, 'clientSecret'],
      [{ tenantId: sim.tenant.id, clientId: sim.demoApp.clientId, clientSecret: 'abcdefghij', ...cert }, 'clientSecret'],
      [{ tenantId: sim.tenant.id, clientId: sim.demoApp.clientId, certificatePem: cert.certificatePem }, 'privateKeyPem'],
      [{ tenantId: sim.tenant.id, clientId: sim.demoApp.clientId, certificatePem: 'hello', privateKeyPem: cert.privateKeyPem }, 'certificatePem'],
      [{ tenantId: sim.tenant.id, clientId: sim.demoApp.clientId, certificatePem: cert.certificatePem, privateKeyPem: stranger.privateKeyPem }, 'privateKeyPem'],
    ];
    for (const [body, field] of cases) {
      const res = await connect(org, body);
      const text = await res.text();
      expect({ field, status: res.status, names: text.includes(field) }).toEqual({ field, status: 400, names: true });
      expect(text).not.toContain('PRIVATE KEY');
    }
    const asManager = await org.as.manager.fetch(`/api/v1/orgs/${org.id}/tenants`, { method: 'POST', json: { tenantId: sim.tenant.id, clientId: sim.demoApp.clientId, clientSecret: sim.demoApp.clientSecret } });
    expect(asManager.status).toBe(403);
  });
});
