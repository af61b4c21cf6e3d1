import type { SimMobileDevice } from '../../tenant/model.js';
import type { TenantStore } from '../../tenant/store.js';
import { notFoundError } from '../errors.js';
import { distinguishedName, mailboxUsers, resolveMailbox } from '../recipients.js';
import { none, rows, type Cmdlet } from '../types.js';
import { limitResults } from './results.js';

/** Exchange ActiveSync and Outlook mobile partnerships: Get-MobileDevice and Remove-MobileDevice. */

const deviceName = (d: SimMobileDevice) => `${d.deviceType}§${d.deviceId}`;

function identityOf(store: TenantStore, d: SimMobileDevice): string {
  return `${store.users.get(d.userId)?.mailNickname ?? d.userId}\\ExchangeActiveSyncDevices\\${deviceName(d)}`;
}

function deviceObject(store: TenantStore, d: SimMobileDevice): Record<string, unknown> {
  const u = store.users.get(d.userId);
  return {
    Identity: identityOf(store, d),
    Name: deviceName(d),
    Guid: d.guid,
    DeviceId: d.deviceId,
    DeviceType: d.deviceType,
    DeviceModel: d.deviceModel,
    DeviceOS: d.deviceOs,
    FriendlyName: d.friendlyName,
    DeviceUserAgent: d.clientType === 'Outlook' ? 'Outlook-iOS-Android/1.0' : `${d.deviceType}/1.0`,
    ClientType: d.clientType,
    FirstSyncTime: d.firstSyncTime,
    DeviceAccessState: 'Allowed',
    DeviceAccessStateReason: 'Global',
    UserDisplayName: u?.displayName ?? null,
    DistinguishedName: `CN=${deviceName(d)},CN=ExchangeActiveSyncDevices,${u ? distinguishedName(store, u.mailNickname) : ''}`,
    WhenCreated: d.firstSyncTime,
  };
}

export const deviceCmdlets: Cmdlet[] = [
  {
    name: 'Get-MobileDevice',
    params: { Mailbox: { type: 'string' }, Identity: { type: 'string' }, ResultSize: { type: 'resultSize' } },
    target: 'Mailbox',
    run: (ctx) => {
      const { store, params } = ctx;
      let list: SimMobileDevice[];
      if (params.Mailbox !== undefined) list = store.mobileDevicesOf(resolveMailbox(store, params.Mailbox).user.id);
      else if (params.Identity !== undefined) list = [findDevice(store, String(params.Identity))];
      else list = [...mailboxUsers(store)].flatMap((u) => store.mobileDevicesOf(u.id));
      return rows(limitResults(ctx, list), (d) => deviceObject(store, d));
    },
  },
  {
    name: 'Remove-MobileDevice',
    params: { Identity: { type: 'string', required: true } },
    run: ({ store, params }) => {
      const d = findDevice(store, String(params.Identity));
      store.mobileDevices.delete(d.guid);
      return none();
    },
  },
];

function findDevice(store: TenantStore, identity: string): SimMobileDevice {
  const byGuid = store.mobileDevices.get(identity);
  if (byGuid && store.user(byGuid.userId)) return byGuid;
  for (const d of store.mobileDevices.values()) {
    if (store.user(d.userId) && (identityOf(store, d).toLowerCase() === identity.toLowerCase() || d.deviceId === identity)) return d;
  }
  throw notFoundError(identity);
}
