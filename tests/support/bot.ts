import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import express from 'express';
import type { Offramp } from '../../server/main.js';

/**
 * The Bot Framework side of a Teams chat, on 127.0.0.1: a connector stand-in that takes the
 * bot's replies, proactive messages and updates (the three calls botbuilder makes:
 * POST …/activities/{replyToId}, POST …/activities, PUT …/activities/{id}), and a Teams user
 * who sends real activities to the bot's /api/messages over HTTP.
 */

export interface Delivered {
  verb: 'reply' | 'send' | 'update';
  conversationId: string;
  activityId: string;
  activity: BotActivity;
  authorization: string | null;
  at: number;
}

export interface BotActivity {
  type: string;
  id?: string;
  text?: string;
  attachments?: { contentType: string; content: CardJson }[];
  [key: string]: unknown;
}

export type CardJson = { type: string; body?: unknown[]; actions?: unknown[]; [key: string]: unknown };

export interface Connector {
  url: string;
  delivered: Delivered[];
  /** Waits for a delivery that matches (and was not seen by an earlier wait with the same `from`). */
  waitFor(match: (d: Delivered) => boolean, timeoutMs?: number, from?: number): Promise<Delivered>;
  close(): Promise<void>;
}

export async function startConnector(): Promise<Connector> {
  const delivered: Delivered[] = [];
  const app = express();
  app.use(express.json({ limit: '5mb' }));
  const record = (verb: Delivered['verb']) => (req: express.Request, res: express.Response) => {
    const activityId = verb === 'update' ? String(req.params.activityId) : randomUUID();
    delivered.push({ verb, conversationId: String(req.params.conversationId), activityId, activity: req.body as BotActivity, authorization: req.headers.authorization ?? null, at: Date.now() });
    res.status(200).json({ id: activityId });
  };
  app.post('/v3/conversations/:conversationId/activities/:replyToId', record('reply'));
  app.post('/v3/conversations/:conversationId/activities', record('send'));
  app.put('/v3/conversations/:conversationId/activities/:activityId', record('update'));
  app.use((req, res) => res.status(404).json({ error: { code: 'NotFound', message: `${req.method} ${req.path}` } }));
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    delivered,
    async waitFor(match, timeoutMs = 30_000, from = 0) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = delivered.slice(from).find(match);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`no matching delivery in ${timeoutMs} ms; delivered:\n${delivered.map((d) => `${d.verb} ${d.conversationId} ${d.activity.text ?? cardText(d.activity).slice(0, 120)}`).join('\n')}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Every text on a card (its TextBlocks, facts and button titles), joined: what a person reads. */
export function cardText(a: BotActivity | CardJson | undefined): string {
  const card = a && 'attachments' in a ? (a as BotActivity).attachments?.[0]?.content : (a as CardJson | undefined);
  const out: string[] = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (!x || typeof x !== 'object') return;
    const o = x as Record<string, unknown>;
    if (typeof o.text === 'string') out.push(o.text);
    if (typeof o.title === 'string') out.push(o.title);
    if (typeof o.value === 'string' && 'title' in o) out.push(o.value);
    for (const [k, v] of Object.entries(o)) if (k !== 'text' && k !== 'title' && typeof v === 'object') walk(v);
  };
  walk(card);
  return out.join('\n');
}

/** The Action.Execute / Action.Submit buttons on a card. */
export function actionsOf(card: CardJson | undefined): { type: string; title: string; verb?: string; data?: Record<string, unknown>; url?: string }[] {
  return ((card?.actions ?? []) as { type: string; title: string; verb?: string; data?: Record<string, unknown>; url?: string }[]).slice();
}

/** Who speaks: a person of the simulated tenant (an Entra object id and a name). */
export type Person = { id: string; displayName: string };

export interface TeamsUser {
  user: Person;
  conversationId: string;
  /** Sends a message (a command) and returns the HTTP status of /api/messages. */
  say(text: string): Promise<number>;
  /** Presses an Action.Submit button: a message whose value carries the button's data. */
  submit(data: Record<string, unknown>): Promise<number>;
  /** Presses an Action.Execute button: an invoke; returns the card (or message) the bot answers with. */
  execute(verb: string, data: Record<string, unknown>): Promise<{ status: number; body: { statusCode: number; type: string; value: unknown } }>;
  /** Installs the bot in this person's personal scope. */
  install(): Promise<number>;
  uninstall(): Promise<number>;
  /** Sends any activity, with extra headers (tests of authentication). */
  post(activity: Record<string, unknown>, headers?: Record<string, string>): Promise<Response>;
  activity(extra: Record<string, unknown>): Record<string, unknown>;
}

export function teamsUser(app: Offramp, connector: Connector, user: Person, opts: { timeZone?: string; tenantId?: string; botId?: string } = {}): TeamsUser {
  const tenantId = opts.tenantId ?? app.simulator!.tenant.id;
  const conversationId = `a:personal-${user.id}`;
  const botId = opts.botId ?? '28:offramp-bot';
  const activity = (extra: Record<string, unknown>) => ({
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl: connector.url,
    timestamp: new Date().toISOString(),
    localTimezone: opts.timeZone ?? 'Europe/London',
    from: { id: `29:${user.id}`, name: user.displayName, aadObjectId: user.id },
    recipient: { id: botId, name: 'Offramp' },
    conversation: { id: conversationId, conversationType: 'personal', tenantId },
    channelData: { tenant: { id: tenantId } },
    ...extra,
  });
  const post = (a: Record<string, unknown>, headers: Record<string, string> = {}) =>
    fetch(`${app.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(a) });
  return {
    user,
    conversationId,
    activity,
    post,
    say: async (text) => (await post(activity({ type: 'message', text }))).status,
    submit: async (data) => (await post(activity({ type: 'message', text: '', value: data }))).status,
    async execute(verb, data) {
      const res = await post(activity({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' } }));
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    install: async () => (await post(activity({ type: 'installationUpdate', action: 'add' }))).status,
    uninstall: async () => (await post(activity({ type: 'installationUpdate', action: 'remove' }))).status,
  };
}
