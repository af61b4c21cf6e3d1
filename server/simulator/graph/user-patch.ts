import { createHash } from 'node:crypto';
import type { DirUser } from '../tenant/model.js';
import { ON_PREMISES_MASTERED } from './common.js';
import { USER_PROPERTIES } from './directory-shapes.js';
import { requireObject } from './odata.js';
import { LIFECYCLE_WRITE, USER_ENABLE, USER_PASSWORD, USER_WRITE } from './perms.js';
import { badRequest, type GraphContext } from './types.js';

/**
 * PATCH /users/{id}: which properties may be written, with which permission, in which form —
 * and what Microsoft Graph answers otherwise. Returns the validated changes.
 */

type Kind = 'string' | 'nullableString' | 'boolean' | 'date' | 'stringArray' | 'country';

const WRITABLE: Record<string, Kind> = {
  accountEnabled: 'boolean',
  displayName: 'string',
  givenName: 'nullableString',
  surname: 'nullableString',
  jobTitle: 'nullableString',
  department: 'nullableString',
  officeLocation: 'nullableString',
  mobilePhone: 'nullableString',
  companyName: 'nullableString',
  employeeId: 'nullableString',
  employeeType: 'nullableString',
  city: 'nullableString',
  country: 'nullableString',
  preferredLanguage: 'nullableString',
  mailNickname: 'string',
  mail: 'nullableString',
  userPrincipalName: 'string',
  usageLocation: 'country',
  employeeHireDate: 'date',
  employeeLeaveDateTime: 'date',
  businessPhones: 'stringArray',
};

const READ_ONLY = new Set([
  'id', 'createdDateTime', 'deletedDateTime', 'assignedLicenses', 'assignedPlans', 'licenseAssignmentStates', 'provisionedPlans',
  'proxyAddresses', 'securityIdentifier', 'signInSessionsValidFromDateTime', 'lastPasswordChangeDateTime', 'creationType',
  'onPremisesSyncEnabled', 'onPremisesLastSyncDateTime', 'onPremisesSecurityIdentifier', 'onPremisesDistinguishedName',
  'onPremisesDomainName', 'onPremisesSamAccountName', 'onPremisesUserPrincipalName', 'onPremisesProvisioningErrors',
  'serviceProvisioningErrors', 'imAddresses', 'signInActivity', 'mailboxSettings', 'externalUserStateChangeDateTime',
  // Graph documents showInAddressList as "do not use": hiding a mailbox is Exchange's (Set-Mailbox -HiddenFromAddressListsEnabled).
  'showInAddressList',
]);

/** What a user synchronised from on-premises AD may still have changed in the cloud. */
const CLOUD_WRITABLE_WHEN_SYNCED = new Set(['usageLocation', 'employeeLeaveDateTime', 'preferredLanguage']);

const invalid = (prop: string) => badRequest(`Invalid value specified for property '${prop}' of resource 'User'.`);

function permsFor(prop: string): readonly string[] {
  if (prop === 'accountEnabled') return USER_ENABLE;
  if (prop === 'passwordProfile') return USER_PASSWORD;
  if (prop === 'employeeLeaveDateTime') return LIFECYCLE_WRITE;
  return USER_WRITE;
}

/** The permissions a PATCH body needs beyond the route's (each property's own). */
export function patchPermissions(ctx: GraphContext): readonly string[] | null {
  const body = ctx.req.body;
  if (!body || typeof body !== 'object') return null;
  const have = ctx.req.caller.permissions;
  const missing = Object.keys(body).find((k) => !permsFor(k).some((p) => have.has(p)));
  return missing ? permsFor(missing) : null;
}

function complexEnough(pw: string): boolean {
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((r) => r.test(pw)).length;
  return pw.length >= 8 && pw.length <= 256 && classes >= 3;
}

export function validateUserPatch(ctx: GraphContext, user: DirUser): Partial<DirUser> {
  const body = requireObject(ctx.req.body);
  const out: Partial<DirUser> = {};
  const extra: Record<string, unknown> = {};
  for (const [prop, value] of Object.entries(body)) {
    if (prop.startsWith('@')) continue;
    if (!(USER_PROPERTIES as readonly string[]).includes(prop)) {
      throw badRequest(`Property '${prop}' does not exist as a declared property or extension property.`);
    }
    if (READ_ONLY.has(prop)) throw badRequest(`Property '${prop}' is read-only and cannot be set.`);
    if (user.onPremisesSyncEnabled && !CLOUD_WRITABLE_WHEN_SYNCED.has(prop)) throw badRequest(ON_PREMISES_MASTERED);
    if (prop === 'passwordProfile') {
      Object.assign(out, passwordChange(value, ctx.store.iso()));
      continue;
    }
    const kind = WRITABLE[prop];
    if (!kind) {
      extra[prop] = value;
      continue;
    }
    (out as Record<string, unknown>)[prop] = checkValue(prop, kind, value);
  }
  if (out.displayName === '') throw invalid('displayName');
  if (out.userPrincipalName) checkUpn(ctx, user, out.userPrincipalName);
  if (Object.keys(extra).length) out.extra = { ...(user.extra ?? {}), ...extra };
  return out;
}

function checkValue(prop: string, kind: Kind, value: unknown): unknown {
  switch (kind) {
    case 'boolean':
      if (typeof value !== 'boolean') throw invalid(prop);
      return value;
    case 'string':
      if (typeof value !== 'string' || !value) throw invalid(prop);
      return value;
    case 'nullableString':
      if (value !== null && typeof value !== 'string') throw invalid(prop);
      return value;
    case 'country':
      if (value !== null && (typeof value !== 'string' || !/^[A-Z]{2}$/.test(value))) throw invalid(prop);
      return value;
    case 'date':
      if (value !== null && (typeof value !== 'string' || Number.isNaN(Date.parse(value)))) throw invalid(prop);
      return value === null ? null : new Date(value as string).toISOString().replace('.000Z', 'Z');
    case 'stringArray':
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw invalid(prop);
      if (value.length > 1) throw badRequest('Only one business phone can be set.');
      return value;
  }
}

function passwordChange(value: unknown, now: string): Partial<DirUser> {
  if (!value || typeof value !== 'object') throw invalid('passwordProfile');
  const p = value as Record<string, unknown>;
  for (const k of Object.keys(p)) {
    if (!['password', 'forceChangePasswordNextSignIn', 'forceChangePasswordNextSignInWithMfa'].includes(k)) {
      throw badRequest(`Property '${k}' does not exist as a declared property or extension property.`);
    }
  }
  const out: Partial<DirUser> = {};
  if (p.password !== undefined) {
    if (typeof p.password !== 'string' || !complexEnough(p.password)) {
      throw badRequest('The specified password does not comply with password complexity requirements. Please provide a different password.');
    }
    out.passwordHash = createHash('sha256').update(p.password).digest('hex');
    out.lastPasswordChangeDateTime = now;
  }
  if (p.forceChangePasswordNextSignIn !== undefined) {
    if (typeof p.forceChangePasswordNextSignIn !== 'boolean') throw invalid('passwordProfile');
    out.forceChangePasswordNextSignIn = p.forceChangePasswordNextSignIn;
  }
  if (p.forceChangePasswordNextSignInWithMfa !== undefined) {
    if (typeof p.forceChangePasswordNextSignInWithMfa !== 'boolean') throw invalid('passwordProfile');
    out.forceChangePasswordNextSignInWithMfa = p.forceChangePasswordNextSignInWithMfa;
  }
  return out;
}

function checkUpn(ctx: GraphContext, user: DirUser, upn: string): void {
  const domain = upn.split('@')[1]?.toLowerCase();
  const verified = [ctx.store.tenant.defaultDomain, `${ctx.store.tenant.defaultDomain.replace(/\.com$/, '')}.onmicrosoft.com`];
  if (!domain || !verified.includes(domain)) throw badRequest('Property userPrincipalName is invalid.');
  const other = ctx.store.user(upn);
  if (other && other.id !== user.id) throw badRequest('Another object with the same value for property userPrincipalName already exists.');
}

