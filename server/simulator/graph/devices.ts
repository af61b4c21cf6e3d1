import type { SimManagedDevice } from '../tenant/model.js';
import { actionBody, readUser } from './common.js';
import { DEVICE_SHAPE } from './directory-shapes.js';
import { entity, list, type Shape, type ShapeContext } from './odata.js';
import { DEVICES_PRIVILEGED, DEVICES_READ, REGISTERED_DEVICES_READ } from './perms.js';
import { badRequest, GraphError, noContent, type GraphContext, type Route } from './types.js';

/**
 * Intune managed devices (list, read, wipe, retire) and a user's Entra registered devices.
 * A wipe or retire is recorded as a pending device action (deviceActionResults) and the
 * device's managementState becomes wipePending / retirePending, so a re-check can see the
 * action was issued; issuing the same action again while it is pending changes nothing.
 * The device carries it out when it next checks in (`sim.admin.completeDeviceActions()`).
 */

const fieldsOf = (d: SimManagedDevice, s: ShapeContext) => {
  const u = s.store.users.get(d.userId);
  return { userPrincipalName: u?.userPrincipalName ?? null, userDisplayName: u?.displayName ?? null, emailAddress: u?.mail ?? null };
};

const MANAGED_SHAPE: Shape<SimManagedDevice> = {
  type: 'microsoft.graph.managedDevice',
  props: {
    id: (d) => d.id,
    userId: (d) => d.userId,
    deviceName: (d) => d.deviceName,
    managedDeviceOwnerType: (d) => d.managedDeviceOwnerType,
    enrolledDateTime: (d) => d.enrolledDateTime,
    lastSyncDateTime: (d) => d.lastSyncDateTime,
    operatingSystem: (d) => d.operatingSystem,
    complianceState: (d) => d.complianceState,
    jailBroken: (d) => (d.operatingSystem === 'iOS' || d.operatingSystem === 'Android' ? 'False' : 'Unknown'),
    managementAgent: () => 'mdm',
    managementState: (d) => d.managementState,
    osVersion: (d) => d.osVersion,
    easActivated: () => false,
    easDeviceId: () => null,
    easActivationDateTime: () => '0001-01-01T00:00:00Z',
    azureADRegistered: () => true,
    deviceEnrollmentType: (d) => (d.operatingSystem === 'Windows' ? 'windowsAzureADJoin' : d.managedDeviceOwnerType === 'personal' ? 'userEnrollment' : 'appleBulkWithUser'),
    activationLockBypassCode: () => null,
    emailAddress: (d, s) => fieldsOf(d, s).emailAddress,
    azureADDeviceId: (d) => d.azureADDeviceId,
    deviceRegistrationState: () => 'registered',
    deviceCategoryDisplayName: () => 'Unknown',
    isSupervised: (d) => d.managedDeviceOwnerType === 'company' && d.operatingSystem === 'iOS',
    exchangeLastSuccessfulSyncDateTime: () => '0001-01-01T00:00:00Z',
    exchangeAccessState: () => 'none',
    exchangeAccessStateReason: () => 'none',
    remoteAssistanceSessionUrl: () => null,
    remoteAssistanceSessionErrorDetails: () => null,
    isEncrypted: (d) => d.isEncrypted,
    userPrincipalName: (d, s) => fieldsOf(d, s).userPrincipalName,
    model: (d) => d.model,
    manufacturer: (d) => d.manufacturer,
    imei: () => null,
    complianceGracePeriodExpirationDateTime: () => '9999-12-31T23:59:59Z',
    serialNumber: (d) => d.serialNumber,
    phoneNumber: () => null,
    androidSecurityPatchLevel: () => null,
    userDisplayName: (d, s) => fieldsOf(d, s).userDisplayName,
    configurationManagerClientEnabledFeatures: () => null,
    wiFiMacAddress: () => null,
    deviceHealthAttestationState: () => null,
    subscriberCarrier: () => null,
    meid: () => null,
    totalStorageSpaceInBytes: () => 256 * 1024 ** 3,
    freeStorageSpaceInBytes: () => 97 * 1024 ** 3,
    managedDeviceName: (d) => `${d.userId.slice(0, 8)}_${d.operatingSystem}_${d.enrolledDateTime.slice(0, 10)}`,
    partnerReportedThreatState: () => 'unknown',
    requireUserEnrollmentApproval: () => null,
    managementCertificateExpirationDate: () => '2027-01-01T00:00:00Z',
    iccid: () => null,
    udid: () => null,
    notes: () => null,
    ethernetMacAddress: () => null,
    physicalMemoryInBytes: () => 0,
    enrollmentProfileName: () => null,
    deviceActionResults: (d) => d.deviceActionResults.map((a) => ({ ...a })),
  },
  defaults: null,
};

const intune = { service: 'intune' as const };

export const WIPE_PARAMETERS = ['keepEnrollmentData', 'keepUserData', 'macOsUnlockCode', 'persistEsimDataPlan'];

function readDevice(ctx: GraphContext): SimManagedDevice {
  const d = ctx.store.managedDevices.get(ctx.params.deviceId!);
  if (!d) throw new GraphError(404, 'ResourceNotFound', `{"Message": "No managed device found with id ${ctx.params.deviceId}"}`);
  return d;
}

const devicePage = (ctx: GraphContext, fragment: string, items: readonly SimManagedDevice[]) =>
  list(ctx, {
    fragment,
    shape: MANAGED_SHAPE,
    items,
    view: (d) => ctx.store.managedDevices.get(d.id),
    byKey: [{ prop: 'id', find: (id) => ctx.store.managedDevices.get(id) }],
    page: { default: 1000, max: 1000 },
  });

/** The wipe/retire action: recorded as pending, idempotent while pending. */
function deviceAction(action: 'wipe' | 'retire', params: readonly string[]): Route {
  return {
    ...intune,
    method: 'POST',
    path: `/deviceManagement/managedDevices/{deviceId}/${action}`,
    perms: DEVICES_PRIVILEGED,
    handle: (ctx) => {
      const d = readDevice(ctx);
      const body = actionBody(ctx.req.body, params);
      for (const k of ['keepEnrollmentData', 'keepUserData', 'persistEsimDataPlan']) {
        if (body[k] !== undefined && typeof body[k] !== 'boolean') throw badRequest(`Invalid value for parameter '${k}'.`, 'BadRequest');
      }
      const pending = d.deviceActionResults.find((a) => a.actionName === action && a.actionState === 'pending');
      const now = ctx.store.iso();
      if (pending) pending.lastUpdatedDateTime = now;
      else {
        d.deviceActionResults.push({ actionName: action, actionState: 'pending', startDateTime: now, lastUpdatedDateTime: now });
        d.managementState = action === 'wipe' ? 'wipePending' : 'retirePending';
      }
      return noContent();
    },
  };
}

export const deviceRoutes: Route[] = [
  { ...intune, method: 'GET', path: '/deviceManagement/managedDevices', perms: DEVICES_READ, handle: (ctx) => devicePage(ctx, 'deviceManagement/managedDevices', ctx.store.managedOrder) },
  {
    ...intune,
    method: 'GET',
    path: '/users/{id}/managedDevices',
    perms: DEVICES_READ,
    handle: (ctx) => {
      const u = readUser(ctx);
      return devicePage(ctx, `users('${u.id}')/managedDevices`, ctx.store.managedDevicesOf(u.id));
    },
  },
  { ...intune, method: 'GET', path: '/deviceManagement/managedDevices/{deviceId}', perms: DEVICES_READ, handle: (ctx) => entity(ctx, 'deviceManagement/managedDevices', MANAGED_SHAPE, readDevice(ctx)) },
  deviceAction('wipe', WIPE_PARAMETERS),
  deviceAction('retire', []),
  {
    method: 'GET',
    path: '/users/{id}/registeredDevices',
    perms: REGISTERED_DEVICES_READ,
    handle: (ctx) => {
      const u = readUser(ctx);
      return list(ctx, { fragment: 'directoryObjects', shape: DEVICE_SHAPE, items: ctx.store.registeredDevicesOf(u.id), page: { default: 100, max: 999 }, directory: true, typed: true });
    },
  },
];
