import { createHash } from 'node:crypto';
import { prng } from '../seed.js';
import { METHOD_IDS } from './catalogue.js';
import type { AuthMethod, DirUser, Personal, SimDrive } from './model.js';
import { picker, quickGuid, type Picker } from './random.js';
import type { TenantStore } from './store.js';

/**
 * Per-person details made on first use, from a PRNG seeded by the tenant seed and the user
 * id: the same person always gets the same methods, rules, meetings and OneDrive.
 */

/** Hoisted: global lookups are slow inside vm contexts (jest). */
const { floor } = Math;
const DAY = 24 * 3600_000;

/** Outlook-style opaque ids (base64 of a GUID with a mailbox-ish prefix). */
export const outlookId = (prefix: string, g: string) => `${prefix}${Buffer.from(g.replace(/-/g, ''), 'hex').toString('base64').replace(/\//g, '-').replace(/\+/g, '_')}`;

/** Graph's event dateTime format: local time with seven fractional digits, zone given apart. */
export const graphDateTime = (ms: number) => new Date(ms).toISOString().replace('Z', '').replace(/\.(\d{3})$/, '.$10000');

export function makePersonal(seed: string, now: Date): (store: TenantStore, user: DirUser) => Personal {
  return (store, user) => {
    const r = picker(prng(`${seed}:personal:${user.id}`));
    return {
      methods: methods(user, r),
      rules: user.kind === 'person' && store.mailboxes.has(user.id) ? rules(user, r) : [],
      events: user.kind === 'person' && store.mailboxes.has(user.id) ? events(store, user, r, now) : [],
      drive: user.hasOneDrive ? drive(store, user, r) : null,
    };
  };
}

function methods(u: DirUser, r: Picker): AuthMethod[] {
  const at = (daysAgo: number) => new Date(Date.parse(u.createdDateTime) + daysAgo * DAY).toISOString();
  const out: AuthMethod[] = [{ kind: 'password', id: METHOD_IDS.password, createdDateTime: u.lastPasswordChangeDateTime, props: { password: null } }];
  if (u.kind !== 'person') return out;
  if (r.chance(0.8)) {
    out.push({ kind: 'phone', id: METHOD_IDS.mobilePhone, createdDateTime: null, props: { phoneNumber: u.mobilePhone ?? '+1 5555550100', phoneType: 'mobile', smsSignInState: 'notAllowedByPolicy' } });
  }
  if (r.chance(0.1)) out.push({ kind: 'phone', id: METHOD_IDS.officePhone, createdDateTime: null, props: { phoneNumber: '+1 4255550199', phoneType: 'office', smsSignInState: 'notSupported' } });
  if (r.chance(0.7)) {
    out.push({
      kind: 'microsoftAuthenticator',
      id: quickGuid(r.rand),
      createdDateTime: at(r.int(1, 30)),
      props: { displayName: r.pick(['iPhone 15', 'iPhone 14', 'Pixel 8', 'SM-S911B']), deviceTag: 'SoftwareTokenActivated', phoneAppVersion: '6.8.10' },
    });
  }
  if (r.chance(0.12)) {
    out.push({
      kind: 'fido2',
      id: Buffer.from(quickGuid(r.rand)).toString('base64url'),
      createdDateTime: at(r.int(30, 300)),
      props: {
        displayName: 'YubiKey 5 NFC',
        aaGuid: 'cb69481e-8ff7-4039-93ec-0a2729a154a8',
        model: 'YubiKey 5 Series with NFC',
        attestationCertificates: ['c0a8f6c1d2e3b4a5968778695a4b3c2d1e0f1a2b'],
        attestationLevel: 'attested',
      },
    });
  }
  if (r.chance(0.3)) out.push({ kind: 'email', id: METHOD_IDS.email, createdDateTime: null, props: { emailAddress: `${u.mailNickname}@outlook.com` } });
  if (r.chance(0.05)) out.push({ kind: 'softwareOath', id: quickGuid(r.rand), createdDateTime: at(r.int(1, 100)), props: { secretKey: null } });
  return out;
}

function rules(u: DirUser, r: Picker): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const leaving = u.employeeLeaveDateTime !== null;
  const add = (displayName: string, conditions: object, actions: object) =>
    out.push({
      id: Buffer.from(`rule-${u.id}-${out.length + 1}`).toString('base64').slice(0, 12) + '=',
      displayName,
      sequence: out.length + 1,
      isEnabled: true,
      hasError: false,
      isReadOnly: false,
      conditions,
      actions,
    });
  if (r.chance(0.4)) add('Newsletters', { senderContains: ['newsletter'] }, { moveToFolder: outlookId('AAMkAD', quickGuid(r.rand)), stopProcessingRules: true });
  if (r.chance(leaving ? 0.3 : 0.05)) {
    add('Forward invoices', { subjectContains: ['invoice', 'receipt'] }, { forwardTo: [{ emailAddress: { name: u.displayName, address: `${u.mailNickname}@gmail.com` } }], stopProcessingRules: false });
  }
  if (r.chance(leaving ? 0.2 : 0.02)) {
    add('Copy everything', {}, { redirectTo: [{ emailAddress: { name: 'Personal', address: `${u.mailNickname}.home@outlook.com` } }] });
  }
  if (r.chance(0.05)) add('Delete promotions', { fromAddresses: [{ emailAddress: { name: 'Deals', address: 'promo@deals.example' } }] }, { delete: true });
  return out;
}

const SUBJECTS = ['Weekly sync', 'Quarterly planning', '1:1', 'Design review', 'Customer call', 'Budget review', 'Team lunch', 'Hiring panel', 'Project kickoff'];

function events(store: TenantStore, u: DirUser, r: Picker, now: Date): Record<string, unknown>[] {
  const count = r.int(0, 3) + (u.employeeLeaveDateTime ? 2 : 0);
  const out: Record<string, unknown>[] = [];
  const people = store.userOrder;
  for (let i = 0; i < count; i++) {
    const day = floor(now.getTime() / DAY) * DAY + r.int(1, 60) * DAY;
    const start = day + r.int(8, 16) * 3600_000;
    const end = start + r.pick([30, 45, 60]) * 60_000;
    const recurring = r.chance(0.3);
    const attendees = new Map<string, DirUser>();
    for (let k = r.int(1, 6); k > 0; k--) {
      const a = people[floor(r.rand() * people.length)]!;
      if (a.id !== u.id && a.kind === 'person') attendees.set(a.id, a);
    }
    const g = quickGuid(r.rand);
    const id = outlookId('AAMkAG', g);
    const created = new Date(now.getTime() - r.int(1, 60) * DAY).toISOString();
    const subject = r.pick(SUBJECTS);
    out.push({
      id,
      createdDateTime: created,
      lastModifiedDateTime: created,
      changeKey: Buffer.from(g).toString('base64').slice(0, 24),
      categories: [],
      transactionId: null,
      originalStartTimeZone: 'UTC',
      originalEndTimeZone: 'UTC',
      iCalUId: `040000008200E00074C5B7101A82E008${g.replace(/-/g, '').toUpperCase()}`,
      reminderMinutesBeforeStart: 15,
      isReminderOn: true,
      hasAttachments: false,
      subject,
      bodyPreview: `${subject} organised by ${u.displayName}.`,
      importance: 'normal',
      sensitivity: 'normal',
      isAllDay: false,
      isCancelled: false,
      isOrganizer: true,
      responseRequested: true,
      seriesMasterId: null,
      showAs: 'busy',
      type: recurring ? 'seriesMaster' : 'singleInstance',
      webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(id)}&exvsurl=1&path=/calendar/item`,
      onlineMeetingUrl: null,
      isOnlineMeeting: true,
      onlineMeetingProvider: 'teamsForBusiness',
      allowNewTimeProposals: true,
      isDraft: false,
      hideAttendees: false,
      responseStatus: { response: 'organizer', time: '0001-01-01T00:00:00Z' },
      body: { contentType: 'html', content: `<html><body><p>${subject}</p></body></html>` },
      start: { dateTime: graphDateTime(start), timeZone: 'UTC' },
      end: { dateTime: graphDateTime(end), timeZone: 'UTC' },
      location: { displayName: 'Microsoft Teams Meeting', locationType: 'default', uniqueIdType: 'unknown' },
      locations: [],
      recurrence: recurring
        ? {
            pattern: { type: 'weekly', interval: 1, month: 0, dayOfMonth: 0, daysOfWeek: [['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'][new Date(start).getUTCDay()]], firstDayOfWeek: 'sunday', index: 'first' },
            range: { type: 'noEnd', startDate: new Date(start).toISOString().slice(0, 10), endDate: '0001-01-01', recurrenceTimeZone: 'UTC', numberOfOccurrences: 0 },
          }
        : null,
      attendees: [...attendees.values()].map((a) => ({
        type: 'required',
        status: { response: r.pick(['accepted', 'none', 'tentativelyAccepted']), time: created },
        emailAddress: { name: a.displayName, address: a.mail },
      })),
      organizer: { emailAddress: { name: u.displayName, address: u.mail } },
      onlineMeeting: { joinUrl: `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${g.replace(/-/g, '')}%40thread.v2/0` },
    });
  }
  return out;
}

const hash = (s: string) => createHash('sha256').update(s).digest();

export function drivePermission(store: TenantStore, userId: string, roles: string[]): Record<string, unknown> {
  const u = store.users.get(userId)!;
  const who = { id: u.id, displayName: u.displayName, email: u.mail };
  return {
    id: hash(`perm:${userId}:${roles.join()}`).toString('base64url').slice(0, 28),
    roles,
    grantedTo: { user: who },
    grantedToV2: { user: who, siteUser: { displayName: u.displayName, email: u.mail, id: String(hash(u.id).readUInt16BE(0)), loginName: `i:0#.f|membership|${u.userPrincipalName}` } },
  };
}

function drive(store: TenantStore, u: DirUser, r: Picker): SimDrive {
  const permissions: Record<string, unknown>[] = [drivePermission(store, u.id, ['owner'])];
  if (u.managerId && r.chance(0.1)) permissions.push(drivePermission(store, u.managerId, ['write']));
  if (r.chance(0.05)) {
    permissions.push({
      id: hash(`link:${u.id}`).toString('base64url').slice(0, 28),
      roles: ['read'],
      hasPassword: false,
      grantedToIdentitiesV2: [],
      grantedToIdentities: [],
      link: { scope: 'anonymous', type: 'view', preventsDownload: false, webUrl: `https://contoso-my.sharepoint.com/:f:/g/personal/${u.mailNickname}/${hash(u.id).toString('base64url').slice(0, 22)}` },
    });
  }
  const h = hash(`drive:${u.id}`);
  return {
    id: `b!${h.toString('base64url')}${hash(`site:${u.id}`).toString('base64url').slice(0, 21)}`,
    rootId: `01${h.toString('hex').toUpperCase().slice(0, 32)}`,
    ownerId: u.id,
    createdDateTime: u.createdDateTime,
    usedBytes: floor(r.rand() ** 2 * 200 * 1024 ** 3),
    permissions,
  };
}
