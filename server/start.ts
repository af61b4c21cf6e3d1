import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from './config.js';
import { ensureSimulatorTls } from './simulator/tls.js';

/**
 * What `npm start` runs. In demo mode the simulated tenant serves https with a certificate
 * kept in the data folder; Node trusts extra certificates only from NODE_EXTRA_CA_CERTS read
 * at start, so this makes the certificate, then runs the server (main.js) in a child process
 * that trusts it, passing signals through and exiting as it exits.
 */

let config;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(78);
  }
  throw err;
}

const env = { ...process.env };
if (config.mode === 'demo') {
  const { certPath } = await ensureSimulatorTls(config.simulator.tlsDir);
  const given = process.env.NODE_EXTRA_CA_CERTS;
  if (given && path.resolve(given) !== certPath) {
    // Keep the certificates already trusted, and add ours: one bundle file.
    const bundle = path.join(config.simulator.tlsDir, 'ca-bundle.pem');
    fs.writeFileSync(bundle, `${fs.readFileSync(given, 'utf8').trim()}\n${fs.readFileSync(certPath, 'utf8')}`);
    env.NODE_EXTRA_CA_CERTS = bundle;
  } else {
    env.NODE_EXTRA_CA_CERTS = certPath;
  }
}

// The server (main.js), or another entry built on it given as the argument (the bot playground).
const main = process.argv[2] ? path.resolve(process.argv[2]) : path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.js');
const child = spawn(process.execPath, [...process.execArgv, '--enable-source-maps', main], { stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGKILL' ? 137 : 1)));
