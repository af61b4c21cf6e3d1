/**
 * The Teams bot's command-to-first-reply latency: the real app (startTestApp: the bot at
 * /api/messages, the store — embedded, or the PostgreSQL server when DATABASE_URL is set — and
 * the simulated tenant in process), a connector stand-in on 127.0.0.1 receiving the replies.
 * BENCH_COMMANDS (default 200) commands per kind, one at a time, each timed from the POST of
 * the activity to the arrival of the bot's first reply at the connector.
 *
 * Baseline, measured in the same run: the same round trip with no bot work — a POST to the
 * app's /healthz plus a POST from this process to the connector (what any reply costs in HTTP).
 *
 * Run with `npx tsx tests/bench/bot.bench.ts` (or `npm run bench`).
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { printTable, type Row } from './table.js';
import { runTrusted } from './trusted.js';

const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 200);

async function bench(): Promise<void> {
  const { startTestApp } = await import('../support/app.js');
  const { demoUser } = await import('../support/auth.js');
  const { startConnector, teamsUser } = await import('../support/bot.js');
  const { connectDemoTenant } = await import('../support/offboarding.js');
  const { makeOrg } = await import('../support/orgs.js');

  const connector = await startConnector();
  const app = await startTestApp({ LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent' });
  try {
    const org = await makeOrg(app, 'Bench Co', 0);
    await connectDemoTenant(org);
    const manager = teamsUser(app, connector, demoUser(app, 2));
    await manager.install();
    const someone = app.simulator!.users().filter((u) => u.kind === 'person' && u.accountEnabled)[30]!;

    /** Sends `text` and waits for the first reply in the conversation; returns the ms between. */
    async function timed(send: () => Promise<unknown>): Promise<number> {
      const from = connector.delivered.length;
      const t0 = performance.now();
      await send();
      await connector.waitFor((d) => d.conversationId === manager.conversationId, 30_000, from);
      return performance.now() - t0;
    }
    const baseline: Row = { name: 'POST /healthz + POST to the connector', samples: [], unit: 'ms' };
    const rows: Row[] = [
      { name: 'help', samples: [], unit: 'ms' },
      { name: 'runs', samples: [], unit: 'ms' },
      { name: `status ${someone.userPrincipalName.split('@')[0]}`, samples: [], unit: 'ms' },
      { name: `offboard <upn> friday 17:00 (preview)`, samples: [], unit: 'ms' },
    ];
    const commands = ['help', 'runs', `status ${someone.userPrincipalName}`, `offboard ${someone.userPrincipalName} friday 17:00`];
    // Warm-up: first requests pay for module loading and statement planning.
    for (const c of commands) await timed(() => manager.say(c));
    for (let i = 0; i < COMMANDS; i++) {
      const t0 = performance.now();
      await fetch(`${app.url}/healthz`).then((r) => r.text());
      await fetch(`${connector.url}/v3/conversations/bench/activities`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"message","text":"x"}' }).then((r) => r.text());
      baseline.samples.push(performance.now() - t0);
      for (const [k, c] of commands.entries()) rows[k]!.samples.push(await timed(() => manager.say(c)));
    }
    printTable(`Bot: command to first reply, ${COMMANDS} of each, one at a time (${os.cpus().length} cores, Node ${process.version}, ${app.store.kind} store)`, baseline, rows);
  } finally {
    await app.close();
    await connector.close();
  }
}

await runTrusted(fileURLToPath(import.meta.url), 'bot', bench);
