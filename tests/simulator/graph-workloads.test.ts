import type { Simulator } from '../../server/simulator/simulator.js';
import { expectGraphError, graphClient, startTestSimulator, type GraphClient } from './helpers.js';

/** Mailbox settings, inbox rules, calendar, authentication methods, Intune devices, OneDrive, directory. */
describe('simulated Graph: mail, calendar, methods, devices, OneDrive, directory', () => {
  let sim: Simulator;
  let graph: GraphClient;
  beforeAll(async () => {
    sim = await startTestSimulator({ seed: 'workloads' });
    graph = await graphClient(sim);
  });
  afterAll(() => sim?.close());

  const withMailbox = (test: (id: string) => boolean = () => true) => sim.users().find((u) => u.kind === 'person' && sim.state.mailboxes.has(u.id) && test(u.id))!;

  describe('mailbox settings', () => {
    it('reads mailboxSettings with automatic replies and userPurpose', async () => {
      const u = withMailbox();
      const r = await graph.get(`/users/${u.id}/mailboxSettings`);
      expect(r.status).toBe(200);
      expect(r.body['@odata.context']).toBe(`${sim.url}/v1.0/$metadata#users('${u.id}')/mailboxSettings`);
      expect(r.body).toMatchObject({ userPurpose: 'user', automaticRepliesSetting: { status: 'disabled', scheduledStartDateTime: { dateTime: expect.any(String), timeZone: 'UTC' } } });
      const only = await graph.get(`/users/${u.id}/mailboxSettings?$select=automaticRepliesSetting`);
      expect(Object.keys(only.body).sort()).toEqual(['@odata.context', 'automaticRepliesSetting']);
    });

    it('sets scheduled automatic replies (the state Exchange sees too) and refuses unknown properties', async () => {
      const u = withMailbox();
      const r = await graph.patch(`/users/${u.id}/mailboxSettings`, {
        automaticRepliesSetting: {
          status: 'scheduled',
          externalAudience: 'all',
          internalReplyMessage: 'I have left Contoso.',
          externalReplyMessage: 'I have left Contoso.',
          scheduledStartDateTime: { dateTime: '2030-01-01T17:00:00', timeZone: 'UTC' },
          scheduledEndDateTime: { dateTime: '2030-03-01T17:00:00', timeZone: 'UTC' },
        },
      });
      expect(r.status).toBe(200);
      expect(r.body.automaticRepliesSetting).toMatchObject({ status: 'scheduled', scheduledEndDateTime: { dateTime: '2030-03-01T17:00:00.0000000', timeZone: 'UTC' } });
      expect(sim.state.mailboxes.get(u.id)!.autoReply).toMatchObject({ state: 'Scheduled', externalAudience: 'All', startTime: '2030-01-01T17:00:00.000Z' });
      const bad = await graph.patch(`/users/${u.id}/mailboxSettings`, { favouriteColour: 'blue' });
      expectGraphError(bad, 400, 'RequestBodyRead', /The property 'favouriteColour' does not exist/);
      expectGraphError(await graph.patch(`/users/${u.id}/mailboxSettings`, { userPurpose: 'shared' }), 400, 'ErrorInvalidProperty');
      const wrong = await graph.patch(`/users/${u.id}/mailboxSettings`, { automaticRepliesSetting: { status: 'sometimes' } });
      expectGraphError(wrong, 400, 'RequestBodyRead');
    });

    it('answers MailboxNotEnabledForRESTAPI for a person without a mailbox', async () => {
      const u = sim.users().find((x) => x.kind === 'person' && !sim.state.mailboxes.has(x.id))!;
      expect(u).toBeDefined();
      expectGraphError(await graph.get(`/users/${u.id}/mailboxSettings`), 404, 'MailboxNotEnabledForRESTAPI');
      expectGraphError(await graph.get(`/users/${u.id}/events`), 404, 'MailboxNotEnabledForRESTAPI');
    });

    it('lists and deletes inbox rules', async () => {
      const u = withMailbox((id) => sim.state.personal(id).rules.length > 0);
      const r = await graph.get(`/users/${u.id}/mailFolders/inbox/messageRules`);
      expect(r.body['@odata.context']).toBe(`${sim.url}/v1.0/$metadata#users('${u.id}')/mailFolders('inbox')/messageRules`);
      const rule = r.body.value[0];
      expect(rule).toMatchObject({ id: expect.any(String), displayName: expect.any(String), isEnabled: true, conditions: expect.any(Object), actions: expect.any(Object) });
      expect((await graph.get(`/users/${u.id}/mailFolders('Inbox')/messageRules/${rule.id}`)).body.id).toBe(rule.id);
      expect((await graph.del(`/users/${u.id}/mailFolders/inbox/messageRules/${rule.id}`)).status).toBe(204);
      expectGraphError(await graph.del(`/users/${u.id}/mailFolders/inbox/messageRules/${rule.id}`), 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    });
  });

  describe('calendar', () => {
    it('lists future meetings the person organises, filtered, and cancels one (202)', async () => {
      const u = withMailbox((id) => sim.state.personal(id).events.length > 1);
      const from = new Date().toISOString().slice(0, 19);
      const r = await graph.get(`/users/${u.id}/events?$filter=isOrganizer eq true and start/dateTime ge '${from}'&$select=subject,start,end,attendees,organizer,isCancelled&$top=50`);
      expect(r.status).toBe(200);
      expect(r.body.value.length).toBe(sim.state.personal(u.id).events.length);
      const e = r.body.value[0];
      expect(e).toMatchObject({ start: { timeZone: 'UTC' }, organizer: { emailAddress: { address: u.mail } }, isCancelled: false });
      expect(e.attendees.length).toBeGreaterThan(0);
      const cancel = await graph.post(`/users/${u.id}/events/${e.id}/cancel`, { Comment: 'The organiser has left Contoso.' });
      expect(cancel.status).toBe(202);
      expectGraphError(await graph.get(`/users/${u.id}/events/${e.id}`), 404, 'ErrorItemNotFound');
      expect(sim.userState(u.id)!.cancelledEvents).toContainEqual(expect.objectContaining({ eventId: e.id, comment: 'The organiser has left Contoso.' }));
      const second = withMailbox((id) => sim.state.personal(id).events.length > 0 && id !== u.id);
      const ev = sim.state.personal(second.id).events[0]!;
      expect((await graph.post(`/users/${second.id}/events/${ev.id}/cancel`, { comment: 'lower-case parameter name' })).status).toBe(202);
      expectGraphError(await graph.post(`/users/${second.id}/events/nope/cancel`, {}), 404, 'ErrorItemNotFound');
      expectGraphError(await graph.post(`/users/${u.id}/events/${sim.state.personal(u.id).events[0]!.id}/cancel`, { reason: 'x' }), 400, 'Request_BadRequest');
    });

    it('needs a window for calendarView', async () => {
      const u = withMailbox();
      expectGraphError(await graph.get(`/users/${u.id}/calendarView`), 400, 'ErrorInvalidParameter');
      const now = Date.now();
      const r = await graph.get(`/users/${u.id}/calendarView?startDateTime=${new Date(now).toISOString()}&endDateTime=${new Date(now + 90 * 86400_000).toISOString()}`);
      expect(r.status).toBe(200);
    });
  });

  describe('authentication methods', () => {
    it('lists every method typed; deletes phone, authenticator, FIDO2 and email methods; cannot delete the password', async () => {
      const u = sim.users().find((x) => {
        const kinds = new Set(sim.state.personal(x.id).methods.map((m) => m.kind));
        return ['phone', 'microsoftAuthenticator', 'fido2', 'email'].every((k) => kinds.has(k as never));
      })!;
      expect(u).toBeDefined();
      const all = await graph.get(`/users/${u.id}/authentication/methods`);
      const types = all.body.value.map((m: any) => m['@odata.type']);
      expect(types).toEqual(expect.arrayContaining(['#microsoft.graph.passwordAuthenticationMethod', '#microsoft.graph.phoneAuthenticationMethod', '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod', '#microsoft.graph.fido2AuthenticationMethod', '#microsoft.graph.emailAuthenticationMethod']));
      const kinds = ['phone', 'microsoftAuthenticator', 'fido2', 'email'];
      for (const m of all.body.value) {
        const kind = kinds.find((k) => m['@odata.type'] === `#microsoft.graph.${k}AuthenticationMethod`);
        if (!kind) continue;
        const one = await graph.get(`/users/${u.id}/authentication/${kind}Methods/${encodeURIComponent(m.id)}`);
        expect(one.body).toMatchObject({ '@odata.type': m['@odata.type'], id: m.id });
        expect((await graph.del(`/users/${u.id}/authentication/${kind}Methods/${encodeURIComponent(m.id)}`)).status).toBe(204);
      }
      const left = await graph.get(`/users/${u.id}/authentication/methods`);
      const remaining = left.body.value.map((m: any) => m['@odata.type']);
      expect(remaining).toContain('#microsoft.graph.passwordAuthenticationMethod');
      expect(remaining.filter((t: string) => /phone|microsoftAuthenticator|fido2|email/.test(t))).toEqual([]);
      const pw = await graph.del(`/users/${u.id}/authentication/passwordMethods/28c10230-6103-485e-b985-444c60001490`);
      expect(pw.status).toBe(405);
      expectGraphError(await graph.del(`/users/${u.id}/authentication/phoneMethods/3179e48a-750b-4051-897c-87b9720928f7`), 404, 'Request_ResourceNotFound');
    });
  });

  describe('devices', () => {
    it('lists managed devices by userId, with Intune properties', async () => {
      const owner = sim.state.managedOrder[0]!.userId;
      const r = await graph.get(`/deviceManagement/managedDevices?$filter=userId eq '${owner}'`);
      expect(r.body['@odata.context']).toBe(`${sim.url}/v1.0/$metadata#deviceManagement/managedDevices`);
      expect(r.body.value.length).toBe(sim.state.managedDevicesOf(owner).length);
      expect(r.body.value[0]).toMatchObject({ userId: owner, operatingSystem: expect.any(String), complianceState: expect.any(String), managementState: 'managed', deviceActionResults: [] });
      const all = await graph.all('/deviceManagement/managedDevices?$select=id&$top=100');
      expect(all.items).toHaveLength(sim.state.managedDevices.size);
    });

    it('wipes a device: 204, recorded as pending, idempotent while pending; retire likewise; unknown devices 404', async () => {
      const [d, e] = sim.state.managedOrder;
      const wipe = () => graph.post(`/deviceManagement/managedDevices/${d!.id}/wipe`, { keepEnrollmentData: false, keepUserData: false });
      expect((await wipe()).status).toBe(204);
      expect((await wipe()).status).toBe(204);
      const read = await graph.get(`/deviceManagement/managedDevices/${d!.id}?$select=managementState,deviceActionResults`);
      expect(read.body.managementState).toBe('wipePending');
      expect(read.body.deviceActionResults).toEqual([{ actionName: 'wipe', actionState: 'pending', startDateTime: expect.any(String), lastUpdatedDateTime: expect.any(String) }]);
      expect((await graph.post(`/deviceManagement/managedDevices/${e!.id}/retire`)).status).toBe(204);
      expect(sim.state.managedDevices.get(e!.id)!.managementState).toBe('retirePending');
      expectGraphError(await graph.post(`/deviceManagement/managedDevices/${d!.id}/wipe`, { keepEverything: true }), 400, 'Request_BadRequest');
      expect((await graph.post('/deviceManagement/managedDevices/00000000-0000-4000-8000-000000000000/wipe', {})).status).toBe(404);
      expect(sim.admin.completeDeviceActions()).toBe(2);
      expect((await graph.get(`/deviceManagement/managedDevices/${d!.id}`)).status).toBe(404);
      const reg = await graph.get(`/users/${d!.userId}/registeredDevices`);
      expect(reg.body.value.find((x: any) => x.deviceId === d!.azureADDeviceId)).toMatchObject({ '@odata.type': '#microsoft.graph.device', isManaged: false });
    });

    it('needs the privileged-operations permission to wipe', async () => {
      const reader = sim.registerApp({ displayName: 'Device reader', roles: ['DeviceManagementManagedDevices.Read.All'] });
      const g = await graphClient(sim, reader);
      const d = sim.state.managedOrder[3]!;
      expect((await g.get(`/deviceManagement/managedDevices/${d.id}`)).status).toBe(200);
      expectGraphError(await g.post(`/deviceManagement/managedDevices/${d.id}/wipe`, {}), 403, 'Authorization_RequestDenied');
    });

    it('lists a person\'s registered devices as directoryObjects', async () => {
      const owner = sim.state.managedOrder[5]!.userId;
      const r = await graph.get(`/users/${owner}/registeredDevices`);
      expect(r.body.value.length).toBeGreaterThan(0);
      expect(r.body.value[0]).toMatchObject({ '@odata.type': '#microsoft.graph.device', deviceId: expect.any(String), trustType: expect.stringMatching(/AzureAd|Workplace/) });
    });
  });

  describe('OneDrive', () => {
    it('reads the drive and root permissions, invites the manager, removes the permission', async () => {
      const u = sim.users().find((x) => x.hasOneDrive && x.managerId)!;
      const drive = await graph.get(`/users/${u.id}/drive`);
      expect(drive.body).toMatchObject({ driveType: 'business', owner: { user: { id: u.id } }, quota: { total: expect.any(Number) } });
      const perms = await graph.get(`/drives/${drive.body.id}/items/root/permissions`);
      expect(perms.body.value[0]).toMatchObject({ roles: ['owner'], grantedToV2: { user: { id: u.id } } });
      const manager = sim.findUser(u.managerId!)!;
      const invite = await graph.post(`/drives/${drive.body.id}/items/root/invite`, { recipients: [{ email: manager.mail }], roles: ['write'], requireSignIn: true, sendInvitation: false });
      expect(invite.status).toBe(200);
      expect(invite.body.value[0]).toMatchObject({ roles: ['write'], grantedToV2: { user: { id: manager.id } } });
      const again = await graph.post(`/drives/${drive.body.id}/root/invite`, { recipients: [{ objectId: manager.id }], roles: ['write'], requireSignIn: true, sendInvitation: false });
      expect(again.status).toBe(200);
      const after = await graph.get(`/drives/${drive.body.id}/items/root/permissions`);
      expect(after.body.value.filter((p: any) => p.grantedToV2?.user?.id === manager.id)).toHaveLength(1);
      expect((await graph.del(`/drives/${drive.body.id}/items/root/permissions/${invite.body.value[0].id}`)).status).toBe(204);
      expectGraphError(await graph.post(`/drives/${drive.body.id}/items/root/invite`, { recipients: [], roles: ['write'] }), 400, 'invalidRequest');
      expectGraphError(await graph.post(`/drives/${drive.body.id}/items/root/invite`, { recipients: [{ email: manager.mail }], roles: ['owner'] }), 400, 'invalidRequest');
    });

    it("answers 404 for a person whose OneDrive was never provisioned", async () => {
      const u = sim.users().find((x) => x.kind === 'person' && !x.hasOneDrive)!;
      expectGraphError(await graph.get(`/users/${u.id}/drive`), 404, 'ResourceNotFound', "User's mysite not found.");
    });
  });

  describe('directory', () => {
    it('reads the organization', async () => {
      const r = await graph.get('/organization');
      expect(r.body.value[0]).toMatchObject({ id: sim.tenant.id, displayName: 'Contoso', verifiedDomains: expect.arrayContaining([expect.objectContaining({ name: 'contoso.com', isDefault: true })]) });
    });

    it("finds our app's service principal by appId and lists the app roles granted to it", async () => {
      const r = await graph.get(`/servicePrincipals?$filter=appId eq '${sim.demoApp.clientId}'&$expand=appRoleAssignments`);
      expect(r.body.value).toHaveLength(1);
      const sp = r.body.value[0];
      expect(sp).toMatchObject({ appId: sim.demoApp.clientId, displayName: 'Offramp (demo)', servicePrincipalType: 'Application' });
      const graphSp = (await graph.get("/servicePrincipals?$filter=appId eq '00000003-0000-0000-c000-000000000000'")).body.value[0];
      const names = new Map(graphSp.appRoles.map((a: any) => [a.id, a.value]));
      const granted = sp.appRoleAssignments.filter((a: any) => a.resourceId === graphSp.id).map((a: any) => names.get(a.appRoleId));
      expect(granted).toEqual(expect.arrayContaining(['User.ReadWrite.All', 'GroupMember.ReadWrite.All', 'DeviceManagementManagedDevices.PrivilegedOperations.All']));
      const byPath = await graph.get(`/servicePrincipals/${sp.id}/appRoleAssignments`);
      expect(byPath.body.value).toHaveLength(sp.appRoleAssignments.length);
      expect((await graph.get(`/servicePrincipals(appId='${sim.demoApp.clientId}')`)).body.id).toBe(sp.id);
    });
  });
});
