import type { ApiRoutes } from '../http/api-router.js';
import type { NotificationsService } from './notifications.service.js';

/** The signed-in member's own notices in an organisation (the bell in the tabs' header). */
export function registerNotificationRoutes(api: ApiRoutes, deps: { notices: NotificationsService }): void {
  api.get('/orgs/:orgId/notifications', 'org.read', (req) =>
    deps.notices.mine(req.member!.orgId, { objectId: req.auth!.user.objectId, email: req.auth!.user.email ?? null }),
  );
}
