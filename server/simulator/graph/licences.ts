import type { LicenceAssignment, Sku } from '../tenant/model.js';
import { actionBody, isGuid, readUser, writeUser } from './common.js';
import { USER_SHAPE } from './directory-shapes.js';
import { entity, list, type Shape } from './odata.js';
import { LICENCE_READ, LICENCE_WRITE, SKU_READ } from './perms.js';
import { badRequest, type GraphContext, type Route } from './types.js';

/** Licences: the tenant's subscriptions, a user's licence details, and assignLicense. */

export const ASSIGN_LICENSE_PARAMETERS = ['addLicenses', 'removeLicenses'];

const planInfo = (p: { servicePlanId: string; servicePlanName: string }, disabled: readonly string[]) => ({
  servicePlanId: p.servicePlanId,
  servicePlanName: p.servicePlanName,
  provisioningStatus: disabled.includes(p.servicePlanId) ? 'Disabled' : 'Success',
  appliesTo: 'User',
});

const SKU_SHAPE: Shape<Sku> = {
  type: 'microsoft.graph.subscribedSku',
  props: {
    accountId: (_k, s) => s.store.tenant.id,
    accountName: (_k, s) => s.store.tenant.displayName,
    appliesTo: () => 'User',
    capabilityStatus: () => 'Enabled',
    consumedUnits: (k, s) => s.store.consumedUnits(k.skuId),
    id: (k, s) => `${s.store.tenant.id}_${k.skuId}`,
    prepaidUnits: (k) => ({ enabled: k.enabledUnits, lockedOut: 0, suspended: 0, warning: 0 }),
    servicePlans: (k) => k.servicePlans.map((p) => planInfo(p, [])),
    skuId: (k) => k.skuId,
    skuPartNumber: (k) => k.skuPartNumber,
    subscriptionIds: (k, s) => [s.store.tenant.id.slice(0, 24) + k.skuId.slice(24)],
  },
  defaults: null,
};

interface Detail {
  userId: string;
  sku: Sku;
  disabledPlans: string[];
}

const DETAIL_SHAPE: Shape<Detail> = {
  type: 'microsoft.graph.licenseDetails',
  props: {
    id: (d) => Buffer.from(`${d.userId}:${d.sku.skuId}`).toString('base64url'),
    servicePlans: (d) => d.sku.servicePlans.map((p) => planInfo(p, d.disabledPlans)),
    skuId: (d) => d.sku.skuId,
    skuPartNumber: (d) => d.sku.skuPartNumber,
  },
  defaults: null,
};

function parseAdd(ctx: GraphContext, value: unknown): LicenceAssignment[] {
  if (!Array.isArray(value)) throw badRequest("Invalid value specified for property 'addLicenses' of resource 'User'.");
  return value.map((l) => {
    if (!l || typeof l !== 'object') throw badRequest("Invalid value specified for property 'addLicenses' of resource 'User'.");
    const { skuId, disabledPlans = [], ...rest } = l as Record<string, unknown>;
    const unknown = Object.keys(rest)[0];
    if (unknown) throw badRequest(`Property '${unknown}' does not exist as a declared property or extension property.`);
    if (!isGuid(skuId)) throw badRequest(`Invalid value specified for property 'skuId' of resource 'AssignedLicense'.`);
    const sku = ctx.store.skus.find((k) => k.skuId === skuId.toLowerCase());
    if (!sku) throw badRequest(`License ${skuId} does not correspond to a valid company License.`);
    if (!Array.isArray(disabledPlans) || disabledPlans.some((p) => !sku.servicePlans.some((x) => x.servicePlanId === p))) {
      throw badRequest(`Invalid value specified for property 'disabledPlans' of resource 'AssignedLicense'.`);
    }
    return { skuId: sku.skuId, disabledPlans: disabledPlans as string[] };
  });
}

export const licenceRoutes: Route[] = [
  { method: 'GET', path: '/subscribedSkus', perms: SKU_READ, cost: 3, handle: (ctx) => list(ctx, { fragment: 'subscribedSkus', shape: SKU_SHAPE, items: ctx.store.skus, page: { default: 999, max: 999 } }) },
  {
    method: 'GET',
    path: '/users/{id}/licenseDetails',
    perms: LICENCE_READ,
    cost: 2,
    handle: (ctx) => {
      const u = readUser(ctx);
      const items = ctx.store.assignedLicences(u).map((l) => ({ userId: u.id, sku: ctx.store.skus.find((k) => k.skuId === l.skuId)!, disabledPlans: l.disabledPlans }));
      return list(ctx, { fragment: `users('${u.id}')/licenseDetails`, shape: DETAIL_SHAPE, items, page: { default: 999, max: 999 } });
    },
  },
  {
    method: 'POST',
    path: '/users/{id}/assignLicense',
    perms: LICENCE_WRITE,
    handle: (ctx) => {
      const u = writeUser(ctx);
      const body = actionBody(ctx.req.body, ASSIGN_LICENSE_PARAMETERS, ASSIGN_LICENSE_PARAMETERS);
      const add = parseAdd(ctx, body.addLicenses);
      const remove = body.removeLicenses;
      if (!Array.isArray(remove) || remove.some((x) => !isGuid(x))) throw badRequest("Invalid value specified for property 'removeLicenses' of resource 'User'.");
      if (add.length && !u.usageLocation) throw badRequest('License assignment cannot be done for user with invalid usage location.');
      const states = ctx.store.licenceStates(u);
      let direct = u.licences.filter((l) => !remove.some((r) => r.toLowerCase() === l.skuId));
      for (const skuId of remove as string[]) {
        const id = skuId.toLowerCase();
        const has = states.filter((s) => s.skuId === id);
        if (!has.length) throw badRequest('User does not have a corresponding license.');
        if (has.every((s) => s.assignedByGroup)) throw badRequest('User license is inherited from a group membership and it cannot be removed directly from the user.');
      }
      for (const a of add) {
        const has = ctx.store.assignedLicences(u).some((l) => l.skuId === a.skuId);
        const sku = ctx.store.skus.find((k) => k.skuId === a.skuId)!;
        if (!has && ctx.store.consumedUnits(a.skuId) >= sku.enabledUnits) {
          throw badRequest(`License assignment failed because the subscription ${sku.skuPartNumber} (${sku.skuId}) has no available licenses.`);
        }
        direct = [...direct.filter((l) => l.skuId !== a.skuId), a];
      }
      ctx.store.setDirectLicences(u.id, direct);
      return entity(ctx, 'users', USER_SHAPE, u);
    },
  },
];
