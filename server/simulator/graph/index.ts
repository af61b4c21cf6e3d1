import type { SimRuntime } from '../runtime.js';
import { authMethodRoutes } from './auth-methods.js';
import { batchRoute } from './batch.js';
import { CANCEL_PARAMETERS, calendarRoutes } from './calendar.js';
import { deltaRoutes } from './delta.js';
import { deviceRoutes, WIPE_PARAMETERS } from './devices.js';
import { directoryRoutes, RESTORE_PARAMETERS } from './directory.js';
import { createDispatcher, type Dispatcher } from './dispatch.js';
import { driveRoutes, INVITE_PARAMETERS } from './drive.js';
import { groupRoutes } from './groups.js';
import { ASSIGN_LICENSE_PARAMETERS, licenceRoutes } from './licences.js';
import { mailRoutes } from './mail.js';
import { teamRoutes } from './teams.js';
import type { Route } from './types.js';
import { userRoutes } from './users.js';

/** The bound actions the simulator implements, with the body parameters it accepts. */
export const GRAPH_ACTIONS = [
  { name: 'assignLicense', binding: 'microsoft.graph.user', parameters: ASSIGN_LICENSE_PARAMETERS },
  { name: 'revokeSignInSessions', binding: 'microsoft.graph.user', parameters: [] },
  { name: 'wipe', binding: 'microsoft.graph.managedDevice', parameters: WIPE_PARAMETERS },
  { name: 'retire', binding: 'microsoft.graph.managedDevice', parameters: [] },
  { name: 'cancel', binding: 'microsoft.graph.event', parameters: CANCEL_PARAMETERS },
  { name: 'invite', binding: 'microsoft.graph.driveItem', parameters: INVITE_PARAMETERS },
  { name: 'restore', binding: 'microsoft.graph.directoryObject', parameters: RESTORE_PARAMETERS },
];

/** Every Graph route the simulated tenant answers, most specific first (delta before /users/{id}). */
export function graphDispatcher(rt: () => SimRuntime): Dispatcher {
  let dispatcher: Dispatcher;
  const routes: Route[] = [
    ...deltaRoutes,
    ...userRoutes,
    ...groupRoutes,
    ...teamRoutes,
    ...licenceRoutes,
    ...mailRoutes,
    ...calendarRoutes,
    ...authMethodRoutes,
    ...deviceRoutes,
    ...driveRoutes,
    ...directoryRoutes,
    batchRoute(() => dispatcher),
  ];
  dispatcher = createDispatcher(rt, routes);
  return dispatcher;
}
