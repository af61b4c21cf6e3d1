import { ConfidentialClientApplication } from '@azure/msal-node';
import { BatchRequestContent, BatchResponseContent, Client, PageIterator } from '@microsoft/microsoft-graph-client';
import type { Simulator } from '../../server/simulator/simulator.js';
import { startTestSimulator } from './helpers.js';

/**
 * Microsoft's own SDKs against the simulated tenant, as the driver uses them: MSAL client
 * credentials for tokens, the Graph client for paging and $batch (whose response parsing needs
 * the `Content-Type` header key exactly).
 */
describe('simulated tenant with Microsoft\'s SDKs', () => {
  let sim: Simulator;
  let client: Client;
  let msal: ConfidentialClientApplication;
  beforeAll(async () => {
    sim = await startTestSimulator({ seed: 'sdk', users: 150 });
    msal = new ConfidentialClientApplication({
      auth: {
        clientId: sim.demoApp.clientId,
        clientSecret: sim.demoApp.clientSecret,
        authority: `${sim.url}/${sim.tenant.id}`,
        knownAuthorities: [new URL(sim.url).host],
      },
    });
    const token = async (scope: string) => (await msal.acquireTokenByClientCredential({ scopes: [scope] }))!.accessToken;
    client = Client.init({
      baseUrl: `${sim.url}/`,
      customHosts: new Set(['127.0.0.1']),
      authProvider: (done) => void token('https://graph.microsoft.com/.default').then((t) => done(null, t), (e) => done(e, null)),
    });
  });
  afterAll(() => sim?.close());

  it('gets app-only tokens with MSAL client credentials, for Graph and for Exchange', async () => {
    const graph = await msal.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
    const claims = JSON.parse(Buffer.from(graph!.accessToken.split('.')[1]!, 'base64url').toString());
    expect(claims).toMatchObject({ aud: 'https://graph.microsoft.com', tid: sim.tenant.id, roles: expect.arrayContaining(['User.ReadWrite.All']) });
    expect(claims.roles).not.toContain('Exchange.ManageAsApp');
    const exo = await msal.acquireTokenByClientCredential({ scopes: ['https://outlook.office365.com/.default'] });
    const exoClaims = JSON.parse(Buffer.from(exo!.accessToken.split('.')[1]!, 'base64url').toString());
    expect(exoClaims).toMatchObject({ aud: 'https://outlook.office365.com', roles: ['Exchange.ManageAsApp'] });
  });

  it('pages users with the Graph client\'s PageIterator', async () => {
    const first = await client.api('/users').select('id,displayName').top(40).get();
    const seen: string[] = [];
    await new PageIterator(client, first, (u: { id: string }) => (seen.push(u.id), true)).iterate();
    expect(seen).toEqual(sim.users().map((u) => u.id));
  });

  it('sends $batch with BatchRequestContent and reads each answer with BatchResponseContent', async () => {
    const u = sim.users().find((x) => !x.onPremisesSyncEnabled && x.kind === 'person')!;
    const content = new BatchRequestContent([
      { id: '1', request: new Request(`${sim.url}/v1.0/users/${u.id}?$select=id,displayName`, { method: 'GET' }) },
      {
        id: '2',
        request: new Request(`${sim.url}/v1.0/users/${u.id}`, { method: 'PATCH', body: JSON.stringify({ jobTitle: 'Via SDK batch' }), headers: { 'content-type': 'application/json' } }),
        dependsOn: ['1'],
      },
      { id: '3', request: new Request(`${sim.url}/v1.0/users/00000000-0000-4000-8000-000000000000`, { method: 'GET' }), dependsOn: ['2'] },
    ]);
    const raw = await client.api('/$batch').post(await content.getContent());
    const answers = new BatchResponseContent(raw);
    const one = answers.getResponseById('1')!;
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ id: u.id });
    expect(answers.getResponseById('2')!.status).toBe(204);
    expect(answers.getResponseById('3')!.status).toBe(404);
    expect(sim.findUser(u.id)!.jobTitle).toBe('Via SDK batch');
  });

  it('surfaces Graph errors with code and request id through the client', async () => {
    await expect(client.api('/users/00000000-0000-4000-8000-000000000000').get()).rejects.toMatchObject({ statusCode: 404, code: 'Request_ResourceNotFound', requestId: expect.any(String) });
  });
});
