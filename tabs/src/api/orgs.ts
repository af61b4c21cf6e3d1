/** Typed calls for the signed-in person, organisations, members and invitations. */
import { apiDelete, apiGet, apiPatch, apiPost, type RequestOptions } from './client';
import type { Role } from '../app/permissions';

export interface User {
  id: string;
  name: string;
  email: string;
  tenantId: string;
}

/** GET /api/v1/auth/session (cookie sessions only). */
export interface Session {
  user: User;
  csrfToken: string;
  via: 'demo' | 'microsoft' | 'teams';
}

export interface Membership {
  orgId: string;
  orgName: string;
  role: Role;
  permissions: string[];
}

/** GET /api/v1/me */
export interface Me {
  user: User;
  memberships: Membership[];
}

export interface Org {
  id: string;
  name: string;
  createdAt: string;
  role: Role;
  permissions: string[];
}

export interface Member {
  id: string;
  userId: string;
  name: string;
  email: string;
  role: Role;
  joinedAt: string;
  isYou: boolean;
}

export interface PendingInvite {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
  invitedBy: string;
}

/** The answer to creating an invitation: `link` is shown once and never again. */
export interface CreatedInvite {
  id: string;
  email: string;
  role: Role;
  expiresAt: string;
  link: string;
}

export interface InvitePreview {
  orgName: string;
  role: Role;
  email: string;
  expiresAt: string;
  invitedBy: string;
  status: 'pending' | 'expired' | 'accepted' | 'revoked';
}

const org = (orgId: string) => `/orgs/${encodeURIComponent(orgId)}`;

export const getSession = (opts?: RequestOptions) => apiGet<Session>('/auth/session', { ...opts, expectUnauthenticated: true });
export const getMe = (opts?: RequestOptions) => apiGet<Me>('/me', opts);

export const createOrg = (name: string) =>
  apiPost<{ id: string; name: string; role: Role; permissions: string[] }>('/orgs', { name });
export const getOrg = (orgId: string, opts?: RequestOptions) => apiGet<Org>(org(orgId), opts);
export const renameOrg = (orgId: string, name: string) => apiPatch<Org>(org(orgId), { name });

export const listMembers = (orgId: string, opts?: RequestOptions) => apiGet<Member[]>(`${org(orgId)}/members`, opts);
export const changeMemberRole = (orgId: string, memberId: string, role: Role) =>
  apiPatch<Member>(`${org(orgId)}/members/${encodeURIComponent(memberId)}`, { role });
export const removeMember = (orgId: string, memberId: string) => apiDelete(`${org(orgId)}/members/${encodeURIComponent(memberId)}`);

export const listInvites = (orgId: string, opts?: RequestOptions) => apiGet<PendingInvite[]>(`${org(orgId)}/invites`, opts);
export const createInvite = (orgId: string, email: string, role: Role) => apiPost<CreatedInvite>(`${org(orgId)}/invites`, { email, role });
export const revokeInvite = (orgId: string, inviteId: string) => apiDelete(`${org(orgId)}/invites/${encodeURIComponent(inviteId)}`);

export const getInvite = (token: string, opts?: RequestOptions) => apiGet<InvitePreview>(`/invites/${encodeURIComponent(token)}`, opts);
export const acceptInvite = (token: string) => apiPost<{ orgId: string; role: Role }>(`/invites/${encodeURIComponent(token)}/accept`);

/** POST /auth/signout (outside /api/v1), then the caller reloads the page. */
export async function signOut(csrfToken: string | null): Promise<void> {
  await fetch('/auth/signout', {
    method: 'POST',
    credentials: 'same-origin',
    headers: csrfToken ? { 'x-csrf-token': csrfToken } : {},
  });
}

/** The full-page address that signs a person in and brings them back to `returnTo`. */
export function signInUrl(returnTo: string = window.location.pathname + window.location.search): string {
  return `/auth/signin?returnTo=${encodeURIComponent(returnTo)}`;
}
