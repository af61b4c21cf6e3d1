import type { DirUser, SimMailbox } from '../tenant/model.js';
import type { Shape } from './odata.js';
import { GraphError, type GraphContext } from './types.js';
import { readUser } from './common.js';

/** What the Outlook-backed endpoints (mail, calendar, mailbox settings) share: mailbox lookup and errors. */

export const itemNotFound = () => new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');

/** The user and their mailbox, or Outlook's answer for a user without one. */
export function readMailbox(ctx: GraphContext): { user: DirUser; mailbox: SimMailbox } {
  const user = readUser(ctx);
  const mailbox = ctx.store.mailbox(user.id);
  if (!mailbox) throw new GraphError(404, 'MailboxNotEnabledForRESTAPI', 'The mailbox is either inactive, soft-deleted, or is hosted on-premise.');
  return { user, mailbox };
}

/** A shape over stored Graph JSON objects (rules, events, permissions): each property as stored (absent ones left out). */
export function storedShape(type: string, props: readonly string[], defaults: readonly string[] | null = null): Shape<Record<string, unknown>> {
  return { type, props: Object.fromEntries(props.map((p) => [p, (o: Record<string, unknown>) => o[p]])), defaults, alwaysId: true };
}

/** Outlook's error for a body property its type does not have. */
export const unknownProperty = (prop: string, type: string) =>
  new GraphError(400, 'RequestBodyRead', `The property '${prop}' does not exist on type '${type}'. Make sure to only use property names that are defined by the type or mark the type as open type.`);
