import type { Request } from 'express';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import type { ApiRoutes } from '../http/api-router.js';
import { uuidParam } from '../http/params.js';
import { auditContext } from '../orgs/auth.middleware.js';
import type { DeletionService } from './deletion.service.js';
import type { ExportsService } from './exports.service.js';

const orgOf = (req: Request) => req.member!.orgId;
const exportParam = (req: Request) => uuidParam(req, 'exportId');

/** Data rights, Owner only (org.delete): exporting all the organisation's data, and deleting it. */
export function registerDataRightsRoutes(api: ApiRoutes, deps: { exports: ExportsService; deletion: DeletionService }): void {
  const { exports, deletion } = deps;
  const base = '/orgs/:orgId';

  api.post(
    `${base}/data-exports`,
    'org.delete',
    async (req, res) => {
      const e = await exports.start(orgOf(req), auditContext(req));
      res.status(202).json({ id: e.id, status: e.status, progress: e.progress });
    },
    { destructive: true },
  );
  api.get(`${base}/data-exports`, 'org.delete', (req) => exports.list(orgOf(req)));
  api.get(`${base}/data-exports/:exportId`, 'org.delete', (req) => exports.get(orgOf(req), exportParam(req)));
  api.get(`${base}/data-exports/:exportId/download`, 'org.delete', async (req, res) => {
    const file = await exports.file(orgOf(req), exportParam(req), auditContext(req));
    res.status(200).set({
      'content-type': 'application/zip',
      'content-length': String(file.sizeBytes),
      'content-disposition': `attachment; filename="${file.downloadName}"`,
      'cache-control': 'no-store',
    });
    await pipeline(createReadStream(file.path), res);
  });

  api.get(`${base}/deletion-request`, 'org.delete', (req) => deletion.pending(orgOf(req)));
  api.post(
    `${base}/deletion-request`,
    'org.delete',
    async (req, res) => {
      const body = z.object({ confirmName: z.string({ message: 'type the organisation’s exact name' }).max(200) }).parse(req.body);
      res.status(201).json(await deletion.request(orgOf(req), body.confirmName, auditContext(req)));
    },
    { destructive: true },
  );
  api.delete(`${base}/deletion-request`, 'org.delete', (req) => deletion.cancel(orgOf(req), auditContext(req)), { destructive: true });
}
