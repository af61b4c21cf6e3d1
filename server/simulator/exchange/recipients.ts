import type { DirUser, SimGroup, SimMailbox } from '../tenant/model.js';
import { exchangeGuidOf, type TenantStore } from '../tenant/store.js';
import { ambiguousError, notFoundError } from './errors.js';

/**
 * Exchange recipients over the tenant's directory: how an -Identity resolves (object id,
 * Exchange GUID, UPN, SMTP address, alias or display name; ambiguous names refused as
 * Exchange does), and how sizes and names are written in cmdlet output.
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function resolve<T>(identity: string, candidates: Iterable<T>, keys: (c: T) => (string | null | undefined)[]): T {
  const id = identity.trim().replace(/^smtp:/i, '').toLowerCase();
  const found: T[] = [];
  for (const c of candidates) if (keys(c).some((k) => k && k.toLowerCase() === id)) found.push(c);
  if (found.length === 0) throw notFoundError(identity);
  if (found.length > 1) throw ambiguousError(identity);
  return found[0]!;
}

const userKeys = (store: TenantStore) => (u: DirUser) => [u.id, exchangeGuidOf(u.id), u.userPrincipalName, u.mail, u.mailNickname, u.displayName, `${u.mailNickname}@${onMicrosoft(store)}`];

export const onMicrosoft = (store: TenantStore) => `${store.tenant.defaultDomain.replace(/\.com$/, '')}.onmicrosoft.com`;

/** A mailbox by -Identity (live users with a mailbox only). */
export function resolveMailbox(store: TenantStore, identity: unknown): { user: DirUser; mailbox: SimMailbox } {
  const key = String(identity ?? '');
  const direct = GUID.test(key) || key.includes('@') ? store.user(key) ?? store.userByAddress(key) : undefined;
  const user = direct && store.mailbox(direct.id) ? direct : resolve(key, mailboxUsers(store), userKeys(store));
  return { user, mailbox: store.mailbox(user.id)! };
}

export function* mailboxUsers(store: TenantStore): Generator<DirUser> {
  for (const u of store.liveUsers()) if (store.mailboxes.has(u.id)) yield u;
}

/** Any user (a trustee need not have a mailbox). */
export function resolveUser(store: TenantStore, identity: unknown): DirUser {
  const key = String(identity ?? '');
  const direct = store.user(key) ?? (key.includes('@') ? store.userByAddress(key) : undefined);
  return direct ?? resolve(key, store.liveUsers(), userKeys(store));
}

/** Distribution lists and mail-enabled security groups (what Get-DistributionGroup sees). */
export function isDistributionGroup(g: SimGroup): boolean {
  return g.mailEnabled && !g.groupTypes.includes('Unified') && !g.deletedDateTime;
}

export function resolveGroup(store: TenantStore, identity: unknown): SimGroup {
  return resolve(String(identity ?? ''), store.groupOrder.filter(isDistributionGroup), (g) => [g.id, g.mail, g.mailNickname, g.displayName]);
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** Exchange's ByteQuantifiedSize text: "49.5 GB (53,150,220,288 bytes)". */
export function byteSize(bytes: number): string {
  let unit = 0;
  let v = bytes;
  while (v >= 1024 && unit < UNITS.length - 1) (v /= 1024), unit++;
  const shown = Math.round(v * 1000) / 1000;
  return `${shown} ${UNITS[unit]} (${Math.round(bytes).toLocaleString('en-US')} bytes)`;
}

export const distinguishedName = (store: TenantStore, name: string) =>
  `CN=${name},OU=${onMicrosoft(store)},OU=Microsoft Exchange Hosted Organizations,DC=EURPR01A001,DC=PROD,DC=OUTLOOK,DC=COM`;

/** The short recipient reference Exchange prints in User/Trustee columns. */
export const recipientName = (u: DirUser) => u.userPrincipalName;
