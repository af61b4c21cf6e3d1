import type { DirUser } from '../tenant/model.js';
import { requireObject } from './odata.js';
import { badRequest, notFound, type GraphContext } from './types.js';

/** Lookups and body checks several areas share. */

/** A user as a Graph read sees it (404 as Graph answers for unknown ids). */
export function readUser(ctx: GraphContext, key = ctx.params.id!): DirUser {
  const u = ctx.store.visibleUser(key);
  if (!u) throw notFound(key);
  return u;
}

/** A user to change (writes go to the primary: no replica delay). */
export function writeUser(ctx: GraphContext, key = ctx.params.id!): DirUser {
  const u = ctx.store.user(key);
  if (!u) throw notFound(key);
  return u;
}

/** The object id in a `{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/{id}"}` body. */
export function referencedId(body: unknown): string {
  const b = requireObject(body);
  const extra = Object.keys(b).filter((k) => k !== '@odata.id');
  if (extra.length) throw badRequest(`Property '${extra[0]}' does not exist as a declared property or extension property.`);
  const ref = b['@odata.id'];
  if (typeof ref !== 'string' || !ref) throw badRequest(`Invalid object identifier '${String(ref ?? '')}'.`);
  const m = ref.match(/(?:directoryObjects|users|groups|devices|servicePrincipals)(?:\/|\(')([^/'()?]+)'?\)?(?:\/[\w.]+)?\/?$/i);
  if (!m) throw badRequest(`Invalid object identifier '${ref}'.`);
  return decodeURIComponent(m[1]!);
}

export const ON_PREMISES_MASTERED = 'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.';

/** Refuses unknown keys of an action's body; returns the body. */
export function actionBody(body: unknown, allowed: readonly string[], required: readonly string[] = []): Record<string, unknown> {
  const b = body === undefined ? {} : requireObject(body);
  for (const k of Object.keys(b)) {
    if (!allowed.some((a) => a.toLowerCase() === k.toLowerCase())) throw badRequest(`The parameter '${k}' in the request payload is not a valid parameter for the operation.`);
  }
  for (const r of required) if (b[r] === undefined || b[r] === null) throw badRequest(`The parameter '${r}' in the request payload is required.`);
  return b;
}

/** A body parameter by name, case-insensitively (Graph matches action parameters so). */
export function param(b: Record<string, unknown>, name: string): unknown {
  const k = Object.keys(b).find((x) => x.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : b[k];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isGuid = (s: unknown): s is string => typeof s === 'string' && GUID.test(s);
