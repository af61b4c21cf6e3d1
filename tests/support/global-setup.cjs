/**
 * Runs once before the test workers start: makes the simulated tenant's certificate (with the
 * product's own code, server/simulator/tls.ts) and trusts it through NODE_EXTRA_CA_CERTS,
 * which the workers — and the processes tests spawn — inherit.
 */
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async function globalSetup() {
  const root = path.resolve(__dirname, '..', '..');
  const dir = path.join(root, 'node_modules', '.cache', 'offramp', 'test-tls');
  const certPath = execFileSync(process.execPath, ['--import', 'tsx', 'server/simulator/tls.ts', dir], { cwd: root })
    .toString()
    .trim();
  process.env.NODE_EXTRA_CA_CERTS = certPath;
  process.env.SIMULATOR_TLS_DIR = dir;
};
