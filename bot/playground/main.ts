import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { runMain } from '../../server/main.js';
import { repoRoot } from '../../server/paths.js';

/**
 * `npm run playground`: Offramp in demo mode and the Microsoft 365 Agents Playground (a local
 * Teams-like chat, offline) talking to its /api/messages. The playground sends as the simulated
 * tenant's first person, who is given an organisation with the demo tenant connected the first
 * time (as if they had signed in and connected it on the Tenants page), so that `help`,
 * `offboard <person>` and the cards work at once. Run through server/start.js, which trusts the
 * simulated tenant's certificate.
 */

const offramp = await runMain();
if (!offramp.simulator) {
  process.stderr.write('The playground runs in demo mode only (unset ENTRA_CLIENT_ID).\n');
  process.exit(78);
}
const sim = offramp.simulator;
const [me, ...others] = sim.users().filter((u) => u.kind === 'person' && u.accountEnabled);
const user = await offramp.orgs.ensureUser({ tenantId: sim.tenant.id, objectId: me!.id, name: me!.displayName, email: me!.mail });
if ((await offramp.orgs.memberships(user.id)).length === 0) {
  const ctx = { source: 'bot' as const, requestId: null };
  const org = await offramp.orgs.createOrganisation(user, 'Playground', ctx);
  const actor = { memberId: null, userId: user.id, name: user.displayName, role: 'owner', tid: user.tenantId, oid: user.objectId };
  await offramp.tenants.connectDemo(org.id, { ...ctx, actor });
  offramp.log.info({ org: org.id }, 'playground: made the organisation "Playground" with the demo tenant connected');
}

// The playground's people (it wants five besides the current one) and tenant: the simulated
// tenant's, so that the bot knows who speaks.
const person = (u: typeof me) => {
  const [given = u!.displayName, ...rest] = u!.displayName.split(' ');
  return `  id: ${u!.id}\n  name: ${u!.displayName}\n  userPrincipleName: ${u!.userPrincipalName}\n  aadObjectId: ${u!.id}\n  givenName: ${given}\n  surname: ${rest.join(' ') || given}\n  email: ${u!.mail ?? u!.userPrincipalName}\n`;
};
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'offramp-playground-'));
const configPath = path.join(dir, '.m365agentsplayground.yml');
fs.writeFileSync(
  configPath,
  `version: "0.1.1"\ntenantId: ${sim.tenant.id}\nbot:\n  id: 28:offramp\n  name: Offramp\ncurrentUser:\n${person(me)}users:\n${others
    .slice(0, 5)
    .map((u) => `  -${person(u).slice(1).replace(/\n  /g, '\n    ')}`)
    .join('')}personalChat:\n  id: personal-chat-${me!.id}\ngroupChat:\n  id: group-chat-offramp\n  name: Offramp group chat\nteam:\n  id: team-offramp\n  name: IT\n  aadGroupId: 00000000-0000-0000-0000-000000000031\n  channels:\n    - id: channel-general\n      name: General\n`,
);
// The playground opens a browser with xdg-open at start and stops without one: a harmless one first on PATH.
const bin = path.join(dir, 'bin');
fs.mkdirSync(bin);
fs.writeFileSync(path.join(bin, 'xdg-open'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
const port = process.env.PLAYGROUND_PORT ?? '56150';
const playground = spawn(path.join(repoRoot, 'node_modules', '.bin', 'agentsplayground'), ['start', '-e', `${offramp.url}/api/messages`, '-c', 'msteams', '-p', port, '--dt'], {
  stdio: 'inherit',
  // Its log folder (devTools/) lands beside the config, not in the project.
  cwd: dir,
  env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`, M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath },
});
offramp.log.info(`Agents Playground: open http://localhost:${port} and say "help" (you are ${me!.displayName}, Owner of the Playground organisation)`);
playground.on('exit', (code) => {
  offramp.log.info({ code }, 'the playground stopped');
  void offramp.close().then(() => process.exit(code ?? 0));
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => playground.kill(signal));
