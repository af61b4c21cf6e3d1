import { M365Error } from '../../server/m365/m365.types.js';
import type { Simulator } from '../../server/simulator/simulator.js';
import type { DirUser } from '../../server/simulator/tenant/model.js';
import { startTestSimulator } from '../simulator/helpers.js';
import { driverFor, type TestDriver } from './driver.js';

/**
 * Every driver operation against the simulated tenant: each call is asserted by its effect on
 * the tenant's state (what Microsoft documents the call to do), not by what the driver says.
 */
describe('Microsoft 365 driver operations, against the simulated tenant', () => {
  let sim: Simulator;
  let d: TestDriver;
  beforeAll(async () => {
    sim = await startTestSimulator({ seed: 'driver-ops', users: 120 });
    d = driverFor(sim);
  });
  afterAll(() => sim?.close());

  const used = new Set<string>();
  /** A person no other test has used yet: cloud-only, with a mailbox and a manager. */
  const person = (extra: (u: DirUser) => boolean = () => true): DirUser => {
    const u = sim
      .users()
      .find((x) => x.kind === 'person' && !x.onPremisesSyncEnabled && x.accountEnabled && x.managerId && sim.state.mailbox(x.id) && !used.has(x.id) && extra(x));
    if (!u) throw new Error('the seeded tenant has no such person left');
    used.add(u.id);
    return u;
  };
  const state = (u: DirUser) => sim.userState(u.id)!;
  const mutationsSince = (seq: number) => sim.mutations(seq);

  describe('account', () => {
    it('reads a person as Graph returns them, and their manager', async () => {
      const u = person();
      const got = await d.actions.getUser(u.id);
      expect(got).toMatchObject({ id: u.id, userPrincipalName: u.userPrincipalName, accountEnabled: true });
      expect((await d.actions.getManager(u.id))?.id).toBe(u.managerId);
      const top = sim.users().find((x) => x.kind === 'person' && !x.managerId)!;
      expect(await d.actions.getManager(top.id)).toBeNull();
    });

    it('disables sign-in and enables it again', async () => {
      const u = person();
      await d.actions.setAccountEnabled(u.id, false);
      expect(state(u).user.accountEnabled).toBe(false);
      await d.actions.setAccountEnabled(u.id, true);
      expect(state(u).user.accountEnabled).toBe(true);
    });

    it('revokes sign-in sessions: the sessions-valid-from time moves to now', async () => {
      const u = person();
      const before = state(u).user.signInSessionsValidFromDateTime;
      const t0 = Date.now();
      await d.actions.revokeSignInSessions(u.id);
      const after = state(u).user.signInSessionsValidFromDateTime;
      expect(after).not.toBe(before);
      expect(Date.parse(after)).toBeGreaterThanOrEqual(Math.floor(t0 / 1000) * 1000);
    });

    it('resets the password with a forced change at next sign-in; the password is never in the log', async () => {
      const u = person();
      const seq = sim.mutations().length;
      await d.actions.resetPassword(u.id, 'Correct-Horse-Battery-9');
      expect(state(u).user).toMatchObject({ passwordSet: true, forceChangePasswordNextSignIn: true });
      const [entry] = mutationsSince(seq);
      expect(entry).toMatchObject({ method: 'PATCH', path: `/users/${u.id}`, status: 204 });
      expect(JSON.stringify(entry)).not.toContain('Correct-Horse-Battery-9');
    });

    it('deletes a user (restorable) and restores them', async () => {
      const u = person();
      await d.actions.deleteUser(u.id);
      expect(state(u).deleted).toBe(true);
      expect(sim.findUser(u.id)).toBeUndefined();
      await d.actions.restoreUser(u.id);
      expect(state(u).deleted).toBe(false);
      expect(sim.findUser(u.id)?.id).toBe(u.id);
    });

    it('records every call with Microsoft\'s request id, the same one the tenant logged', async () => {
      const u = person();
      d.calls.length = 0;
      const seq = sim.mutations().length;
      await d.actions.setAccountEnabled(u.id, false);
      const logged = mutationsSince(seq);
      expect(d.calls).toEqual([expect.objectContaining({ service: 'graph', method: 'PATCH', target: `/users/${u.id}`, status: 204, attempts: 1 })]);
      expect(d.calls[0]!.requestId).toBe(logged[0]!.requestId);
    });
  });

  describe('MFA methods', () => {
    it('lists the methods and removes each removable one; the password method is refused by Graph', async () => {
      const u = person((x) => sim.state.personal(x.id).methods.filter((m) => m.kind !== 'password').length >= 2);
      const methods = await d.actions.listAuthMethods(u.id);
      expect(methods.map((m) => m.id).sort()).toEqual(state(u).authenticationMethods.map((m) => m.id).sort());
      for (const m of methods.filter((x) => x.type !== 'passwordAuthenticationMethod')) await d.actions.deleteAuthMethod(u.id, m);
      expect(state(u).authenticationMethods.map((m) => m.kind)).toEqual(['password']);
      const password = methods.find((m) => m.type === 'passwordAuthenticationMethod')!;
      await expect(d.actions.deleteAuthMethod(u.id, password)).rejects.toBeInstanceOf(M365Error);
      expect(state(u).authenticationMethods).toHaveLength(1);
    });
  });

  describe('groups, Teams and licences', () => {
    it('classifies every group a person is in, as Graph describes it', async () => {
      const u = person((x) => sim.state.memberOf(x.id).length >= 3);
      const listed = await d.actions.listMemberships(u.id);
      const expected = state(u).memberOf;
      expect(listed.map((g) => g.id).sort()).toEqual(expected.map((g) => g.id).sort());
      const kindOf = { team: 'microsoft365', microsoft365: 'microsoft365', dynamic: 'dynamic', security: 'security', mailEnabledSecurity: 'mail-security', distribution: 'distribution' } as Record<string, string>;
      for (const g of listed) expect({ id: g.id, kind: g.kind }).toEqual({ id: g.id, kind: kindOf[expected.find((e) => e.id === g.id)!.kind] });
    });

    it('removes and re-adds security and Microsoft 365 memberships through Graph', async () => {
      const u = person();
      const security = sim.admin.addGroup({ displayName: 'Driver test security', kind: 'security', members: [u.id] });
      const unified = sim.admin.addGroup({ displayName: 'Driver test M365', kind: 'unified', members: [u.id] });
      for (const g of [security, unified]) {
        await d.actions.removeFromGroup(g.id, u.id);
        expect(sim.groupState(g.id)!.members).not.toContain(u.id);
        await d.actions.addToGroup(g.id, u.id);
        expect(sim.groupState(g.id)!.members).toContain(u.id);
      }
    });

    it('finds dynamic and on-premises groups not removable, and Graph refuses to edit them', async () => {
      const u = person();
      const dynamic = sim.admin.addGroup({ displayName: 'Driver test dynamic', kind: 'security', membershipRule: `(user.userPrincipalName -eq "${u.userPrincipalName}")` });
      const synced = sim.admin.addGroup({ displayName: 'Driver test synced', kind: 'security', members: [u.id], onPremisesSyncEnabled: true });
      const listed = await d.actions.listMemberships(u.id);
      expect(listed.find((g) => g.id === dynamic.id)).toMatchObject({ kind: 'dynamic', notRemovable: expect.stringMatching(/rule/) });
      expect(listed.find((g) => g.id === synced.id)).toMatchObject({ notRemovable: expect.stringMatching(/on-premises/) });
      await expect(d.actions.removeFromGroup(dynamic.id, u.id)).rejects.toMatchObject({ status: 403 });
      await expect(d.actions.removeFromGroup(synced.id, u.id)).rejects.toMatchObject({ status: 400 });
      expect(sim.groupState(dynamic.id)!.members).toContain(u.id);
      expect(sim.groupState(synced.id)!.members).toContain(u.id);
    });

    it('changes distribution lists and mail-enabled security groups through Exchange (Graph refuses them)', async () => {
      const u = person();
      const dl = sim.admin.addGroup({ displayName: 'Driver test DL', kind: 'distribution', members: [u.id] });
      const mailSecurity = sim.admin.addGroup({ displayName: 'Driver test mail security', kind: 'mailSecurity', members: [u.id] });
      await expect(d.actions.removeFromGroup(dl.id, u.id)).rejects.toMatchObject({ status: 400 });
      for (const g of [dl, mailSecurity]) {
        await d.actions.removeFromDistributionList(g.id, u.userPrincipalName);
        expect(sim.groupState(g.id)!.members).not.toContain(u.id);
        await d.actions.addToDistributionList(g.id, u.userPrincipalName);
        expect(sim.groupState(g.id)!.members).toContain(u.id);
      }
    });

    it('lists joined Teams and removes the person from one', async () => {
      const u = person();
      const team = sim.admin.addGroup({ displayName: 'Driver test team', kind: 'unified', team: true, members: [u.id] });
      const joined = await d.actions.listJoinedTeams(u.id);
      expect(joined).toContainEqual({ id: team.id, displayName: 'Driver test team' });
      expect(await d.actions.removeFromTeam(team.id, u.id)).toBe(true);
      expect(sim.groupState(team.id)!.members).not.toContain(u.id);
      expect(await d.actions.removeFromTeam(team.id, u.id)).toBe(false);
      expect((await d.actions.listJoinedTeams(u.id)).map((t) => t.id)).not.toContain(team.id);
    });

    it('removes direct licences by assignLicense; group-based ones are refused and stay', async () => {
      const u = person((x) => x.licences.length > 0);
      const sku = sim.state.skus.find((k) => !u.licences.some((l) => l.skuId === k.skuId) && sim.state.consumedUnits(k.skuId) < k.enabledUnits)!;
      const licensing = sim.admin.addGroup({ displayName: 'Driver test licensing', kind: 'security', members: [u.id], assignedLicenses: [{ skuId: sku.skuId, disabledPlans: [] }] });
      const listed = await d.actions.listLicences(u.id);
      const direct = u.licences.map((l) => l.skuId);
      expect(listed.filter((l) => l.via === 'direct').map((l) => l.skuId).sort()).toEqual([...direct].sort());
      expect(listed).toContainEqual({ skuId: sku.skuId, via: 'group', groupId: licensing.id });

      await expect(d.actions.removeLicences(u.id, [sku.skuId])).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/inherited from a group/) });
      await d.actions.removeLicences(u.id, direct);
      expect(state(u).licences).toEqual([expect.objectContaining({ skuId: sku.skuId, assignedByGroup: licensing.id })]);
      await d.actions.addLicences(u.id, direct);
      expect(state(u).licences.filter((l) => !l.assignedByGroup).map((l) => l.skuId).sort()).toEqual([...direct].sort());
      // Leaving the licensing group is how a group-based licence goes.
      await d.actions.removeFromGroup(licensing.id, u.id);
      expect(state(u).licences.map((l) => l.skuId)).not.toContain(sku.skuId);
    });
  });

  describe('mailbox', () => {
    it('reads the mailbox with its size, converts it to shared and back', async () => {
      const u = person((x) => sim.state.mailbox(x.id)!.type === 'UserMailbox');
      const box = await d.actions.getMailbox(u.userPrincipalName);
      expect(box).toMatchObject({ type: 'UserMailbox', hiddenFromAddressLists: false, sizeBytes: sim.state.mailbox(u.id)!.sizeBytes });
      await d.actions.setMailboxType(u.userPrincipalName, 'Shared');
      expect(sim.state.mailbox(u.id)!.type).toBe('SharedMailbox');
      expect((await d.actions.getMailbox(u.userPrincipalName))!.type).toBe('SharedMailbox');
      await d.actions.setMailboxType(u.userPrincipalName, 'Regular');
      expect(sim.state.mailbox(u.id)!.type).toBe('UserMailbox');
      expect(await d.actions.getMailbox('nobody-here@' + sim.tenant.defaultDomain)).toBeNull();
    });

    it('hides from the address lists and shows again', async () => {
      const u = person();
      await d.actions.setHiddenFromAddressLists(u.userPrincipalName, true);
      expect(sim.state.mailbox(u.id)!.hidden).toBe(true);
      await d.actions.setHiddenFromAddressLists(u.userPrincipalName, false);
      expect(sim.state.mailbox(u.id)!.hidden).toBe(false);
    });

    it('forwards mail with and without a copy kept, and stops forwarding', async () => {
      const u = person();
      const to = sim.findUser(u.managerId!)!;
      await d.actions.setForwarding(u.userPrincipalName, to.mail!, true);
      expect(sim.state.mailbox(u.id)).toMatchObject({ forwardingSmtpAddress: `smtp:${to.mail}`, deliverToMailboxAndForward: true });
      expect(await d.actions.getMailbox(u.userPrincipalName)).toMatchObject({ forwardingSmtpAddress: to.mail, deliverToMailboxAndForward: true });
      await d.actions.setForwarding(u.userPrincipalName, to.mail!, false);
      expect(sim.state.mailbox(u.id)).toMatchObject({ deliverToMailboxAndForward: false });
      await d.actions.setForwarding(u.userPrincipalName, null, false);
      expect(sim.state.mailbox(u.id)!.forwardingSmtpAddress).toBeNull();
    });

    it('grants full access with and without auto-mapping, and removes it', async () => {
      const u = person();
      const manager = sim.findUser(u.managerId!)!;
      await d.actions.addMailboxPermission(u.userPrincipalName, manager.userPrincipalName, false);
      expect(sim.state.fullAccess.get(u.id, manager.id)).toEqual({ accessRights: ['FullAccess'], autoMapping: false });
      await d.actions.removeMailboxPermission(u.userPrincipalName, manager.userPrincipalName);
      expect(sim.state.fullAccess.get(u.id, manager.id)).toBeUndefined();
      await d.actions.addMailboxPermission(u.userPrincipalName, manager.userPrincipalName, true);
      expect(sim.state.fullAccess.get(u.id, manager.id)).toEqual({ accessRights: ['FullAccess'], autoMapping: true });
    });

    it('finds every full-access, send-as and calendar permission a person holds, and removes each', async () => {
      const holder = person();
      const [a, b, c] = sim.users().filter((x) => x.id !== holder.id && sim.state.mailbox(x.id)).slice(0, 3) as [DirUser, DirUser, DirUser];
      sim.state.fullAccess.set(a.id, holder.id, { accessRights: ['FullAccess'], autoMapping: true });
      sim.state.sendAs.set(b.id, holder.id, { accessRights: ['SendAs'] });
      sim.state.folderGrants.set(`${c.id}:Calendar`, holder.id, { accessRights: ['Editor'], sharingPermissionFlags: null });
      const held = await d.actions.listPermissionsHeldBy(holder.userPrincipalName);
      const expected = state(holder);
      expect(held.filter((p) => p.kind === 'FullAccess')).toHaveLength(expected.fullAccessHeld.length);
      expect(held.filter((p) => p.kind === 'SendAs')).toHaveLength(expected.sendAsHeld.length);
      expect(held.filter((p) => p.kind === 'CalendarFolder')).toHaveLength(expected.folderPermissionsHeld.filter((f) => f.folder === 'Calendar').length);
      expect(held).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ kind: 'FullAccess', accessRights: ['FullAccess'] }),
          expect.objectContaining({ kind: 'SendAs', accessRights: ['SendAs'] }),
          expect.objectContaining({ kind: 'CalendarFolder', accessRights: ['Editor'] }),
        ]),
      );
      for (const p of held) await d.actions.removeHeldPermission(holder.userPrincipalName, p);
      const after = state(holder);
      expect({ full: after.fullAccessHeld, sendAs: after.sendAsHeld, calendar: after.folderPermissionsHeld.filter((f) => f.folder === 'Calendar') }).toEqual({ full: [], sendAs: [], calendar: [] });
      expect(await d.actions.listPermissionsHeldBy(holder.userPrincipalName)).toEqual([]);
    });

    it('sets internal and external automatic replies with a schedule, read back through Graph and Exchange', async () => {
      const u = person();
      const reply = {
        status: 'scheduled' as const,
        internalReplyMessage: 'I have left the company. Please contact my manager.',
        externalReplyMessage: 'This mailbox is no longer monitored.',
        scheduledStartDateTime: { dateTime: '2030-01-01T09:00:00', timeZone: 'UTC' },
        scheduledEndDateTime: { dateTime: '2030-03-01T09:00:00', timeZone: 'UTC' },
      };
      await d.actions.setAutoReply(u.id, reply);
      expect(sim.state.mailbox(u.id)!.autoReply).toMatchObject({ state: 'Scheduled', internalMessage: reply.internalReplyMessage, externalMessage: reply.externalReplyMessage });
      expect(await d.actions.getAutoReply(u.id)).toMatchObject({ status: 'scheduled', internalReplyMessage: reply.internalReplyMessage });
      await d.actions.setAutoReply(u.id, { status: 'disabled', internalReplyMessage: '', externalReplyMessage: '' });
      expect(sim.state.mailbox(u.id)!.autoReply.state).toBe('Disabled');
    });

    it('lists and deletes inbox rules', async () => {
      const u = person((x) => sim.state.personal(x.id).rules.length > 0);
      const rules = await d.actions.listInboxRules(u.id);
      expect(rules.map((r) => r.id)).toEqual(state(u).inboxRules.map((r) => r.id));
      for (const r of rules) await d.actions.deleteInboxRule(u.id, r.id);
      expect(state(u).inboxRules).toEqual([]);
    });

    it('lists and removes mobile device partnerships', async () => {
      const u = person((x) => sim.state.mobileDevicesOf(x.id).length > 0);
      const devices = await d.actions.listMobileDevices(u.userPrincipalName);
      expect(devices).toHaveLength(state(u).mobileDevices.length);
      for (const m of devices) await d.actions.removeMobileDevice(m.id);
      expect(state(u).mobileDevices).toEqual([]);
    });
  });

  describe('calendar, OneDrive, devices', () => {
    it('lists future meetings the person organises and cancels them with a message to attendees', async () => {
      const u = person((x) => sim.state.personal(x.id).events.some((e) => e.isOrganizer && Date.parse(String((e.start as { dateTime: string }).dateTime) + 'Z') > Date.now()));
      const events = await d.actions.listOrganizedEvents(u.id, new Date());
      expect(events.length).toBeGreaterThan(0);
      for (const e of events) await d.actions.cancelEvent(u.id, e.id, 'The organiser has left the company.');
      expect(sim.state.cancelledEvents.filter((c) => c.userId === u.id).map((c) => c.eventId).sort()).toEqual(events.map((e) => e.id).sort());
      expect(sim.state.cancelledEvents.find((c) => c.userId === u.id)!.comment).toBe('The organiser has left the company.');
      expect(await d.actions.listOrganizedEvents(u.id, new Date())).toEqual([]);
    });

    it('gives the manager edit access to the whole OneDrive, without an invitation mail', async () => {
      const u = person((x) => x.hasOneDrive);
      const manager = sim.findUser(u.managerId!)!;
      const drive = await d.actions.getDrive(u.id);
      expect(drive?.id).toBe(state(u).drive!.id);
      const ids = await d.actions.grantDriveAccess(drive!.id, manager.mail!);
      expect(ids).toHaveLength(1);
      const granted = state(u).drive!.permissions.find((p) => p.id === ids[0]) as { roles: string[] } | undefined;
      expect(granted?.roles).toEqual(['write']);
      const noDrive = sim.users().find((x) => x.kind === 'person' && !x.hasOneDrive);
      if (noDrive) expect(await d.actions.getDrive(noDrive.id)).toBeNull();
    });

    it('lists Intune devices and wipes one, retires another', async () => {
      const u = person((x) => sim.state.managedDevicesOf(x.id).length >= 2);
      const devices = await d.actions.listManagedDevices(u.id);
      expect(devices.map((x) => x.id).sort()).toEqual(state(u).managedDevices.map((x) => x.id).sort());
      await d.actions.wipeDevice(devices[0]!.id);
      await d.actions.retireDevice(devices[1]!.id);
      const after = new Map(state(u).managedDevices.map((x) => [x.id, x.managementState]));
      expect(after.get(devices[0]!.id)).toBe('wipePending');
      expect(after.get(devices[1]!.id)).toBe('retirePending');
      const seq = sim.mutations().filter((m) => m.path?.endsWith('/wipe')).at(-1)!;
      expect(seq.parameters).toEqual({ keepEnrollmentData: false, keepUserData: false });
    });
  });

  describe('batches and read-after-write', () => {
    it('sends many requests as $batch of 20 and reports each answer', async () => {
      const people = sim.users().filter((x) => x.kind === 'person' && !x.onPremisesSyncEnabled).slice(0, 45);
      const seq = sim.mutations().length;
      const results = await d.actions.batch(people.map((p) => ({ method: 'PATCH' as const, url: `/users/${p.id}`, body: { jobTitle: 'Batched' } })));
      expect(results.map((r) => r.status)).toEqual(people.map(() => 204));
      expect(people.every((p) => sim.findUser(p.id)!.jobTitle === 'Batched')).toBe(true);
      const batches = new Set(mutationsSince(seq).map((m) => m.batch?.requestId));
      expect(batches.size).toBe(3); // 20 + 20 + 5
    });

    it('reads back a just-written object despite the replication delay', async () => {
      sim.configure({ consistencyDelayMs: 600 });
      try {
        const fresh = sim.admin.addUser({ displayName: 'Just Created' });
        await expect(d.actions.getUser(fresh.id)).rejects.toMatchObject({ status: 404 });
        const read = (await d.actions.readBack(`/users/${fresh.id}`)) as { id: string };
        expect(read.id).toBe(fresh.id);
      } finally {
        sim.configure({ consistencyDelayMs: 0 });
      }
    });
  });
});
