import type { Simulator } from '../../server/simulator/simulator.js';
import { exchangeClient, expectExchangeError, graphClient, startTestSimulator, type GraphClient } from './helpers.js';

/** The Exchange Online admin API (InvokeCommand) over the same tenant state as Graph. */
describe('simulated Exchange Online admin API', () => {
  let sim: Simulator;
  let exo: Awaited<ReturnType<typeof exchangeClient>>;
  let graph: GraphClient;
  beforeAll(async () => {
    sim = await startTestSimulator({ seed: 'exchange' });
    exo = await exchangeClient(sim);
    graph = await graphClient(sim);
  });
  afterAll(() => sim?.close());

  const mailboxUser = (test: (id: string) => boolean = () => true) => sim.users().find((u) => u.kind === 'person' && sim.state.mailboxes.has(u.id) && !u.onPremisesSyncEnabled && test(u.id))!;

  it('needs an app-only token for outlook.office365.com with Exchange.ManageAsApp', async () => {
    const url = `${sim.url}/adminapi/beta/${sim.tenant.id}/InvokeCommand`;
    const body = JSON.stringify({ CmdletInput: { CmdletName: 'Get-Mailbox', Parameters: {} } });
    expect((await fetch(url, { method: 'POST', body })).status).toBe(401);
    const graphToken = await sim.appToken('graph');
    expect((await fetch(url, { method: 'POST', body, headers: { authorization: `Bearer ${graphToken}` } })).status).toBe(401);
    const noRole = sim.registerApp({ displayName: 'Graph only', roles: ['User.Read.All'] });
    const other = await exchangeClient(sim, noRole);
    const r = await other.invoke('Get-Mailbox');
    expect(r.status).toBe(403);
  });

  it('gets a mailbox by UPN, alias or object id, as the REST module receives it', async () => {
    const u = mailboxUser();
    const r = await exo.invoke('Get-Mailbox', { Identity: u.userPrincipalName });
    expect(r.status).toBe(200);
    expect(r.body['@odata.context']).toContain('$metadata#Collection(Exchange.GenericHashTable)');
    expect(r.body.value).toHaveLength(1);
    expect(r.body.value[0]).toMatchObject({
      UserPrincipalName: u.userPrincipalName,
      ExternalDirectoryObjectId: u.id,
      RecipientTypeDetails: 'UserMailbox',
      HiddenFromAddressListsEnabled: false,
      DeliverToMailboxAndForward: expect.any(Boolean),
      ProhibitSendQuota: expect.stringMatching(/^\d+(\.\d+)? GB \([\d,]+ bytes\)$/),
    });
    expect((await exo.invoke('Get-Mailbox', { Identity: u.mailNickname })).body.value[0].ExternalDirectoryObjectId).toBe(u.id);
    expect((await exo.invoke('Get-Mailbox', { Identity: u.id })).body.value[0].ExternalDirectoryObjectId).toBe(u.id);
  });

  it('answers errors as Exchange does: not found, ambiguous names, unknown cmdlets and parameters, missing mandatory ones', async () => {
    expectExchangeError(await exo.invoke('Get-Mailbox', { Identity: 'nobody@contoso.com' }), 404, 'ManagementObjectNotFoundException', /couldn't be found on/);
    const names = new Map<string, number>();
    for (const u of sim.users()) if (sim.state.mailboxes.has(u.id)) names.set(u.displayName, (names.get(u.displayName) ?? 0) + 1);
    const dup = [...names].find(([, n]) => n > 1)?.[0];
    if (dup) expectExchangeError(await exo.invoke('Get-Mailbox', { Identity: dup }), 400, 'ManagementObjectAmbiguousException', /matches multiple entries/);
    expectExchangeError(await exo.invoke('Get-Mailboxes'), 400, 'CommandNotFoundException');
    expectExchangeError(await exo.invoke('Get-Mailbox', { Colour: 'blue' }), 400, 'ParameterBindingException', /A parameter cannot be found that matches parameter name 'Colour'/);
    expectExchangeError(await exo.invoke('Set-Mailbox', { Type: 'Shared' }), 400, 'ParameterBindingException', /missing mandatory parameters: Identity/);
    expectExchangeError(await exo.invoke('Set-Mailbox', { Identity: mailboxUser().id, Type: 'Public' }), 400, 'ParameterBindingException', /ValidateSet/);
  });

  it('pages Get-Mailbox -ResultSize Unlimited with Prefer: odata.maxpagesize and @odata.nextLink (same body POSTed again)', async () => {
    const total = sim.state.mailboxes.size;
    const seen: string[] = [];
    let url: string | undefined;
    let first = true;
    do {
      const r = await exo.invoke('Get-Mailbox', { ResultSize: 'Unlimited' }, { url, headers: { Prefer: 'odata.maxpagesize=40' } });
      expect(r.status).toBe(200);
      seen.push(...r.body.value.map((m: any) => m.ExternalDirectoryObjectId));
      url = r.body['@odata.nextLink'];
      if (first) expect(url).toBeDefined();
      first = false;
    } while (url);
    expect(new Set(seen).size).toBe(total);
    const shared = await exo.invoke('Get-Mailbox', { RecipientTypeDetails: 'SharedMailbox', ResultSize: 'Unlimited' });
    expect(shared.body.value.length).toBeGreaterThanOrEqual(3);
    expect(shared.body.value.every((m: any) => m.RecipientTypeDetails === 'SharedMailbox')).toBe(true);
  });

  it('reports mailbox size with Get-MailboxStatistics (some mailboxes near 50 GB)', async () => {
    const big = [...sim.state.mailboxes.values()].find((m) => m.sizeBytes > 48 * 1024 ** 3)!;
    expect(big).toBeDefined();
    const r = await exo.invoke('Get-MailboxStatistics', { Identity: big.userId });
    expect(r.body.value[0]).toMatchObject({ TotalItemSize: expect.stringMatching(/^4[89](\.\d+)? GB \([\d,]+ bytes\)$/), ItemCount: big.itemCount, MailboxTypeDetail: big.type });
  });

  it('converts to a shared mailbox, hides it and forwards mail: one state, seen by Graph too', async () => {
    const u = mailboxUser();
    const set = await exo.invoke('Set-Mailbox', { Identity: u.userPrincipalName, Type: 'Shared', HiddenFromAddressListsEnabled: true, ForwardingSmtpAddress: 'manager@contoso.com', DeliverToMailboxAndForward: true });
    expect(set.status).toBe(200);
    expect(set.body.value).toEqual([]);
    const m = (await exo.invoke('Get-Mailbox', { Identity: u.id })).body.value[0];
    expect(m).toMatchObject({ RecipientTypeDetails: 'SharedMailbox', HiddenFromAddressListsEnabled: true, ForwardingSmtpAddress: 'smtp:manager@contoso.com', DeliverToMailboxAndForward: true });
    expect((await graph.get(`/users/${u.id}/mailboxSettings?$select=userPurpose`)).body.userPurpose).toBe('shared');
    expect((await graph.get(`/users/${u.id}?$select=showInAddressList`)).body.showInAddressList).toBe(false);
    const same = await exo.invoke('Set-Mailbox', { Identity: u.id, Type: 'Shared' });
    expect(same.body['@adminapi.warnings']).toEqual([expect.stringContaining('no settings of')]);
    await exo.invoke('Set-Mailbox', { Identity: u.id, ForwardingSmtpAddress: null });
    expect(sim.state.mailboxes.get(u.id)!.forwardingSmtpAddress).toBeNull();
    expect(sim.mutations().filter((e) => e.service === 'exchange').at(-1)).toMatchObject({ cmdlet: 'Set-Mailbox', status: 200, parameters: { Identity: u.id, ForwardingSmtpAddress: null } });
  });

  it('sets automatic replies with Set-MailboxAutoReplyConfiguration, visible in Graph mailboxSettings', async () => {
    const u = mailboxUser((id) => sim.state.mailboxes.get(id)!.type === 'UserMailbox');
    const r = await exo.invoke('Set-MailboxAutoReplyConfiguration', {
      Identity: u.userPrincipalName,
      AutoReplyState: 'Scheduled',
      InternalMessage: 'Gone',
      ExternalMessage: 'Gone',
      ExternalAudience: 'All',
      StartTime: '2030-05-01T09:00:00Z',
      EndTime: '2030-06-01T09:00:00Z',
    });
    expect(r.status).toBe(200);
    const g = await graph.get(`/users/${u.id}/mailboxSettings`);
    expect(g.body.automaticRepliesSetting).toMatchObject({ status: 'scheduled', externalAudience: 'all', internalReplyMessage: 'Gone', scheduledStartDateTime: { dateTime: '2030-05-01T09:00:00.0000000' } });
    const back = await exo.invoke('Get-MailboxAutoReplyConfiguration', { Identity: u.id });
    expect(back.body.value[0]).toMatchObject({ AutoReplyState: 'Scheduled', ExternalAudience: 'All' });
  });

  it('grants, lists and removes full access; like Exchange, listing needs the mailbox', async () => {
    const sharedBox = [...sim.state.mailboxes.values()].find((m) => m.type === 'SharedMailbox' && sim.state.fullAccess.on(m.userId).length)!;
    const [holder] = sim.state.fullAccess.on(sharedBox.userId)[0]!;
    const holderUpn = sim.findUser(holder)!.userPrincipalName;
    const list = await exo.invoke('Get-MailboxPermission', { Identity: sharedBox.userId });
    expect(list.body.value[0]).toMatchObject({ User: 'NT AUTHORITY\\SELF', AccessRights: ['FullAccess', 'ReadPermission'], IsInherited: false });
    expect(list.body.value).toContainEqual(expect.objectContaining({ User: holderUpn, AccessRights: ['FullAccess'], Deny: false }));
    expectExchangeError(await exo.invoke('Get-MailboxPermission', {}), 400, 'ParameterBindingException', /mandatory parameters: Identity/);
    expectExchangeError(await exo.invoke('Get-MailboxPermission', { User: holderUpn }), 400, 'ParameterBindingException', /mandatory parameters: Identity/);
    const held = await exo.invoke('Get-MailboxPermission', { Identity: sharedBox.userId, User: holderUpn });
    expect(held.body.value).toEqual([expect.objectContaining({ Identity: sim.findUser(sharedBox.userId)!.mailNickname, User: holderUpn, AccessRights: ['FullAccess'] })]);
    const manager = mailboxUser((id) => id !== holder);
    const add = await exo.invoke('Add-MailboxPermission', { Identity: sharedBox.userId, User: manager.userPrincipalName, AccessRights: 'FullAccess', AutoMapping: false });
    expect(add.body.value[0]).toMatchObject({ User: manager.userPrincipalName, AccessRights: ['FullAccess'] });
    expect(sim.state.fullAccess.get(sharedBox.userId, manager.id)).toEqual({ accessRights: ['FullAccess'], autoMapping: false });
    expect((await exo.invoke('Remove-MailboxPermission', { Identity: sharedBox.userId, User: holderUpn, AccessRights: ['FullAccess'], Confirm: false })).status).toBe(200);
    expect(sim.state.fullAccess.get(sharedBox.userId, holder)).toBeUndefined();
    const again = await exo.invoke('Remove-MailboxPermission', { Identity: sharedBox.userId, User: holderUpn, AccessRights: ['FullAccess'], Confirm: false });
    expect(again.body['@adminapi.warnings'][0]).toMatch(/because the ACE doesn't exist/);
  });

  it('lists and removes Send As with the recipient permission cmdlets, by trustee across mailboxes', async () => {
    const { target, trustee } = sim.state.sendAs.all()[0]!;
    const upn = sim.findUser(trustee)!.userPrincipalName;
    const byTrustee = await exo.invoke('Get-RecipientPermission', { Trustee: upn });
    expect(byTrustee.body.value).toContainEqual(expect.objectContaining({ Identity: sim.findUser(target)!.mailNickname, Trustee: upn, AccessRights: ['SendAs'], AccessControlType: 'Allow' }));
    expect((await exo.invoke('Remove-RecipientPermission', { Identity: target, Trustee: upn, AccessRights: 'SendAs', Confirm: false })).status).toBe(200);
    expect(sim.state.sendAs.get(target, trustee)).toBeUndefined();
  });

  it('lists and removes calendar permissions on "mailbox:\\Calendar"', async () => {
    const { target, trustee } = sim.state.folderGrants.all()[0]!;
    const owner = sim.findUser(target.split(':')[0]!)!;
    const who = sim.findUser(trustee)!;
    expectExchangeError(await exo.invoke('Get-MailboxFolderPermission', { User: who.userPrincipalName }), 400, 'ParameterBindingException', /mandatory parameters: Identity/);
    const held = await exo.invoke('Get-MailboxFolderPermission', { Identity: `${owner.userPrincipalName}:\\Calendar`, User: who.userPrincipalName });
    expect(held.body.value).toEqual([expect.objectContaining({ Identity: `${owner.mailNickname}:\\Calendar`, User: who.displayName })]);
    const list = await exo.invoke('Get-MailboxFolderPermission', { Identity: `${owner.userPrincipalName}:\\Calendar` });
    expect(list.body.value.slice(0, 2).map((e: any) => e.User)).toEqual(['Default', 'Anonymous']);
    expect(list.body.value).toContainEqual(expect.objectContaining({ User: who.displayName, FolderName: 'Calendar' }));
    expect((await exo.invoke('Remove-MailboxFolderPermission', { Identity: `${owner.userPrincipalName}:\\Calendar`, User: who.userPrincipalName, Confirm: false })).status).toBe(200);
    expectExchangeError(await exo.invoke('Remove-MailboxFolderPermission', { Identity: `${owner.userPrincipalName}:\\Calendar`, User: who.userPrincipalName }), 404, 'UserNotFoundInPermissionEntryException');
    expectExchangeError(await exo.invoke('Remove-MailboxFolderPermission', { Identity: `${owner.userPrincipalName}:\\Calendar`, User: 'Default' }), 400, 'Exception');
  });

  it('lists and changes distribution list members (Graph sees the same members), with Exchange\'s refusals', async () => {
    const dl = sim.state.groupOrder.find((g) => g.mailEnabled && !g.securityEnabled && !g.groupTypes.length && !g.onPremisesSyncEnabled)!;
    const groups = await exo.invoke('Get-DistributionGroup', { ResultSize: 'Unlimited' });
    expect(groups.body.value.map((g: any) => g.ExternalDirectoryObjectId)).toContain(dl.id);
    expect(groups.body.value.every((g: any) => /^MailUniversal(Distribution|Security)Group$/.test(g.RecipientTypeDetails))).toBe(true);
    const members = await exo.invoke('Get-DistributionGroupMember', { Identity: dl.mail, ResultSize: 'Unlimited' });
    expect(members.body.value.map((m: any) => m.ExternalDirectoryObjectId).sort()).toEqual([...dl.members].sort());
    const leaver = sim.findUser([...dl.members][0]!)!;
    expectExchangeError(await exo.invoke('Remove-DistributionGroupMember', { Identity: dl.mail, Member: leaver.userPrincipalName }), 400, 'RecipientTaskException', /manager of the group/);
    expect((await exo.invoke('Remove-DistributionGroupMember', { Identity: dl.mail, Member: leaver.userPrincipalName, BypassSecurityGroupManagerCheck: true, Confirm: false })).status).toBe(200);
    expect(dl.members.has(leaver.id)).toBe(false);
    const viaGraph = await graph.all(`/groups/${dl.id}/members?$select=id`);
    expect(viaGraph.items.map((m) => m.id)).not.toContain(leaver.id);
    expectExchangeError(await exo.invoke('Remove-DistributionGroupMember', { Identity: dl.mail, Member: leaver.userPrincipalName, BypassSecurityGroupManagerCheck: true }), 400, 'MemberNotFoundException');
    expect((await exo.invoke('Add-DistributionGroupMember', { Identity: dl.displayName, Member: leaver.id, BypassSecurityGroupManagerCheck: true })).status).toBe(200);
    expectExchangeError(await exo.invoke('Add-DistributionGroupMember', { Identity: dl.mail, Member: leaver.id, BypassSecurityGroupManagerCheck: true }), 400, 'MemberAlreadyExistsException');
    const synced = sim.state.groupOrder.find((g) => g.mailEnabled && g.onPremisesSyncEnabled)!;
    expectExchangeError(await exo.invoke('Remove-DistributionGroupMember', { Identity: synced.mail, Member: [...synced.members][0] ?? leaver.id, BypassSecurityGroupManagerCheck: true }), 400, 'RecipientTaskException', /synchronized from your on-premises organization/);
  });

  it('lists and removes mobile devices', async () => {
    const d = [...sim.state.mobileDevices.values()][0]!;
    const list = await exo.invoke('Get-MobileDevice', { Mailbox: d.userId });
    const row = list.body.value.find((x: any) => x.Guid === d.guid);
    expect(row).toMatchObject({ DeviceId: d.deviceId, DeviceType: d.deviceType, ClientType: d.clientType, Identity: expect.stringContaining('\\ExchangeActiveSyncDevices\\') });
    expect((await exo.invoke('Remove-MobileDevice', { Identity: row.Identity, Confirm: false })).status).toBe(200);
    expect(sim.state.mobileDevices.has(d.guid)).toBe(false);
    expectExchangeError(await exo.invoke('Remove-MobileDevice', { Identity: row.Identity }), 404, 'ManagementObjectNotFoundException');
  });

  it('projects properties with $select on the URL', async () => {
    const u = mailboxUser();
    const r = await exo.invoke('Get-Mailbox', { Identity: u.id }, { url: `${sim.url}/adminapi/beta/${sim.tenant.defaultDomain}/InvokeCommand?$select=Alias,RecipientTypeDetails` });
    expect(Object.keys(r.body.value[0])).toEqual(['Alias', 'RecipientTypeDetails']);
  });
});
