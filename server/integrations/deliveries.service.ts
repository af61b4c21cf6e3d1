import { randomInt, randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { SecretBox } from '../crypto/envelope.js';
import type { Db } from '../db/store.js';
import { UserError } from '../errors.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { Logger } from '../log.js';
import { employees, tenants } from '../m365/m365.schema.js';
import { notifications } from '../notifications/notifications.schema.js';
import { members, users } from '../orgs/orgs.schema.js';
import { RETRY_SCHEDULE_S, type Delivery, type DeliveryAttempt, type Trigger } from './contract.js';
import type { RunEventData } from './events.js';
import { deliveryAttempts, integrationRules, orgEvents, queueNotices, serviceNowRecords, webhookDeliveries, type RuleSecrets } from './integrations.schema.js';
import { buildRequest, type EventFacts } from './messages.js';
import { BlockedTarget, safeSend, type SendPolicy } from './safe-http.js';

/**
 * Deliveries: events become one delivery per matching rule (the dispatcher), and each delivery
 * is sent by a job, attempt after attempt on the retry schedule, until a 2xx or the schedule
 * ends. The row is the truth: a job claims its delivery (a short lock in the row) before sending,
 * so a duplicate job or the sweeper cannot send the same attempt twice, and a delivery whose
 * job was lost (a crash between writing the row and queueing the job) is found by the sweeper.
 */

export const DISPATCH_JOB = 'integrations.dispatch';
export const DELIVER_JOB = 'integrations.deliver';
export const SWEEP_JOB = 'integrations.sweep';
export const QUEUE_SCAN_JOB = 'integrations.queue-scan';

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

const DAY = 86_400_000;
const DISABLE_AFTER_MS = 5 * DAY;
const CLAIM_MS = 60_000;

type RuleRow = typeof integrationRules.$inferSelect;
type DeliveryRow = typeof webhookDeliveries.$inferSelect;

export interface DeliveriesDeps {
  db: Db;
  box: SecretBox;
  jobs: JobQueue;
  log: Logger;
  clock: Clock;
  policy: SendPolicy;
  publicUrl: string;
}

export const sealedFor = (ruleId: string) => `integration-rule:${ruleId}`;

/** A `webhook-id`: made once per delivery, kept across its attempts and replays. */
const newMessageId = () => `msg_${randomUUID().replace(/-/g, '')}`;

/** ±10 % around the schedule's delay, so that many failing deliveries do not retry in step. */
const jittered = (seconds: number) => Math.round(seconds * 1000 * (0.9 + randomInt(0, 201) / 1000));

/** An event's facts as the messages need them (the tenant's name looked up, links made absolute). */
async function factsOf(db: Db, publicUrl: string, type: string, data: Record<string, unknown>): Promise<EventFacts> {
  if (type === 'user.offboarded') {
    const d = data as { employee: EventFacts['employee']; tenant: { displayName: string }; completedBy: { name: string } };
    return { employee: d.employee, tenant: { displayName: d.tenant.displayName }, actor: d.completedBy.name, link: `${publicUrl}/tabs/people/${d.employee.id}` };
  }
  const d = data as unknown as RunEventData;
  const [t] = await db.select({ name: tenants.displayName }).from(tenants).where(eq(tenants.id, d.tenantRef));
  return { employee: d.employee, tenant: t ? { displayName: t.name } : undefined, run: d.run, actor: d.actor, link: `${publicUrl}/tabs/offboardings/${d.run.id}` };
}

export function createDeliveriesService(deps: DeliveriesDeps) {
  const { db, clock } = deps;
  const log = deps.log.child({ module: 'integrations' });

  const secretsOf = (rule: RuleRow): RuleSecrets => JSON.parse(deps.box.open(rule.secrets, sealedFor(rule.id))) as RuleSecrets;

  /** Queues the job that sends the delivery's next attempt, at the clock's time of it. */
  async function queueAttempt(id: string, at: Date | null) {
    const wait = at ? at.getTime() - clock.now().getTime() : 0;
    if (wait <= 0) await deps.jobs.now(DELIVER_JOB, { deliveryId: id });
    else await deps.jobs.schedule(new Date(Date.now() + wait), DELIVER_JOB, { deliveryId: id });
  }

  async function insertDelivery(v: { orgId: string; ruleId: string; eventId: string | null; trigger: Trigger; data: Record<string, unknown>; test?: boolean }) {
    const [row] = await db
      .insert(webhookDeliveries)
      .values({ ...v, messageId: newMessageId(), nextAttemptAt: clock.now(), test: v.test ?? false })
      .onConflictDoNothing()
      .returning();
    return row ?? null;
  }

  /** Tells the organisation's Owners and Admins (in the app, and through the bot where installed). */
  async function tellAdmins(tx: Db, rule: RuleRow, why: string) {
    const admins = await tx
      .select({ objectId: users.objectId, email: users.email, name: users.displayName })
      .from(members)
      .innerJoin(users, eq(users.id, members.userId))
      .where(and(eq(members.orgId, rule.orgId), inArray(members.role, ['owner', 'admin'])));
    if (!admins.length) return;
    await tx
      .insert(notifications)
      .values(
        admins.map((a) => ({
          orgId: rule.orgId,
          key: `rule:${rule.id}:disabled:${a.objectId}:${clock.now().toISOString()}`,
          recipientObjectId: a.objectId,
          recipientAddress: a.email,
          recipientName: a.name,
          title: `Integration "${rule.name}" was turned off`,
          body: why,
          link: '/tabs/integrations',
        })),
      )
      .onConflictDoNothing();
  }

  async function disable(tx: Db, rule: RuleRow, why: string) {
    await tx.update(integrationRules).set({ enabled: false, disabledReason: why, updatedAt: new Date() }).where(eq(integrationRules.id, rule.id));
    await tellAdmins(tx, rule, why);
    log.warn({ ruleId: rule.id, why }, 'integration rule disabled');
  }

  /** One attempt of one delivery, if it is due and nobody else is sending it. */
  async function attempt(deliveryId: string): Promise<void> {
    const now = clock.now();
    const [d] = await db
      .update(webhookDeliveries)
      .set({ lockedUntil: new Date(Date.now() + CLAIM_MS) })
      .where(
        and(
          eq(webhookDeliveries.id, deliveryId),
          eq(webhookDeliveries.status, 'pending'),
          lte(webhookDeliveries.nextAttemptAt, now),
          or(isNull(webhookDeliveries.lockedUntil), lte(webhookDeliveries.lockedUntil, new Date())),
        ),
      )
      .returning();
    if (!d) return;
    const [rule] = await db.select().from(integrationRules).where(eq(integrationRules.id, d.ruleId));
    const n = d.attempts + 1;
    /** This attempt was the last: the delivery ends here. */
    const settle = (on: Db, status: 'succeeded' | 'failed') =>
      on.update(webhookDeliveries).set({ status, attempts: n, nextAttemptAt: null, lockedUntil: null }).where(eq(webhookDeliveries.id, d.id));
    const record = async (r: { status: number | null; latencyMs: number; response: string | null; error: string | null }) =>
      db.insert(deliveryAttempts).values({ deliveryId: d.id, attempt: n, at: now, ...r });
    if (!rule || (!rule.enabled && !d.test)) {
      await record({ status: null, latencyMs: 0, response: null, error: rule ? `Not sent: the rule is turned off (${rule.disabledReason ?? 'by a person'}).` : 'Not sent: the rule was deleted.' });
      await settle(db, 'failed');
      return;
    }
    const secrets = secretsOf(rule);
    const [snow] = rule.kind === 'servicenow' && d.data.close ? await db.select().from(serviceNowRecords).where(and(eq(serviceNowRecords.ruleId, rule.id), eq(serviceNowRecords.subject, String((d.data.employee as { id: string }).id)))) : [];
    if (rule.kind === 'servicenow' && d.data.close && (!snow || snow.closedAt)) {
      await record({ status: null, latencyMs: 0, response: null, error: snow ? 'Nothing to close: the record is already closed.' : 'Nothing to close: this rule opened no record for this person.' });
      await settle(db, 'succeeded');
      return;
    }
    const req = buildRequest(rule, secrets, d.trigger, d.data as unknown as EventFacts, { messageId: d.messageId, occurredAt: d.createdAt.toISOString(), signedAt: now, record: snow ?? null });
    let status: number | null = null;
    let response: string | null = null;
    let error: string | null = null;
    let retryAfterS: number | null = null;
    const started = performance.now();
    try {
      const res = await safeSend(req, deps.policy);
      ({ status, retryAfterS } = res);
      response = res.body;
      if (status >= 300 && status < 400) error = `Redirects are not followed (answered ${status}).`;
    } catch (err) {
      error = err instanceof BlockedTarget ? `Refused: ${err.message}` : `No answer: ${(err as Error).message}`;
    }
    const latencyMs = Math.round(performance.now() - started);
    await record({ status, latencyMs, response, error });
    const ok = status !== null && status >= 200 && status < 300;

    await db.transaction(async (tx) => {
      if (ok) {
        await settle(tx, 'succeeded');
        if (!d.test) await tx.update(integrationRules).set({ failingSince: null }).where(eq(integrationRules.id, rule.id));
        if (rule.kind === 'servicenow') await rememberServiceNow(tx, rule, d, req.method, response);
        return;
      }
      const last = d.test || n > RETRY_SCHEDULE_S.length;
      if (status === 410 && !d.test) {
        await settle(tx, 'failed');
        await disable(tx, rule, `${rule.name}: the target answered 410 Gone (it no longer exists), so Offramp turned the rule off. Check the address and turn it on again.`);
        return;
      }
      const failingSince = d.test ? null : (rule.failingSince ?? now);
      if (failingSince) await tx.update(integrationRules).set({ failingSince }).where(eq(integrationRules.id, rule.id));
      if (failingSince && now.getTime() - failingSince.getTime() >= DISABLE_AFTER_MS) {
        await settle(tx, 'failed');
        await disable(tx, rule, `${rule.name}: every delivery has failed since ${failingSince.toISOString().slice(0, 16).replace('T', ' ')} UTC (5 days), so Offramp turned the rule off. The last answer: ${status ?? error}.`);
        return;
      }
      if (last) {
        await settle(tx, 'failed');
        return;
      }
      const delayMs = Math.max(jittered(RETRY_SCHEDULE_S[n - 1]!), (retryAfterS ?? 0) * 1000);
      const next = new Date(now.getTime() + delayMs);
      await tx.update(webhookDeliveries).set({ attempts: n, nextAttemptAt: next, lockedUntil: null }).where(eq(webhookDeliveries.id, d.id));
    });
    const [after] = await db.select({ status: webhookDeliveries.status, next: webhookDeliveries.nextAttemptAt }).from(webhookDeliveries).where(eq(webhookDeliveries.id, d.id));
    if (after?.status === 'pending') await queueAttempt(d.id, after.next);
  }

  async function rememberServiceNow(tx: Db, rule: RuleRow, d: DeliveryRow, method: string, response: string | null) {
    const subject = String((d.data.employee as { id: string }).id);
    if (method === 'PATCH') {
      await tx.update(serviceNowRecords).set({ closedAt: clock.now() }).where(and(eq(serviceNowRecords.ruleId, rule.id), eq(serviceNowRecords.subject, subject)));
      return;
    }
    let result: { sys_id?: string; number?: string } | undefined;
    try {
      result = (JSON.parse(response ?? '') as { result?: { sys_id?: string; number?: string } }).result;
    } catch {
      result = undefined;
    }
    if (!result?.sys_id || d.test) return;
    await tx
      .insert(serviceNowRecords)
      .values({ ruleId: rule.id, subject, sysId: result.sys_id, number: result.number ?? null })
      .onConflictDoUpdate({ target: [serviceNowRecords.ruleId, serviceNowRecords.subject], set: { sysId: result.sys_id, number: result.number ?? null, closedAt: null } });
  }

  const service = {
    /**
     * Turns undispatched events into deliveries, one per matching rule (a ServiceNow rule also
     * matches its closing trigger), and marks them dispatched, in one transaction per batch.
     */
    async dispatch(limit = 200): Promise<number> {
      const created = await db.transaction(async (tx) => {
        const events = await tx.select().from(orgEvents).where(isNull(orgEvents.dispatchedAt)).orderBy(asc(orgEvents.occurredAt)).limit(limit).for('update', { skipLocked: true });
        const out: { id: string; nextAttemptAt: Date | null }[] = [];
        for (const e of events) {
          const rules = await tx
            .select()
            .from(integrationRules)
            .where(and(eq(integrationRules.orgId, e.orgId), eq(integrationRules.enabled, true), or(eq(integrationRules.trigger, e.type as Trigger), and(eq(integrationRules.kind, 'servicenow'), eq(integrationRules.closeOn, e.type as Trigger)))));
          if (rules.length) {
            const facts = await factsOf(tx, deps.publicUrl, e.type, e.data);
            for (const r of rules) {
              const closing = r.trigger !== e.type;
              const [row] = await tx
                .insert(webhookDeliveries)
                .values({ orgId: e.orgId, ruleId: r.id, eventId: e.id, trigger: e.type as Trigger, messageId: newMessageId(), data: { ...facts, ...(closing ? { close: true } : {}) } as unknown as Record<string, unknown>, nextAttemptAt: clock.now() })
                .onConflictDoNothing()
                .returning({ id: webhookDeliveries.id, nextAttemptAt: webhookDeliveries.nextAttemptAt });
              if (row) out.push(row);
            }
          }
          await tx.update(orgEvents).set({ dispatchedAt: new Date() }).where(eq(orgEvents.id, e.id));
        }
        return out;
      });
      for (const d of created) await queueAttempt(d.id, d.nextAttemptAt);
      return created.length;
    },

    attempt,

    /** Deliveries due whose job is missing (or late): attempted now. */
    async sweep(limit = 100): Promise<number> {
      const due = await db
        .select({ id: webhookDeliveries.id })
        .from(webhookDeliveries)
        .where(and(eq(webhookDeliveries.status, 'pending'), lte(webhookDeliveries.nextAttemptAt, clock.now()), or(isNull(webhookDeliveries.lockedUntil), lte(webhookDeliveries.lockedUntil, new Date()))))
        .orderBy(asc(webhookDeliveries.nextAttemptAt))
        .limit(limit);
      for (const d of due) await attempt(d.id);
      return due.length;
    },

    /** Leavers newly inside a queue-window rule's look-ahead: one delivery each, once. */
    async scanQueue(): Promise<number> {
      const rules = await db.select().from(integrationRules).where(and(eq(integrationRules.trigger, 'queue.entered'), eq(integrationRules.enabled, true)));
      let n = 0;
      for (const rule of rules) {
        const until = new Date(clock.now().getTime() + (rule.queueWindowDays ?? 30) * DAY);
        const created = await db.transaction(async (tx) => {
          const entered = await tx
            .insert(queueNotices)
            .select(
              tx
                .select({ ruleId: sql`${rule.id}::uuid`.as('rule_id'), employeeId: employees.id, at: sql`now()`.as('at') })
                .from(employees)
                .where(and(eq(employees.orgId, rule.orgId), eq(employees.status, 'active'), isNull(employees.removedAt), sql`${employees.leaveDate} >= ${clock.now()} AND ${employees.leaveDate} <= ${until}`)),
            )
            .onConflictDoNothing()
            .returning({ employeeId: queueNotices.employeeId });
          if (!entered.length) return [];
          const people = await tx
            .select({ e: employees, tenant: tenants.displayName })
            .from(employees)
            .innerJoin(tenants, eq(tenants.id, employees.tenantRef))
            .where(inArray(employees.id, entered.map((x) => x.employeeId)));
          const rows = await tx
            .insert(webhookDeliveries)
            .values(
              people.map(({ e, tenant }) => ({
                orgId: rule.orgId,
                ruleId: rule.id,
                eventId: null,
                trigger: 'queue.entered' as const,
                messageId: newMessageId(),
                nextAttemptAt: clock.now(),
                data: {
                  employee: { id: e.id, objectId: e.objectId, displayName: e.displayName, userPrincipalName: e.userPrincipalName, department: e.department, jobTitle: e.jobTitle, leaveDate: e.leaveDate?.toISOString() ?? null },
                  tenant: { displayName: tenant },
                  windowDays: rule.queueWindowDays ?? 30,
                  link: `${deps.publicUrl}/tabs/people/${e.id}`,
                },
              })),
            )
            .returning({ id: webhookDeliveries.id });
          return rows;
        });
        for (const d of created) await queueAttempt(d.id, null);
        n += created.length;
      }
      return n;
    },

    /** A delivery made for "Send test": attempted once, now, and returned with its log. */
    async sendTest(rule: RuleRow, facts: EventFacts): Promise<Delivery> {
      const row = await insertDelivery({ orgId: rule.orgId, ruleId: rule.id, eventId: null, trigger: rule.trigger, data: facts as unknown as Record<string, unknown>, test: true });
      await attempt(row!.id);
      return service.get(rule.orgId, row!.id);
    },

    /** Sends a delivery again from the start of the schedule (same webhook-id: receivers can drop a repeat). */
    async replay(orgId: string, deliveryId: string): Promise<Delivery> {
      const [d] = await db
        .update(webhookDeliveries)
        .set({ status: 'pending', nextAttemptAt: clock.now(), lockedUntil: null })
        .where(and(eq(webhookDeliveries.orgId, orgId), eq(webhookDeliveries.id, deliveryId), sql`${webhookDeliveries.status} <> 'pending'`))
        .returning();
      if (!d) {
        const [exists] = await db.select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(and(eq(webhookDeliveries.orgId, orgId), eq(webhookDeliveries.id, deliveryId)));
        throw exists ? new UserError(409, 'delivery_pending', 'This delivery is still being tried: wait for it to succeed or fail.') : new UserError(404, 'not_found', 'That delivery was not found.');
      }
      await attempt(d.id);
      return service.get(orgId, d.id);
    },

    async get(orgId: string, deliveryId: string): Promise<Delivery> {
      const [d] = await db.select().from(webhookDeliveries).where(and(eq(webhookDeliveries.orgId, orgId), eq(webhookDeliveries.id, deliveryId)));
      if (!d) throw new UserError(404, 'not_found', 'That delivery was not found.');
      const log = await db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, d.id)).orderBy(asc(deliveryAttempts.attempt));
      return present(d, log);
    },

    async list(orgId: string, ruleId: string, limit = 50): Promise<Delivery[]> {
      const rows = await db.select().from(webhookDeliveries).where(and(eq(webhookDeliveries.orgId, orgId), eq(webhookDeliveries.ruleId, ruleId))).orderBy(desc(webhookDeliveries.createdAt)).limit(limit);
      const log = rows.length ? await db.select().from(deliveryAttempts).where(inArray(deliveryAttempts.deliveryId, rows.map((r) => r.id))).orderBy(asc(deliveryAttempts.attempt)) : [];
      return rows.map((r) => present(r, log.filter((a) => a.deliveryId === r.id)));
    },

    /** The newest delivery of each rule (the rule list's "last delivery"). */
    async latestByRule(orgId: string): Promise<Map<string, { status: Delivery['status']; at: string }>> {
      const { rows } = await db.execute<{ rule_id: string; status: Delivery['status']; created_at: Date }>(
        sql`SELECT DISTINCT ON (rule_id) rule_id, status, created_at FROM webhook_deliveries WHERE org_id = ${orgId} AND NOT test ORDER BY rule_id, created_at DESC`,
      );
      return new Map(rows.map((r) => [r.rule_id, { status: r.status, at: new Date(r.created_at).toISOString() }]));
    },
  };
  return service;
}

function present(d: DeliveryRow, log: (typeof deliveryAttempts.$inferSelect)[]): Delivery {
  return {
    id: d.id,
    ruleId: d.ruleId,
    trigger: d.trigger,
    messageId: d.messageId,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.status === 'pending' ? (d.nextAttemptAt?.toISOString() ?? null) : null,
    createdAt: d.createdAt.toISOString(),
    test: d.test,
    log: log.map((a): DeliveryAttempt => ({ attempt: a.attempt, at: a.at.toISOString(), status: a.status, latencyMs: a.latencyMs, response: a.response, error: a.error })),
  };
}

export type DeliveriesService = ReturnType<typeof createDeliveriesService>;
