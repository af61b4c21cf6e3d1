/** The signed-in member's notices (the manager's "X is offboarded", …). */
import { apiGet, type RequestOptions } from './client';

export interface Notice {
  id: string;
  title: string;
  body: string;
  /** A path under /tabs/ (or a full URL). */
  link: string | null;
  createdAt: string;
  deliveredByBot: boolean;
}

export const listMyNotices = (orgId: string, opts?: RequestOptions) => apiGet<Notice[]>(`/orgs/${encodeURIComponent(orgId)}/notifications`, opts);
