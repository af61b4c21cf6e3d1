import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { repoRoot } from '../paths.js';

/**
 * A new PGlite cluster costs ~3.5 s (initdb in WebAssembly); loading a saved empty cluster
 * costs well under one. The first start dumps one, keyed by the PGlite version, into
 * node_modules/.cache; every later new database (a new data folder, an in-memory test store)
 * starts from it. `npm run build` makes it ahead of time.
 */

async function pgliteVersion(): Promise<string> {
  const manifest = path.join(repoRoot, 'node_modules', '@electric-sql', 'pglite', 'package.json');
  return (JSON.parse(await fs.readFile(manifest, 'utf8')) as { version: string }).version;
}

export async function clusterSeedPath(): Promise<string> {
  return path.join(repoRoot, 'node_modules', '.cache', 'offramp', `pglite-${await pgliteVersion()}-cluster.tar`);
}

/** The saved empty cluster, made now if there is none. */
export async function loadClusterSeed(): Promise<Blob> {
  const file = await clusterSeedPath();
  try {
    return new Blob([await fs.readFile(file)]);
  } catch {
    const db = await PGlite.create('memory://');
    const dump = await db.dumpDataDir('none');
    await db.close();
    const bytes = Buffer.from(await dump.arrayBuffer());
    await fs.mkdir(path.dirname(file), { recursive: true });
    // Written aside and renamed, so that a process reading it never sees half a file.
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, bytes);
    await fs.rename(tmp, file);
    return new Blob([bytes]);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await loadClusterSeed();
  process.stdout.write(`embedded PostgreSQL cluster seed ready: ${path.relative(repoRoot, await clusterSeedPath())}\n`);
}
