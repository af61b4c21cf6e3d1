import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureSimulatorTls } from '../../server/simulator/tls.js';

/**
 * Runs a benchmark that starts the real app with its simulated tenant. That tenant serves https
 * with its own certificate, which Node trusts only from NODE_EXTRA_CA_CERTS read at start: the
 * first process makes a certificate, then runs the file again (as `role`) trusting it; the second
 * runs `bench`. Agenda leaves a timer of half the job lock lifetime per job it ran, still
 * referenced after the queue stops, so the bench process exits when it is done.
 */
export async function runTrusted(file: string, role: string, bench: () => Promise<void>): Promise<void> {
  if (process.env.BENCH_ROLE === role) {
    await bench();
    process.exit(0);
  }
  const tlsDir = fs.mkdtempSync(path.join(os.tmpdir(), `offramp-bench-${role}-tls-`));
  try {
    const { certPath } = await ensureSimulatorTls(tlsDir);
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      stdio: 'inherit',
      env: { ...process.env, BENCH_ROLE: role, NODE_EXTRA_CA_CERTS: certPath, SIMULATOR_TLS_DIR: tlsDir },
    });
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    if (code !== 0) throw new Error(`the ${role} bench failed (exit ${code})`);
  } finally {
    fs.rmSync(tlsDir, { recursive: true, force: true });
  }
}
