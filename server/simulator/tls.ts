import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { generate } from 'selfsigned';

/**
 * The simulated tenant serves https on loopback, as Microsoft does (the Graph client only
 * sends tokens over https and MSAL refuses http authorities). Its self-signed certificate is
 * made on first start and kept in the data folder; the start and test scripts trust it by
 * setting NODE_EXTRA_CA_CERTS to `certPath` before node starts.
 */

export interface SimulatorTls {
  certPath: string;
  cert: string;
  key: string;
}

export const certPathIn = (tlsDir: string) => path.join(tlsDir, 'simulator-cert.pem');
const keyPathIn = (tlsDir: string) => path.join(tlsDir, 'simulator-key.pem');

export async function ensureSimulatorTls(tlsDir: string): Promise<SimulatorTls> {
  const certPath = certPathIn(tlsDir);
  try {
    const [cert, key] = await Promise.all([fs.readFile(certPath, 'utf8'), fs.readFile(keyPathIn(tlsDir), 'utf8')]);
    return { certPath, cert, key };
  } catch {
    // none yet: make one
  }
  const notBefore = new Date(Date.now() - 24 * 3600_000);
  const notAfter = new Date(notBefore.getTime() + 5 * 365 * 24 * 3600_000);
  const pems = await generate([{ name: 'commonName', value: 'Offramp simulated Microsoft 365 (127.0.0.1)' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  await fs.mkdir(tlsDir, { recursive: true });
  // Key first, certificate last and renamed into place: a reader never sees a certificate without its key.
  await fs.writeFile(keyPathIn(tlsDir), pems.private, { mode: 0o600 });
  const tmp = `${certPath}.${process.pid}.tmp`;
  await fs.writeFile(tmp, pems.cert);
  await fs.rename(tmp, certPath);
  return { certPath, cert: pems.cert, key: pems.private };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: tls.js <folder>');
  process.stdout.write((await ensureSimulatorTls(path.resolve(dir))).certPath + '\n');
}
