/** The roles a member can have in an organisation. */
export const ROLES = ['owner', 'admin', 'manager', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/**
 * The one table of who may do what. Every API route and bot command names one of these
 * permissions (or is public / needs only a signed-in person); the server enforces it.
 */
export const PERMISSIONS = [
  'org.read',
  'org.update',
  'org.delete',
  'members.read',
  'members.invite',
  'members.manage',
  'billing.read',
  'billing.manage',
  'audit.read',
  'audit.export',
  'tenants.read',
  'tenants.manage',
  'settings.read',
  'settings.manage',
  'employees.read',
  'employees.manage',
  'offboarding.read',
  'offboarding.trigger',
  'offboarding.approve',
  'integrations.read',
  'integrations.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READS = PERMISSIONS.filter((p) => p.endsWith('.read') && p !== 'billing.read');

/**
 * Owner: everything, billing and deletion. Admin: all actions, invites, settings; no billing.
 * Manager: read, trigger offboardings, manage employees; no team, settings or billing.
 * Viewer: read everything (but billing); no actions.
 */
export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  owner: new Set(PERMISSIONS),
  admin: new Set(PERMISSIONS.filter((p) => !p.startsWith('billing.') && p !== 'org.delete')),
  manager: new Set<Permission>([...READS, 'employees.manage', 'offboarding.trigger']),
  viewer: new Set<Permission>(READS),
};

// The tabs import this file too (tabs/src/app/permissions.ts): keep it free of imports.

export const can = (role: Role, permission: Permission) => ROLE_PERMISSIONS[role].has(permission);
export const permissionsOf = (role: Role): Permission[] => PERMISSIONS.filter((p) => can(role, p));
