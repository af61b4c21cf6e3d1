import path from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../log.js';
import type { RealismOptions } from './realism.js';
import { startSimulator } from './simulator.js';

/**
 * Runs the simulated tenant on its own, e.g. in a separate process for a benchmark so that its
 * memory is not counted with Offramp's:
 *
 *   node dist/server/simulator/cli.js --users 50000 --realism '{"latency":20}'
 *
 * Prints one JSON line (url, tenantId, clientId, clientSecret of the demo app) once it listens;
 * stops on SIGINT/SIGTERM. Clients must trust `<tls-dir>/simulator-cert.pem` (NODE_EXTRA_CA_CERTS).
 */

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '200' },
    seed: { type: 'string', default: 'offramp-demo' },
    port: { type: 'string', default: '0' },
    'tls-dir': { type: 'string', default: path.resolve('.data', 'simulator-tls') },
    realism: { type: 'string', default: 'demo' },
    'log-level': { type: 'string', default: 'warn' },
  },
});

const realism = values.realism === 'demo' || values.realism === 'none' ? values.realism : (JSON.parse(values.realism!) as RealismOptions);
const sim = await startSimulator({
  tlsDir: values['tls-dir']!,
  seed: values.seed!,
  users: Number(values.users),
  port: Number(values.port),
  log: createLogger({ level: values['log-level']!, pretty: false }),
  browserBaseUrl: '',
  realism,
});
process.stdout.write(
  `${JSON.stringify({ url: sim.url, tenantId: sim.tenant.id, clientId: sim.demoApp.clientId, clientSecret: sim.demoApp.clientSecret, certPath: path.join(values['tls-dir']!, 'simulator-cert.pem') })}\n`,
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void sim.close().then(() => process.exit(0)));
}
