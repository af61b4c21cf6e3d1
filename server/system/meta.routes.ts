import fs from 'node:fs';
import type { ApiRoutes } from '../http/api-router.js';
import type { Config } from '../config.js';
import { sourcePath } from '../paths.js';

export interface Meta {
  name: 'Offramp';
  version: string;
  mode: 'demo' | 'production';
  store: 'embedded' | 'server';
  auth: { mode: 'demo' | 'microsoft' };
  time: string;
}

const version = (JSON.parse(fs.readFileSync(sourcePath('package.json'), 'utf8')) as { version: string }).version;

/** What the tabs show in their frame: the product's version, its mode and its store. */
export function registerMetaRoutes(api: ApiRoutes, config: Config): void {
  api.get('/meta', 'public', (): Meta => ({
    name: 'Offramp',
    version,
    mode: config.mode,
    store: config.store.kind,
    auth: { mode: config.mode === 'demo' ? 'demo' : 'microsoft' },
    time: new Date().toISOString(),
  }));
}
