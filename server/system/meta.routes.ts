import fs from 'node:fs';
import express, { type Router } from 'express';
import type { Config } from '../config.js';
import { sourcePath } from '../paths.js';

export interface Meta {
  name: 'Offramp';
  version: string;
  mode: 'demo' | 'production';
  store: 'embedded' | 'server';
  time: string;
}

const version = (JSON.parse(fs.readFileSync(sourcePath('package.json'), 'utf8')) as { version: string }).version;

/** What the tabs show in their frame: the product's version, its mode and its store. */
export function metaRouter(config: Config): Router {
  const router = express.Router();
  router.get('/meta', (_req, res) => {
    const meta: Meta = {
      name: 'Offramp',
      version,
      mode: config.mode,
      store: config.store.kind,
      time: new Date().toISOString(),
    };
    res.json(meta);
  });
  return router;
}
