import express, { type Request, type Response, type Router } from 'express';
import type { SimAdmin } from './admin.js';
import type { AppRegistration } from './apps.js';
import type { RealismOptions } from './realism.js';
import type { SimRuntime } from './runtime.js';
import type { DirUser, SimGroup } from './tenant/model.js';
import { exchangeGuidOf, type TenantStore } from './tenant/store.js';

/**
 * The state inspection API (test and demo only), on the simulator's own server:
 *   GET  /_sim/state                 the whole tenant (?summary=true: counts only)
 *   GET  /_sim/state/users/{id|upn}  one person: memberships, licences, mailbox, devices, methods…
 *   GET  /_sim/state/groups/{id}     one group with its members and owners
 *   GET  /_sim/log?since=N           mutating calls, in order
 *   GET  /_sim/config                realism in force;  POST /_sim/config  change it
 *   POST /_sim/reset                 back to the seeded tenant (log cleared)
 *   POST /_sim/apps                  register an app {displayName, roles} -> {clientId, clientSecret}
 *   POST /_sim/apps/{clientId}/roles {roles: [...]}: replace its consented permissions
 *   POST /_sim/admin/{operation}     {args: [...]}: call sim.admin.{operation}(...args)
 */

const groupRef = (g: SimGroup) => ({ id: g.id, displayName: g.displayName, kind: groupKind(g) });

export function groupKind(g: SimGroup): string {
  if (g.groupTypes.includes('DynamicMembership')) return 'dynamic';
  if (g.groupTypes.includes('Unified')) return g.resourceProvisioningOptions.includes('Team') ? 'team' : 'microsoft365';
  if (g.mailEnabled) return g.securityEnabled ? 'mailEnabledSecurity' : 'distribution';
  return 'security';
}

const publicUser = (u: DirUser) => {
  const { passwordHash, ...rest } = u;
  return { ...rest, passwordSet: passwordHash !== null };
};

export function userState(store: TenantStore, key: string) {
  const u = store.user(key) ?? store.deletedUser(key) ?? [...store.users.values()].find((x) => x.userPrincipalName.toLowerCase() === key.toLowerCase());
  if (!u) return undefined;
  const p = store.personal(u.id);
  const named = (id: string) => ({ id, userPrincipalName: store.users.get(id)?.userPrincipalName ?? null });
  const mailbox = store.mailboxes.get(u.id);
  return {
    user: publicUser(u),
    deleted: u.deletedDateTime !== null,
    manager: u.managerId ? named(u.managerId) : null,
    directReports: store.directReports(u.id).map((r) => named(r.id)),
    memberOf: store.memberOf(u.id).map((id) => groupRef(store.groups.get(id)!)),
    transitiveMemberOf: store.transitiveMemberOf(u.id).map((id) => groupRef(store.groups.get(id)!)),
    ownerOf: store.ownerOf(u.id).map((id) => groupRef(store.groups.get(id)!)),
    licences: store.licenceStates(u).map((l) => ({ ...l, skuPartNumber: store.skus.find((k) => k.skuId === l.skuId)?.skuPartNumber })),
    mailbox: mailbox ? { ...mailbox, exchangeGuid: exchangeGuidOf(u.id) } : null,
    fullAccessGranted: store.fullAccess.on(u.id).map(([t, g]) => ({ trustee: named(t), ...g })),
    fullAccessHeld: store.fullAccess.heldBy(u.id).map(([m, g]) => ({ mailbox: named(m), ...g })),
    sendAsGranted: store.sendAs.on(u.id).map(([t, g]) => ({ trustee: named(t), ...g })),
    sendAsHeld: store.sendAs.heldBy(u.id).map(([m, g]) => ({ mailbox: named(m), ...g })),
    folderPermissionsGranted: ['Calendar', 'Inbox', 'Contacts'].flatMap((f) => store.folderGrants.on(`${u.id}:${f}`).map(([t, g]) => ({ folder: f, trustee: named(t), ...g }))),
    folderPermissionsHeld: store.folderGrants.heldBy(u.id).map(([target, g]) => ({ mailbox: named(target.split(':')[0]!), folder: target.split(':')[1], ...g })),
    managedDevices: store.managedDevicesOf(u.id),
    registeredDevices: store.registeredDevicesOf(u.id),
    mobileDevices: store.mobileDevicesOf(u.id),
    authenticationMethods: p.methods,
    inboxRules: p.rules,
    events: p.events,
    cancelledEvents: store.cancelledEvents.filter((e) => e.userId === u.id),
    drive: p.drive,
  };
}

export function groupState(store: TenantStore, id: string) {
  const g = store.groups.get(id);
  if (!g) return undefined;
  return { ...g, kind: groupKind(g), members: store.memberIds(g.id), owners: [...g.owners] };
}

export function snapshot(store: TenantStore, rt: SimRuntime, summary = false) {
  const counts = {
    users: [...store.liveUsers()].length,
    deletedUsers: store.deletedUsers().length,
    groups: store.groupOrder.filter((g) => !g.deletedDateTime).length,
    mailboxes: store.mailboxes.size,
    managedDevices: store.managedDevices.size,
    mobileDevices: store.mobileDevices.size,
    changes: store.seq,
  };
  const skus = store.skus.map((k) => ({ skuId: k.skuId, skuPartNumber: k.skuPartNumber, consumedUnits: store.consumedUnits(k.skuId), enabledUnits: k.enabledUnits }));
  const head = { tenant: store.tenant, counts, skus, realism: rt.realism.config, apps: rt.apps.list.map((a) => ({ clientId: a.clientId, displayName: a.displayName, roles: a.appRoles })) };
  if (summary) return head;
  return {
    ...head,
    users: store.userOrder.filter((u) => store.users.get(u.id) === u).map(publicUser),
    groups: store.groupOrder.map((g) => groupState(store, g.id)),
    mailboxes: [...store.mailboxes.values()],
    fullAccess: store.fullAccess.all(),
    sendAs: store.sendAs.all(),
    folderPermissions: store.folderGrants.all(),
    managedDevices: [...store.managedDevices.values()],
    mobileDevices: [...store.mobileDevices.values()],
    cancelledEvents: store.cancelledEvents,
  };
}

export interface InspectHooks {
  rt: () => SimRuntime;
  admin: SimAdmin;
  configure(o: RealismOptions): unknown;
  reset(): void;
  registerApp(reg: AppRegistration): unknown;
}

export function inspectRouter(h: InspectHooks): Router {
  const router = express.Router();
  router.use('/_sim', express.json({ limit: '1mb' }));
  const found = (res: Response, v: unknown) => (v === undefined ? res.status(404).json({ error: 'not found' }) : res.json(v));
  router.get('/_sim/state', (req, res) => res.json(snapshot(h.rt().store, h.rt(), req.query.summary === 'true')));
  router.get('/_sim/state/users/:id', (req, res) => found(res, userState(h.rt().store, req.params.id)));
  router.get('/_sim/state/groups/:id', (req, res) => found(res, groupState(h.rt().store, req.params.id)));
  router.get('/_sim/log', (req, res) => res.json(h.rt().log.list(Number(req.query.since ?? 0) || 0)));
  router.get('/_sim/config', (_req, res) => res.json(h.rt().realism.config));
  router.post('/_sim/config', (req: Request, res) => res.json(h.configure(req.body ?? {})));
  router.post('/_sim/reset', (_req, res) => {
    h.reset();
    res.json({ ok: true });
  });
  router.post('/_sim/apps', (req, res) => res.status(201).json(h.registerApp(req.body ?? {})));
  router.post('/_sim/apps/:clientId/roles', (req, res) => {
    try {
      res.json(h.rt().apps.setRoles(req.params.clientId, (req.body?.roles as string[]) ?? []));
    } catch (err) {
      res.status(404).json({ error: (err as Error).message });
    }
  });
  router.post('/_sim/admin/:op', (req, res) => {
    const fn = (h.admin as unknown as Record<string, (...a: unknown[]) => unknown>)[req.params.op];
    if (typeof fn !== 'function') return res.status(404).json({ error: `No admin operation '${req.params.op}'.` });
    try {
      res.json({ result: fn(...((req.body?.args as unknown[]) ?? [])) ?? null });
    } catch (err) {
      res.status(400).json({ error: (err as Error).message });
    }
  });
  return router;
}
