/** What each role may do. The server decides; the tabs only hide what a role cannot use. */

// The server's own table of roles and permissions: one source for both.
export { ROLES, PERMISSIONS, type Role, type Permission } from '../../../server/orgs/permissions';
import { ROLES, type Role } from '../../../server/orgs/permissions';

export const ROLE_LABEL: Record<Role, string> = {
  owner: 'Owner',
  admin: 'Admin',
  manager: 'Manager',
  viewer: 'Viewer',
};

/** One line per role, shown where a role is chosen. */
export const ROLE_SUMMARY: Record<Role, string> = {
  owner: 'Everything, including billing, deleting the organisation and making other owners.',
  admin: 'Everything except billing and deleting the organisation.',
  manager: 'Sees everything but billing; adds employees and starts offboardings, which an admin approves.',
  viewer: 'Sees everything but billing; changes nothing.',
};

/** "Owner" for 'owner'; an unknown role from a newer server is shown as it comes. */
export function roleLabel(role: string): string {
  return (ROLE_LABEL as Record<string, string>)[role] ?? role.charAt(0).toUpperCase() + role.slice(1);
}

/** "an Admin", "a Viewer": for sentences that name a role. */
export function withArticle(role: string): string {
  const label = roleLabel(role);
  return /^[aeiou]/i.test(label) ? `an ${label}` : `a ${label}`;
}

/** The roles `actor` may give someone: only owners may hand out (or take away) Owner. */
export function assignableRoles(actor: string | undefined): Role[] {
  return actor === 'owner' ? [...ROLES] : ROLES.filter((r) => r !== 'owner');
}
