import {
  AddSquare20Filled,
  AddSquare20Regular,
  BuildingMultiple20Filled,
  BuildingMultiple20Regular,
  ClipboardTaskListLtr20Filled,
  ClipboardTaskListLtr20Regular,
  History20Filled,
  History20Regular,
  Payment20Filled,
  Payment20Regular,
  PeopleQueue20Filled,
  PeopleQueue20Regular,
  PeopleTeam20Filled,
  PeopleTeam20Regular,
  PlugConnected20Filled,
  PlugConnected20Regular,
  Settings20Filled,
  Settings20Regular,
  bundleIcon,
  type FluentIcon,
} from '@fluentui/react-icons';
import type { Permission } from './permissions';

export type PageId = 'queue' | 'offboardings' | 'new' | 'settings' | 'integrations' | 'team' | 'billing' | 'tenants' | 'audit';

export interface NavEntry {
  id: PageId;
  /** Path under /tabs/ (the router's basename). Teams static tabs point here directly. */
  path: `/${string}`;
  /** The page's name: nav label, heading and window title. */
  title: string;
  group: 'offboarding' | 'admin';
  icon: FluentIcon;
  /** What the current role must hold to see the page (and its nav item). */
  permission: Permission;
}

export const NAV_GROUPS: { id: NavEntry['group']; label: string }[] = [
  { id: 'offboarding', label: 'Offboarding' },
  { id: 'admin', label: 'Administration' },
];

/** Every page of the tabs, in navigation order. Keep appPackage/manifest.json's staticTabs in step. */
export const NAV: NavEntry[] = [
  {
    id: 'queue',
    path: '/queue',
    title: 'Queue',
    group: 'offboarding',
    permission: 'employees.read',
    icon: bundleIcon(PeopleQueue20Filled, PeopleQueue20Regular),
  },
  {
    id: 'offboardings',
    path: '/offboardings',
    title: 'Offboardings',
    group: 'offboarding',
    permission: 'offboarding.read',
    icon: bundleIcon(ClipboardTaskListLtr20Filled, ClipboardTaskListLtr20Regular),
  },
  {
    id: 'new',
    path: '/new',
    title: 'New offboarding',
    group: 'offboarding',
    permission: 'offboarding.trigger',
    icon: bundleIcon(AddSquare20Filled, AddSquare20Regular),
  },
  {
    id: 'settings',
    path: '/settings',
    title: 'Offboarding settings',
    group: 'admin',
    permission: 'settings.read',
    icon: bundleIcon(Settings20Filled, Settings20Regular),
  },
  {
    id: 'integrations',
    path: '/integrations',
    title: 'Integrations',
    group: 'admin',
    permission: 'integrations.read',
    icon: bundleIcon(PlugConnected20Filled, PlugConnected20Regular),
  },
  {
    id: 'team',
    path: '/team',
    title: 'Team',
    group: 'admin',
    permission: 'members.read',
    icon: bundleIcon(PeopleTeam20Filled, PeopleTeam20Regular),
  },
  {
    id: 'billing',
    path: '/billing',
    title: 'Billing',
    group: 'admin',
    permission: 'billing.read',
    icon: bundleIcon(Payment20Filled, Payment20Regular),
  },
  {
    id: 'tenants',
    path: '/tenants',
    title: 'Tenants',
    group: 'admin',
    permission: 'tenants.read',
    icon: bundleIcon(BuildingMultiple20Filled, BuildingMultiple20Regular),
  },
  {
    id: 'audit',
    path: '/audit',
    title: 'Audit',
    group: 'admin',
    permission: 'audit.read',
    icon: bundleIcon(History20Filled, History20Regular),
  },
];

/** The nav entry a location belongs to (its first path segment), if any. */
export function navEntryFor(pathname: string): NavEntry | undefined {
  const first = '/' + (pathname.split('/').filter(Boolean)[0] ?? '');
  return NAV.find((entry) => entry.path === first);
}
