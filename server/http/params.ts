import type { Request } from 'express';
import { UserError } from '../errors.js';

/** A GUID (Entra ids, our row ids), any version. */
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id in the path that is not a GUID cannot name anything: 404, like an unknown one. */
export function uuidParam(req: Request, name: string): string {
  const value = String(req.params[name] ?? '');
  if (!GUID.test(value)) throw new UserError(404, 'not_found', `That ${name.replace(/Id$/, '')} was not found.`);
  return value;
}
