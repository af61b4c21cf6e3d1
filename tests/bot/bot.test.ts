import { DIGEST_JOB } from '../../server/conversations/conversations.jobs.js';
import type { Offramp } from '../../server/main.js';
import type { Simulator } from '../../server/simulator/simulator.js';
import type { DirUser } from '../../server/simulator/tenant/model.js';
import { startTestApp } from '../support/app.js';
import { demoUser } from '../support/auth.js';
import { actionsOf, cardText, startConnector, teamsUser, type CardJson, type Connector, type TeamsUser } from '../support/bot.js';
import { json } from '../support/json.js';
import { connectDemoTenant, employeeId, runsUrl, waitForRun } from '../support/offboarding.js';
import { clearChecklist } from '../support/assets.js';
import { makeOrg, type TestOrg } from '../support/orgs.js';

/**
 * The Teams bot over the Bot Framework protocol: activities POSTed to /api/messages over HTTP,
 * the bot's replies, proactive messages and card updates received by a connector stand-in on
 * 127.0.0.1, the offboarding done on the simulated tenant.
 */
describe('the Teams bot', () => {
  let app: Offramp;
  let sim: Simulator;
  let connector: Connector;
  let org: TestOrg;
  let owner: TeamsUser;
  let admin: TeamsUser;
  let manager: TeamsUser;
  let viewer: TeamsUser;
  let tenantRef: string;

  beforeAll(async () => {
    connector = await startConnector();
    app = await startTestApp({ OFFBOARDING_STEP_RETRY_MS: '50' });
    sim = app.simulator!;
    org = await makeOrg(app, 'Bot Co', 0);
    tenantRef = await connectDemoTenant(org);
    owner = teamsUser(app, connector, demoUser(app, 0));
    admin = teamsUser(app, connector, demoUser(app, 1));
    manager = teamsUser(app, connector, demoUser(app, 2), { timeZone: 'America/New_York' });
    viewer = teamsUser(app, connector, demoUser(app, 3));
    for (const u of [owner, admin, manager, viewer]) expect(await u.install()).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await connector?.close();
  });

  /** The next thing the bot says in a person's chat after `from`. */
  const next = (u: TeamsUser, from: number, match: (text: string, card: CardJson | undefined) => boolean = () => true) =>
    connector.waitFor((d) => d.conversationId === u.conversationId && d.verb !== 'update' && match(d.activity.text ?? cardText(d.activity), d.activity.attachments?.[0]?.content), 30_000, from);

  /** A person the default plan can finish for, and not one of the organisation's members. */
  function leaver(): DirUser {
    const members = new Set(sim.users().slice(0, 4).map((u) => u.id));
    return sim.users().find((u) => u.kind === 'person' && !members.has(u.id) && !u.onPremisesSyncEnabled && u.accountEnabled && u.managerId && sim.findUser(u.managerId)?.mail && sim.state.mailbox(u.id) && sim.state.managedDevicesOf(u.id).length > 0)!;
  }

  it('answers help with the commands the sender may use, and anything not understood with help', async () => {
    let from = connector.delivered.length;
    expect(await viewer.say('help')).toBe(200);
    const h = await next(viewer, from);
    const text = cardText(h.activity);
    expect(text).toMatch(/viewer in Bot Co/);
    expect(text).toMatch(/status ‹person | run›/);
    expect(text).not.toMatch(/offboard ‹person›/); // a Viewer cannot start one
    from = connector.delivered.length;
    expect(await viewer.say('please do the thing')).toBe(200);
    expect((await next(viewer, from)).activity.text).toMatch(/did not understand “please do the thing”/);
    expect(cardText((await next(viewer, from, (_t, card) => Boolean(card))).activity)).toMatch(/Here is what you can ask/);
  });

  it('tells a Teams user who is not a member how to join, and a Viewer that offboarding needs another role', async () => {
    const stranger = teamsUser(app, connector, sim.users()[40]!);
    let from = connector.delivered.length;
    expect(await stranger.say('offboard someone now')).toBe(200);
    const reply = await next(stranger, from);
    expect(reply.activity.text).toMatch(/not signed in to Offramp yet.*Sign in at .*\/tabs\//);
    from = connector.delivered.length;
    expect(await viewer.say(`offboard ${leaver().userPrincipalName} now`)).toBe(200);
    expect((await next(viewer, from)).activity.text).toMatch(/`offboard` needs the role Owner, Admin or Manager; you are viewer in Bot Co/);
  });

  it('offboard -> preview -> submit -> approval cards -> approve -> progress card through every step -> completion card with the PDF', async () => {
    const u = leaver();
    // The leaver's manager has the bot too (installed for everyone, say): the manager's notice reaches them there.
    const theirManager = teamsUser(app, connector, sim.findUser(u.managerId!)!);
    expect(await theirManager.install()).toBe(200);
    let from = connector.delivered.length;
    expect(await manager.say(`offboard ${u.userPrincipalName} now`)).toBe(200);
    const preview = await next(manager, from, (_t, card) => cardText(card).includes(`Offboard ${u.displayName}?`));
    const previewCard = preview.activity.attachments![0]!.content;
    const previewText = cardText(previewCard);
    expect(previewText).toContain(`Offboard ${u.displayName}?`);
    expect(previewText).toMatch(/An Admin or Owner approves it first/);
    expect(previewText).toMatch(/1\. Block sign-in/);
    // Exactly what will change: the person's groups are named on the card.
    const groups = sim.userState(u.id)!.memberOf.filter((g) => g.kind !== 'dynamic').map((g) => g.displayName);
    expect(groups.length).toBeGreaterThan(0);
    for (const g of groups.slice(0, 3)) expect(previewText).toContain(g);
    const submit = actionsOf(previewCard).find((a) => a.type === 'Action.Submit')!;
    expect(submit.title).toBe('Ask for approval');
    expect(sim.findUser(u.id)!.accountEnabled).toBe(true); // a preview changes nothing

    from = connector.delivered.length;
    expect(await manager.submit(submit.data!)).toBe(200);
    const progress = await next(manager, from, (t) => /Offboarding .*: Awaiting approval/.test(t));
    const runs = await json(await org.as.admin.fetch(runsUrl(org.id, `?search=${encodeURIComponent(u.userPrincipalName)}&limit=5`)));
    const runId = runs.runs[0].id as string;
    expect(runs.runs[0].state).toBe('awaiting_approval');
    // The approvers (Admin and Owner) get the approval card; the Manager who asked and the Viewer do not.
    const adminCard = await next(admin, from, (t) => t.includes(`Approve the offboarding of ${u.displayName}?`));
    const ownerCard = await next(owner, from, (t) => t.includes(`Approve the offboarding of ${u.displayName}?`));
    expect(connector.delivered.slice(from).filter((d) => d.conversationId === viewer.conversationId)).toEqual([]);
    expect(cardText(adminCard.activity)).toContain(`Asked by\n${demoUser(app, 2).displayName}`);
    const approve = actionsOf(adminCard.activity.attachments![0]!.content).find((a) => a.verb === 'run.approve')!;
    expect(approve.type).toBe('Action.Execute');

    // The Manager may not approve (their role); the card answers with why, and nothing changed.
    const refused = await manager.execute('run.approve', approve.data!);
    expect(refused.status).toBe(200);
    expect(cardText(refused.body.value as CardJson)).toMatch(/Your role \(manager\) in Bot Co cannot do this/);
    expect((await json(await org.as.admin.fetch(runsUrl(org.id, `/${runId}`)))).state).toBe('awaiting_approval');

    const approved = await admin.execute('run.approve', approve.data!);
    expect(approved.status).toBe(200);
    expect(approved.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(cardText(approved.body.value as CardJson)).toMatch(new RegExp(`Approved by ${demoUser(app, 1).displayName}`));
    expect(actionsOf(approved.body.value as CardJson).some((a) => a.verb === 'run.approve')).toBe(false);

    const done = await waitForRun(org.as.admin, org.id, runId, ['succeeded', 'partially_failed', 'failed']);
    expect(done.steps.filter((s) => s.state !== 'succeeded').map((s) => [s.task, s.error])).toEqual([]);
    // The tenant shows the offboarding.
    const st = sim.userState(u.id)!;
    expect(st.user.accountEnabled).toBe(false);
    expect(st.licences).toEqual([]);
    expect(st.mailbox?.type).toBe('SharedMailbox');

    // The progress card was updated in place, step by step, to the end.
    const completion = await next(manager, from, (t) => t.includes(`Offboarding ${u.displayName} is finished`));
    const updates = connector.delivered.filter((d) => d.verb === 'update' && d.conversationId === manager.conversationId && d.activityId === progress.activityId);
    expect(updates.length).toBeGreaterThanOrEqual(3);
    const last = cardText(updates.at(-1)!.activity);
    expect(last).toMatch(/: Succeeded/);
    for (const s of done.steps) expect(last).toContain(s.title);
    expect(last).toMatch(/all \d+ steps succeeded/);
    expect(updates.some((d) => /Running/.test(cardText(d.activity)))).toBe(true);
    // The owner's copy of the approval card now says who decided.
    const ownerUpdate = await connector.waitFor((d) => d.verb === 'update' && d.conversationId === owner.conversationId && d.activityId === ownerCard.activityId && /Approved by/.test(cardText(d.activity)));
    expect(actionsOf(ownerUpdate.activity.attachments![0]!.content).some((a) => a.verb === 'run.approve')).toBe(false);
    // The completion card links the compliance report, whose bytes are a PDF.
    const pdf = actionsOf(completion.activity.attachments![0]!.content).find((a) => a.title === 'PDF report')!;
    expect(pdf.url).toBe(`${app.publicUrl}/api/v1/orgs/${org.id}/offboarding/runs/${runId}/report.pdf`);
    const bytes = Buffer.from(await (await org.as.viewer.fetch(new URL(pdf.url!).pathname)).arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');

    // The manager's notice was delivered to their chat, once, and marked delivered.
    const notice = await next(theirManager, from, (t) => t.includes(`${u.displayName} has been offboarded`));
    expect(notice.activity.text).toContain(`/tabs/offboardings/${runId}`);
    const { rows } = await app.store.pool.query('SELECT delivered_at FROM notifications WHERE org_id = $1 AND key = $2', [org.id, `run:${runId}:manager`]);
    expect(rows[0].delivered_at).toBeInstanceOf(Date);
    await new Promise((r) => setTimeout(r, 500));
    expect(connector.delivered.filter((d) => d.conversationId === theirManager.conversationId && (d.activity.text ?? '').includes('has been offboarded'))).toHaveLength(1);

    // status names the run's steps.
    from = connector.delivered.length;
    expect(await viewer.say(`status ${u.userPrincipalName}`)).toBe(200);
    expect(cardText((await next(viewer, from)).activity)).toMatch(/: Succeeded/);
  }, 120_000);

  it('completing a person\'s checklist tells their manager in the manager\'s chat with the bot', async () => {
    const members = new Set(sim.users().slice(0, 4).map((x) => x.id));
    const first = leaver();
    const u = sim.users().find((x) => x.kind === 'person' && x.id !== first.id && x.managerId !== first.managerId && !members.has(x.id) && x.managerId && !members.has(x.managerId) && sim.findUser(x.managerId)?.mail)!;
    const theirManager = teamsUser(app, connector, sim.findUser(u.managerId!)!);
    expect(await theirManager.install()).toBe(200);
    const id = await employeeId(app, org.id, u.id);
    await clearChecklist(app, org, tenantRef, id);
    const from = connector.delivered.length;
    const res = await org.as.manager.fetch(`/api/v1/orgs/${org.id}/people/${id}/complete`, { method: 'POST', json: {} });
    expect(res.status).toBe(200);
    const notice = await next(theirManager, from, (t) => t.includes(`${u.displayName} is offboarded`));
    expect(notice.activity.text).toContain(`${app.publicUrl}/tabs/people/${id}`);
    // Marked delivered once the channel took it (just after the message arrived).
    let deliveredAt: unknown = null;
    for (let i = 0; i < 100 && !deliveredAt; i++) {
      const { rows } = await app.store.pool.query('SELECT delivered_at FROM notifications WHERE org_id = $1 AND key = $2', [org.id, `employee:${id}:offboarded`]);
      deliveredAt = rows[0]?.delivered_at ?? null;
      if (!deliveredAt) await new Promise((r) => setTimeout(r, 50));
    }
    expect(deliveredAt).toBeInstanceOf(Date);
  }, 60_000);

  it('reads times in the requester\'s zone, lists runs, and rejects only with a reason', async () => {
    const people = sim.users().filter((x) => x.kind === 'person' && x.accountEnabled && !x.onPremisesSyncEnabled).slice(20, 22);
    const u = people[0]!;
    let from = connector.delivered.length;
    expect(await manager.say(`offboard ${u.userPrincipalName} 2099-01-02 09:30`)).toBe(200);
    const preview = await next(manager, from, (_t, card) => cardText(card).includes(`Offboard ${u.displayName}?`));
    expect(cardText(preview.activity)).toContain('Friday 2 January 2099 at 09:30 (America/New_York)');
    from = connector.delivered.length;
    expect(await manager.submit(actionsOf(preview.activity.attachments![0]!.content)[0]!.data!)).toBe(200);
    const card = await next(admin, from, (t) => t.includes(`Approve the offboarding of ${u.displayName}?`));
    const { runId } = actionsOf(card.activity.attachments![0]!.content).find((a) => a.verb === 'run.reject')!.data as { runId: string };
    const run = await json(await org.as.admin.fetch(runsUrl(org.id, `/${runId}`)));
    expect(run.scheduledAt).toBe('2099-01-02T14:30:00.000Z');

    const noReason = await admin.execute('run.reject', { runId });
    expect(cardText(noReason.body.value as CardJson)).toMatch(/Give a reason to reject/);
    expect((await json(await org.as.admin.fetch(runsUrl(org.id, `/${runId}`)))).state).toBe('awaiting_approval');
    const rejected = await admin.execute('run.reject', { runId, reason: 'Not leaving after all' });
    expect(cardText(rejected.body.value as CardJson)).toMatch(/Rejected by .*: Not leaving after all/);
    expect((await json(await org.as.admin.fetch(runsUrl(org.id, `/${runId}`)))).state).toBe('rejected');

    from = connector.delivered.length;
    expect(await manager.say('offboard nobody-like-this now')).toBe(200);
    expect((await next(manager, from)).activity.text).toMatch(/found nobody matching “nobody-like-this”/);
    from = connector.delivered.length;
    expect(await manager.say(`offboard ${u.userPrincipalName} yesterday-ish`)).toBe(200);
    expect((await next(manager, from)).activity.text).toMatch(/could not read|found nobody/);
    from = connector.delivered.length;
    expect(await manager.say('runs')).toBe(200);
    const list = cardText((await next(manager, from)).activity);
    expect(list).toContain(u.displayName);
    expect(list).toMatch(/Rejected/);
  }, 60_000);

  it('queue lists who leaves soon; `digest on` brings that list every morning at 08:00 local time, once a day', async () => {
    const u = sim.users().filter((x) => x.kind === 'person' && x.accountEnabled).at(-5)!;
    await app.store.pool.query("UPDATE employees SET leave_date = now() + interval '3 days' WHERE org_id = $1 AND object_id = $2", [org.id, u.id]);
    let from = connector.delivered.length;
    expect(await manager.say('queue 7')).toBe(200);
    const queueCard = cardText((await next(manager, from)).activity);
    expect(queueCard).toContain('Leaving in the next 7 days');
    expect(queueCard).toContain(u.displayName);
    from = connector.delivered.length;
    expect(await manager.say('queue many')).toBe(200);
    expect((await next(manager, from)).activity.text).toMatch(/from 1 to 365/);

    from = connector.delivered.length;
    expect(await manager.say('digest on')).toBe(200);
    expect((await next(manager, from)).activity.text).toMatch(/every morning at 08:00 \(America\/New_York\)/);
    expect(await app.conversations.get(manager.conversationId)).toMatchObject({ digest: true, timeZone: 'America/New_York' });
    // A zone where it is past 08:00 now, so that today's digest is due whatever the hour of this test.
    const zone = Array.from({ length: 27 }, (_, i) => `Etc/GMT${i - 14 >= 0 ? '+' : '-'}${Math.abs(i - 14)}`.replace('GMT-0', 'GMT'))
      .find((z) => { const h = Number(new Intl.DateTimeFormat('en-GB', { timeZone: z, hour: 'numeric', hourCycle: 'h23' }).format(new Date())); return h >= 8 && h <= 22; })!;
    await app.store.pool.query('UPDATE bot_conversations SET time_zone = $1 WHERE conversation_id = $2', [zone, manager.conversationId]);
    from = connector.delivered.length;
    await app.jobs.now(DIGEST_JOB, {});
    const digest = await connector.waitFor((d) => d.conversationId === manager.conversationId && d.verb !== 'update' && cardText(d.activity).includes('Good morning: leaving Bot Co in the next 7 days'), 30_000, from);
    expect(cardText(digest.activity)).toContain(u.displayName);
    await connector.waitFor(() => false, 300).catch(() => undefined);
    const row = await app.conversations.get(manager.conversationId);
    expect(row!.digestSentOn).not.toBeNull();
    // Once a day: the next pass sends nothing.
    const sent = connector.delivered.length;
    await app.jobs.now(DIGEST_JOB, {});
    await new Promise((r) => setTimeout(r, 1_500));
    expect(connector.delivered.slice(sent).filter((d) => d.conversationId === manager.conversationId)).toEqual([]);
    from = connector.delivered.length;
    expect(await manager.say('digest off')).toBe(200);
    expect((await next(manager, from)).activity.text).toMatch(/no more daily digest/);
    expect(await app.conversations.get(manager.conversationId)).toMatchObject({ digest: false });
  }, 60_000);

  it('a failing step ends in a failure card naming it, with Retry; retried from the card, the run finishes', async () => {
    const u = sim.users().filter((x) => x.kind === 'person' && x.accountEnabled && !x.onPremisesSyncEnabled && sim.state.mailbox(x.id)?.type === 'UserMailbox' && x.managerId && sim.findUser(x.managerId)?.mail).at(-10)!;
    let from = connector.delivered.length;
    expect(await manager.say(`offboard ${u.userPrincipalName} now`)).toBe(200);
    const preview = await next(manager, from, (_t, card) => cardText(card).includes(`Offboard ${u.displayName}?`));
    from = connector.delivered.length;
    expect(await manager.submit(actionsOf(preview.activity.attachments![0]!.content)[0]!.data!)).toBe(200);
    const card = await next(admin, from, (t) => t.includes(`Approve the offboarding of ${u.displayName}?`));
    const { runId } = actionsOf(card.activity.attachments![0]!.content).find((a) => a.verb === 'run.approve')!.data as { runId: string };
    sim.configure({ faults: { rate: 1, kinds: ['503'], match: 'Set-Mailbox', services: ['exchange'], retryAfterSeconds: 0 } });
    try {
      expect((await admin.execute('run.approve', { runId })).status).toBe(200);
      await waitForRun(org.as.admin, org.id, runId, ['partially_failed', 'failed']);
      const failure = await next(manager, from, (t) => t.includes(`Offboarding ${u.displayName} needs attention`));
      const text = cardText(failure.activity);
      expect(text).toContain('Convert mailbox to shared');
      expect(text).toMatch(/Microsoft 365/);
      expect(text).not.toContain('Block sign-in'); // only the failed steps are listed
      expect(actionsOf(failure.activity.attachments![0]!.content).map((a) => a.verb ?? a.title)).toContain('run.retry');
    } finally {
      sim.configure({ faults: null });
    }
    from = connector.delivered.length;
    const retried = await admin.execute('run.retry', { runId });
    expect(retried.status).toBe(200);
    expect(cardText(retried.body.value as CardJson)).toMatch(/Offboarding .*: Running/);
    await waitForRun(org.as.admin, org.id, runId, ['succeeded']);
    await next(manager, from, (t) => t.includes(`Offboarding ${u.displayName} is finished`));
  }, 90_000);

  it('a name that matches several people gets a choice card; choosing one shows that person\'s preview', async () => {
    const byFirst = new Map<string, DirUser[]>();
    for (const x of sim.users().filter((p) => p.kind === 'person' && p.accountEnabled)) {
      const first = x.displayName.split(' ')[0]!;
      byFirst.set(first, [...(byFirst.get(first) ?? []), x]);
    }
    // A first name shared by a few people, which no other name or address contains (the search's 8 fit on the card).
    const containing = (w: string) => sim.users().filter((p) => p.displayName.toLowerCase().includes(w.toLowerCase()) || p.userPrincipalName.toLowerCase().includes(w.toLowerCase()));
    const [first, people] = [...byFirst].find(([w, v]) => v.length >= 2 && w.length >= 4 && containing(w).length === v.length && v.length <= 8)!;
    let from = connector.delivered.length;
    expect(await manager.say(`offboard ${first} tomorrow 9:00`)).toBe(200);
    const choice = await next(manager, from);
    const card = choice.activity.attachments![0]!.content;
    expect(cardText(card)).toContain(`“${first}” matches`);
    const buttons = actionsOf(card);
    for (const p of people) expect(buttons.some((b) => b.title.includes(p.userPrincipalName))).toBe(true);
    const pick = buttons.find((b) => b.title.includes(people[1]!.userPrincipalName))!;
    from = connector.delivered.length;
    expect(await manager.submit(pick.data!)).toBe(200);
    const preview = cardText((await next(manager, from)).activity);
    expect(preview).toContain(`Offboard ${people[1]!.displayName}?`);
    expect(preview).toMatch(/at 09:00 \(America\/New_York\)/);
  });

  it('answers in a team channel when @mentioned, and records the team conversation on install', async () => {
    const channelId = '19:it-team-general@thread.tacv2';
    const inChannel = (extra: Record<string, unknown>) => ({
      ...admin.activity(extra),
      conversation: { id: channelId, conversationType: 'channel', tenantId: sim.tenant.id, isGroup: true },
      channelData: { tenant: { id: sim.tenant.id }, team: { id: '19:it-team@thread.tacv2' }, channel: { id: channelId } },
    });
    expect((await admin.post(inChannel({ type: 'installationUpdate', action: 'add' }))).status).toBe(200);
    expect(await app.conversations.get(channelId)).toMatchObject({ kind: 'channel', userObjectId: null, orgId: org.id });
    const from = connector.delivered.length;
    const res = await admin.post(
      inChannel({ type: 'message', text: '<at>Offramp</at> runs', entities: [{ type: 'mention', text: '<at>Offramp</at>', mentioned: { id: '28:offramp-bot', name: 'Offramp' } }] }),
    );
    expect(res.status).toBe(200);
    const reply = await connector.waitFor((d) => d.conversationId === channelId && cardText(d.activity).includes('Offboarding runs in Bot Co'), 30_000, from);
    expect(reply.verb).toBe('reply');
  });

  it('forgets a conversation when the bot is uninstalled: nothing more is sent there', async () => {
    const person = teamsUser(app, connector, demoUser(app, 3));
    expect(await app.conversations.get(person.conversationId)).not.toBeNull();
    expect(await person.uninstall()).toBe(200);
    expect(await app.conversations.get(person.conversationId)).toBeNull();
    expect(await person.install()).toBe(200);
    expect(await app.conversations.get(person.conversationId)).not.toBeNull();
  });
});
