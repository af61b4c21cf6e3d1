import { guid, prng, seedDirectory, type SimUser } from '../seed.js';
import { GB, QUOTA, SKU_IDS, skuCatalogue } from './catalogue.js';
import type { DirUser, GroupKind, LicenceAssignment, SimGroup, SimMailbox } from './model.js';
import { makePersonal } from './personal.js';
import { dayPool, picker, quickGuid, type Picker } from './random.js';
import { newMailbox, TenantStore } from './store.js';

/**
 * Seeds a whole tenant, deterministically for a seed and size, in one pass per kind of thing
 * (O(people)): the people of `seedDirectory` plus shared mailboxes, licences (direct and via a
 * licensing group), groups of every kind, mailboxes with their settings and permissions,
 * Intune and Entra devices, and Exchange ActiveSync partnerships. Per-person details
 * (authentication methods, inbox rules, meetings, OneDrive) are made on first use.
 */

export interface TenantSeedOptions {
  seed: string;
  users: number;
  now?: Date;
}

/** Hoisted: global lookups are slow inside vm contexts (jest). */
const { floor } = Math;
const DAY = 24 * 3600_000;
/** Shared by every record that has none (never changed in place: changes replace the array). */
const NONE = Object.freeze([]) as unknown as string[];
const COUNTRIES = ['US', 'US', 'US', 'GB', 'GB', 'DE', 'PL', 'DK', 'JP', 'NG', 'ES', 'IN', 'FR'];
const OFFICES: Record<string, string> = { US: 'Seattle', GB: 'London', DE: 'Berlin', PL: 'Warsaw', DK: 'Copenhagen', JP: 'Tokyo', NG: 'Lagos', ES: 'Madrid', IN: 'Bengaluru', FR: 'Paris' };
const SHARED = ['Info', 'Support', 'Sales Enquiries', 'Accounts Payable', 'Recruiting', 'Reception', 'Marketing Requests', 'IT Helpdesk', 'Legal Notices', 'Facilities'];

export function seedTenant(opts: TenantSeedOptions): TenantStore {
  const now = opts.now ?? new Date();
  const directory = seedDirectory({ seed: opts.seed, users: opts.users, now });
  const r = picker(prng(`${opts.seed}:tenant`));
  const ago = dayPool(now, 3 * 365);
  const store = new TenantStore(directory.tenant, skuCatalogue(), makePersonal(opts.seed, now));
  store.bulk = true;
  const domain = directory.tenant.defaultDomain;

  const people = directory.users.map((u, i) => enrich(u, i, r, ago));
  const shared = SHARED.slice(0, Math.max(3, Math.min(SHARED.length, floor(opts.users / 50)))).map((name, i) =>
    sharedAccount(name, i, r, ago, domain),
  );
  const viaGroup = assignLicences(people, r);
  for (const u of [...people, ...shared]) store.insertUser(u);

  seedGroups(store, people, viaGroup, r, ago, domain);
  seedMailboxes(store, people, viaGroup, shared, r, ago);
  seedDevices(store, people, r, ago);
  store.finishBulk();
  for (const sku of store.skus) sku.enabledUnits = Math.ceil(store.consumedUnits(sku.skuId) * 1.1) + 5;
  return store;
}

function enrich(u: SimUser, i: number, r: Picker, ago: (d: number) => string): DirUser {
  const country = i === 0 ? 'US' : r.pick(COUNTRIES);
  const synced = i > 8 && r.chance(0.03);
  const local = u.userPrincipalName.split('@')[0]!;
  // One literal with every field (no spread): records of one shape stay compact and fast.
  return {
    id: u.id,
    displayName: u.displayName,
    givenName: u.givenName,
    surname: u.surname,
    userPrincipalName: u.userPrincipalName,
    mail: u.mail,
    jobTitle: u.jobTitle,
    department: u.department,
    managerId: u.managerId,
    accountEnabled: u.accountEnabled,
    employeeLeaveDateTime: u.employeeLeaveDateTime,
    createdDateTime: u.createdDateTime,
    kind: 'person',
    mailNickname: local,
    usageLocation: country,
    officeLocation: OFFICES[country] ?? null,
    mobilePhone: r.chance(0.7) ? `+1 555 01${String(i % 10000).padStart(4, '0')}` : null,
    businessPhones: r.chance(0.5) ? [`+1 425 555 ${String(1000 + (i % 9000))}`] : NONE,
    employeeId: String(100000 + i),
    employeeType: r.chance(0.08) ? 'Contractor' : 'Employee',
    employeeHireDate: ago(30 + r.int(0, 3 * 365 - 31)),
    companyName: 'Contoso',
    preferredLanguage: 'en-US',
    city: OFFICES[country] ?? null,
    country,
    userType: 'Member',
    onPremisesSyncEnabled: synced ? true : null,
    onPremisesImmutableId: synced ? Buffer.from(u.id.replace(/-/g, ''), 'hex').toString('base64') : null,
    onPremisesSamAccountName: synced ? local.slice(0, 20) : null,
    onPremisesLastSyncDateTime: synced ? ago(0) : null,
    licences: [],
    passwordHash: null,
    forceChangePasswordNextSignIn: false,
    forceChangePasswordNextSignInWithMfa: false,
    lastPasswordChangeDateTime: ago(r.int(1, 180)),
    signInSessionsValidFromDateTime: u.createdDateTime,
    deletedDateTime: null,
    hasOneDrive: false,
    extra: null,
  };
}

function sharedAccount(name: string, i: number, r: Picker, ago: (d: number) => string, domain: string): DirUser {
  const local = name.toLowerCase().replace(/[^a-z]+/g, '');
  const upn = `${local}@${domain}`;
  return {
    id: guid(r.rand),
    displayName: name,
    givenName: '',
    surname: '',
    userPrincipalName: upn,
    mail: upn,
    jobTitle: '',
    department: '',
    managerId: null,
    accountEnabled: false,
    employeeLeaveDateTime: null,
    createdDateTime: ago(400 + i * 20),
    kind: 'shared',
    mailNickname: local,
    usageLocation: 'US',
    officeLocation: null,
    mobilePhone: null,
    businessPhones: [],
    employeeId: null,
    employeeType: null,
    employeeHireDate: null,
    companyName: null,
    preferredLanguage: 'en-US',
    city: null,
    country: null,
    userType: 'Member',
    onPremisesSyncEnabled: null,
    onPremisesImmutableId: null,
    onPremisesSamAccountName: null,
    onPremisesLastSyncDateTime: null,
    licences: [],
    passwordHash: null,
    forceChangePasswordNextSignIn: false,
    forceChangePasswordNextSignInWithMfa: false,
    lastPasswordChangeDateTime: ago(400),
    signInSessionsValidFromDateTime: ago(400),
    deletedDateTime: null,
    hasOneDrive: false,
    extra: null,
  };
}

/** Direct licences; returns who gets E3 through the licensing group (filled in `seedGroups`). */
function assignLicences(people: DirUser[], r: Picker): Set<DirUser> {
  const viaGroup = new Set<DirUser>();
  const direct = (u: DirUser, skuId: string, disabledPlans: string[] = NONE) => u.licences.push({ skuId, disabledPlans });
  people.forEach((u, i) => {
    const x = r.rand();
    if (i < 9 || u.department === 'IT') direct(u, SKU_IDS.E5);
    else if (x < 0.02) {
      // unlicensed: no mailbox, no OneDrive
    } else if (x < 0.08 && u.department === 'Operations') {
      direct(u, SKU_IDS.exchangeP1);
      if (r.chance(0.5)) direct(u, SKU_IDS.teamsExploratory);
    } else {
      viaGroup.add(u);
      if (r.chance(0.03)) direct(u, SKU_IDS.E3); // both direct and inherited
    }
    if (u.department === 'Finance' || r.chance(0.05)) direct(u, SKU_IDS.powerBi);
    u.hasOneDrive = u.licences.some((l) => l.skuId === SKU_IDS.E5 || l.skuId === SKU_IDS.E3) || viaGroup.has(u);
  });
  return viaGroup;
}

function seedGroups(store: TenantStore, people: DirUser[], viaGroup: Set<DirUser>, r: Picker, ago: (d: number) => string, domain: string): void {
  const ceo = people[0]!;
  const heads = people.slice(1, 9);
  const itHead = heads.find((h) => h.department === 'IT') ?? ceo;
  const byDept = new Map<string, DirUser[]>();
  for (const u of people) {
    const list = byDept.get(u.department);
    if (list) list.push(u);
    else byDept.set(u.department, [u]);
  }

  const make = (kind: GroupKind, displayName: string, members: Iterable<string>, owners: string[], extra: Partial<SimGroup> = {}) => {
    const nick = displayName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
    const mailEnabled = kind !== 'security';
    const g: SimGroup = {
      id: guid(r.rand),
      displayName,
      description: extra.description ?? `${displayName}`,
      mailNickname: nick,
      mail: mailEnabled ? `${nick}@${domain}` : null,
      mailEnabled,
      securityEnabled: kind === 'security' || kind === 'mailSecurity',
      groupTypes: kind === 'unified' ? ['Unified'] : [],
      membershipRule: null,
      membershipRuleProcessingState: null,
      visibility: kind === 'unified' ? 'Private' : null,
      resourceProvisioningOptions: [],
      onPremisesSyncEnabled: null,
      onPremisesLastSyncDateTime: null,
      createdDateTime: ago(r.int(200, 1000)),
      assignedLicenses: [],
      members: new Set(members),
      owners: new Set(owners),
      deletedDateTime: null,
      ...extra,
    };
    store.insertGroup(g);
    return g;
  };
  const ids = (us: DirUser[]) => us.map((u) => u.id);
  const team = { resourceProvisioningOptions: ['Team'] };

  make('unified', 'All Company', ids(people), [ceo.id, itHead.id], { ...team, visibility: 'Public', description: 'Everyone at Contoso' });
  const licensing: LicenceAssignment[] = [{ skuId: SKU_IDS.E3, disabledPlans: [] }];
  make('security', 'LIC - Microsoft 365 E3', ids(people.filter((u) => viaGroup.has(u))), [itHead.id], {
    assignedLicenses: licensing,
    description: 'Group-based licensing: members receive Microsoft 365 E3',
  });
  const managers = make('security', 'Managers', ids(heads), [itHead.id]);
  make('security', 'Leadership', [ceo.id, managers.id], [ceo.id], { description: 'Leadership (nests Managers)' });

  for (const [dept, members] of byDept) {
    if (dept === 'Executive') continue;
    const head = heads.find((h) => h.department === dept) ?? ceo;
    make('security', `SG-${dept}`, ids(members), [head.id], { description: `${dept} security group` });
    make('security', `${dept} (dynamic)`, [], [head.id], {
      groupTypes: ['DynamicMembership'],
      membershipRule: `(user.department -eq "${dept}") -and (user.accountEnabled -eq true)`,
      membershipRuleProcessingState: 'On',
    });
    make('distribution', `${dept} Announcements`, ids(members), [head.id]);
    make('unified', dept, ids(members), [head.id], dept.length % 2 === 0 ? team : {});
  }
  const finance = byDept.get('Finance') ?? [];
  make('mailSecurity', 'Finance Approvers', ids(finance.filter(() => r.chance(0.3))), [heads.find((h) => h.department === 'Finance')?.id ?? ceo.id]);
  const synced = { onPremisesSyncEnabled: true, onPremisesLastSyncDateTime: ago(0) };
  make('security', 'FS-Finance-Share (on-premises)', ids(finance.filter(() => r.chance(0.5))), [], { ...synced, description: 'Synchronised from Active Directory' });
  make('distribution', 'Office Managers (on-premises)', ids(people.filter(() => r.chance(0.01))), [], synced);

  const projects = 3 + floor(people.length / 100);
  for (let p = 0; p < projects; p++) {
    const members = new Set<string>();
    const size = r.int(4, 12);
    while (members.size < Math.min(size, people.length)) members.add(r.pick(people).id);
    const owners = [...members].slice(0, r.int(1, 2));
    make('unified', `Project ${PROJECT_NAMES[p % PROJECT_NAMES.length]}${p >= PROJECT_NAMES.length ? ` ${floor(p / PROJECT_NAMES.length) + 1}` : ''}`, members, owners, r.chance(0.7) ? team : {});
  }
}

const PROJECT_NAMES = ['Aurora', 'Bluebird', 'Cascade', 'Dynamo', 'Ember', 'Falcon', 'Granite', 'Harbor', 'Iris', 'Juniper', 'Kestrel', 'Lumen', 'Meridian', 'Nimbus', 'Orion', 'Pioneer'];
const EXTERNAL = ['gmail.com', 'outlook.com', 'proton.me', 'yahoo.com'];

function seedMailboxes(store: TenantStore, people: DirUser[], viaGroup: Set<DirUser>, shared: DirUser[], r: Picker, ago: (d: number) => string): void {
  const withMailbox: DirUser[] = [];
  people.forEach((u, i) => {
    const plan2 = u.licences.some((l) => l.skuId === SKU_IDS.E3 || l.skuId === SKU_IDS.E5) || viaGroup.has(u);
    const plan1 = u.licences.some((l) => l.skuId === SKU_IDS.exchangeP1);
    if (!plan2 && !plan1) return;
    const m = newMailbox(u.id, plan2 ? QUOTA.plan2 : QUOTA.plan1, u.createdDateTime, i);
    // Most mailboxes hold a few GB; about one in a hundred sits just under 50 GB.
    m.sizeBytes = r.chance(0.01) ? floor((48.6 + r.rand() * 1.2) * GB) : floor((0.1 + r.rand() ** 2 * 18) * GB);
    m.itemCount = floor(m.sizeBytes / (90 * 1024));
    if (r.chance(0.01)) {
      m.forwardingSmtpAddress = `smtp:${u.mailNickname}@${r.pick(EXTERNAL)}`;
      m.deliverToMailboxAndForward = r.chance(0.5);
    } else if (r.chance(0.005) && u.managerId) {
      m.forwardingAddress = u.managerId;
      m.deliverToMailboxAndForward = true;
    }
    m.hidden = r.chance(0.005);
    m.litigationHoldEnabled = r.chance(0.02);
    const auto = r.rand();
    if (auto < 0.03) {
      const start = Date.parse(ago(0)) + r.int(-3, 10) * DAY;
      m.autoReply = {
        state: auto < 0.02 ? 'Enabled' : 'Scheduled',
        internalMessage: `<html><body>I am out of the office. For urgent matters contact my manager.</body></html>`,
        externalMessage: `<html><body>Thank you for your message. I am out of the office.</body></html>`,
        externalAudience: r.pick(['All', 'Known', 'None'] as const),
        startTime: auto < 0.02 ? null : new Date(start).toISOString(),
        endTime: auto < 0.02 ? null : new Date(start + r.int(3, 21) * DAY).toISOString(),
      };
    }
    store.mailboxes.set(u.id, m);
    withMailbox.push(u);
  });
  shared.forEach((s, i) => {
    const m: SimMailbox = { ...newMailbox(s.id, QUOTA.shared, s.createdDateTime, i), type: 'SharedMailbox', hidden: r.chance(0.3) };
    m.sizeBytes = i === 1 ? floor(49.2 * GB) : floor((0.5 + r.rand() * 12) * GB);
    m.itemCount = floor(m.sizeBytes / (80 * 1024));
    store.mailboxes.set(s.id, m);
    for (let k = r.int(2, 6); k > 0 && withMailbox.length; k--) {
      const who = r.pick(withMailbox);
      store.fullAccess.set(s.id, who.id, { accessRights: ['FullAccess'], autoMapping: r.chance(0.8) });
      if (r.chance(0.5)) store.sendAs.set(s.id, who.id, { accessRights: ['SendAs'] });
    }
  });
  // Executives' assistants: full access, send as and calendar delegate.
  for (const boss of people.slice(0, 9)) {
    const team = withMailbox.filter((u) => u.managerId === boss.id);
    if (!team.length || !store.mailboxes.has(boss.id)) continue;
    const assistant = r.pick(team);
    store.fullAccess.set(boss.id, assistant.id, { accessRights: ['FullAccess'], autoMapping: true });
    store.sendAs.set(boss.id, assistant.id, { accessRights: ['SendAs'] });
    store.folderGrants.set(`${boss.id}:Calendar`, assistant.id, { accessRights: ['Editor'], sharingPermissionFlags: 'Delegate' });
  }
  for (const u of withMailbox) {
    if (u.managerId && store.mailboxes.has(u.managerId) && r.chance(0.08)) {
      store.folderGrants.set(`${u.id}:Calendar`, u.managerId, { accessRights: ['Reviewer'], sharingPermissionFlags: null });
    }
    if (r.chance(0.03)) {
      const peer = r.pick(withMailbox);
      if (peer !== u) store.folderGrants.set(`${u.id}:Calendar`, peer.id, { accessRights: ['LimitedDetails'], sharingPermissionFlags: null });
    }
  }
}

const LAPTOPS = {
  Windows: [
    ['Dell Inc.', 'Latitude 7440'],
    ['LENOVO', 'ThinkPad T14 Gen 4'],
    ['HP', 'HP EliteBook 840 G10'],
    ['Microsoft Corporation', 'Surface Laptop 5'],
  ],
  macOS: [
    ['Apple', 'MacBook Pro (14-inch, 2023)'],
    ['Apple', 'MacBook Air (13-inch, M2)'],
  ],
  iOS: [
    ['Apple', 'iPhone 15'],
    ['Apple', 'iPhone 14'],
  ],
  Android: [
    ['Google', 'Pixel 8'],
    ['samsung', 'SM-S911B'],
  ],
} as const;
const OS_VERSIONS = { Windows: '10.0.22631.3880', macOS: '14.5 (23F79)', iOS: '17.5.1', Android: '14' } as const;
const COMPLIANCE = ['compliant', 'compliant', 'compliant', 'compliant', 'compliant', 'compliant', 'compliant', 'compliant', 'noncompliant', 'inGracePeriod'] as const;

function seedDevices(store: TenantStore, people: DirUser[], r: Picker, ago: (d: number) => string): void {
  const serial = () => floor(r.rand() * 36 ** 8).toString(36).toUpperCase().padStart(8, '0');
  people.forEach((u) => {
    const initials = `${[...u.givenName][0] ?? 'X'}${[...u.surname][0] ?? 'X'}`.toUpperCase();
    const owned: ('Windows' | 'macOS' | 'iOS' | 'Android')[] = [];
    if (r.chance(0.85)) owned.push(r.chance(0.75) ? 'Windows' : 'macOS');
    if (r.chance(0.55)) owned.push(r.chance(0.6) ? 'iOS' : 'Android');
    for (const os of owned) {
      const [manufacturer, model] = r.pick<readonly [string, string]>(LAPTOPS[os]);
      const phone = os === 'iOS' || os === 'Android';
      const deviceId = quickGuid(r.rand);
      const complianceState = r.pick(COMPLIANCE);
      const sn = serial();
      const name = phone ? `${u.givenName}'s ${model}` : `${os === 'Windows' ? 'DESKTOP' : 'MAC'}-${initials}${sn.slice(0, 5)}`;
      const enrolled = ago(r.int(10, 700));
      store.insertManagedDevice({
        id: quickGuid(r.rand),
        userId: u.id,
        deviceName: name,
        operatingSystem: os,
        osVersion: OS_VERSIONS[os],
        complianceState,
        managementState: 'managed',
        managedDeviceOwnerType: phone && r.chance(0.5) ? 'personal' : 'company',
        enrolledDateTime: enrolled,
        lastSyncDateTime: ago(r.int(0, 3)),
        model,
        manufacturer,
        serialNumber: sn,
        azureADDeviceId: deviceId,
        isEncrypted: r.chance(0.95),
        deviceActionResults: [],
      });
            if (phone && store.mailboxes.has(u.id) && r.chance(0.8)) {
        const outlook = r.chance(0.6);
        store.insertMobileDevice({
          guid: quickGuid(r.rand),
          userId: u.id,
          deviceId: outlook ? `${sn}${sn}`.slice(0, 16) : `${os === 'iOS' ? 'Appl' : 'androidc'}${sn}`,
          deviceType: outlook ? 'Outlook' : os === 'iOS' ? 'iPhone' : 'Android',
          deviceModel: outlook ? 'Outlook for iOS and Android' : model,
          deviceOs: `${os} ${OS_VERSIONS[os]}`,
          friendlyName: name,
          clientType: outlook ? 'Outlook' : 'EAS',
          firstSyncTime: enrolled,
          lastSyncAttemptTime: ago(r.int(0, 2)),
        });
      }
    }
    if (r.chance(0.1)) {
      store.insertUnmanagedRegistration({
        id: quickGuid(r.rand),
        deviceId: quickGuid(r.rand),
        ownerId: u.id,
        displayName: `${initials}-HOME-PC`,
        operatingSystem: 'Windows',
        operatingSystemVersion: '10.0.19045.4529',
        trustType: 'Workplace',
        isManaged: false,
        isCompliant: false,
        accountEnabled: true,
        registrationDateTime: ago(r.int(30, 900)),
        approximateLastSignInDateTime: ago(r.int(0, 60)),
      });
    }
  });
}
