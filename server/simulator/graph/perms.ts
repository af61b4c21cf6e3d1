/**
 * Application permissions each kind of call accepts (any one is enough), after the
 * "Permissions" sections of the Microsoft Graph v1.0 API reference.
 */

const readWrite = (area: string) => [`${area}.Read.All`, `${area}.ReadWrite.All`];

export const DIRECTORY_READ = readWrite('Directory');
export const DIRECTORY_WRITE = ['Directory.ReadWrite.All'];

export const USER_READ = [...readWrite('User'), ...DIRECTORY_READ];
export const USER_WRITE = ['User.ReadWrite.All', ...DIRECTORY_WRITE];
export const USER_ENABLE = ['User.EnableDisableAccount.All', ...USER_WRITE];
export const USER_REVOKE = ['User.RevokeSessions.All', ...USER_WRITE];
export const USER_DELETE = ['User.DeleteRestore.All', ...USER_WRITE];
export const USER_PASSWORD = ['User-PasswordProfile.ReadWrite.All'];
export const LIFECYCLE_READ = ['User-LifeCycleInfo.Read.All', 'User-LifeCycleInfo.ReadWrite.All'];
export const LIFECYCLE_WRITE = ['User-LifeCycleInfo.ReadWrite.All'];

export const GROUP_READ = [...readWrite('GroupMember'), ...readWrite('Group'), ...DIRECTORY_READ];
export const MEMBER_WRITE = ['GroupMember.ReadWrite.All', 'Group.ReadWrite.All', ...DIRECTORY_WRITE];
/** memberOf / transitiveMemberOf of a user. */
export const MEMBERSHIP_READ = [...USER_READ, ...GROUP_READ];

export const LICENCE_READ = [...readWrite('LicenseAssignment'), 'Organization.Read.All', ...USER_READ];
export const LICENCE_WRITE = ['LicenseAssignment.ReadWrite.All', ...USER_WRITE];
export const SKU_READ = [...readWrite('LicenseAssignment'), 'Organization.Read.All', ...DIRECTORY_READ];

export const TEAM_READ = ['Team.ReadBasic.All', 'TeamMember.Read.All', 'TeamMember.ReadWrite.All', ...GROUP_READ];
export const TEAM_MEMBER_READ = ['TeamMember.Read.All', 'TeamMember.ReadWrite.All', 'Group.Read.All', 'Group.ReadWrite.All'];
export const TEAM_MEMBER_WRITE = ['TeamMember.ReadWrite.All'];

export const MAILBOX_SETTINGS_READ = ['MailboxSettings.Read', 'MailboxSettings.ReadWrite'];
export const MAILBOX_SETTINGS_WRITE = ['MailboxSettings.ReadWrite'];
export const RULES_READ = [...MAILBOX_SETTINGS_READ, 'Mail.Read', 'Mail.ReadWrite'];
export const RULES_WRITE = ['MailboxSettings.ReadWrite', 'Mail.ReadWrite'];
export const CALENDAR_READ = ['Calendars.Read', 'Calendars.ReadWrite'];
export const CALENDAR_WRITE = ['Calendars.ReadWrite'];

export const METHODS_READ = readWrite('UserAuthenticationMethod');
export const METHODS_WRITE = ['UserAuthenticationMethod.ReadWrite.All'];

export const DEVICES_READ = readWrite('DeviceManagementManagedDevices');
export const DEVICES_PRIVILEGED = ['DeviceManagementManagedDevices.PrivilegedOperations.All'];
export const REGISTERED_DEVICES_READ = ['Device.Read.All', ...USER_READ];

export const FILES_READ = [...readWrite('Files'), ...readWrite('Sites')];
export const FILES_WRITE = ['Files.ReadWrite.All', 'Sites.ReadWrite.All'];

export const ORGANIZATION_READ = ['Organization.Read.All', 'Organization.ReadWrite.All', ...DIRECTORY_READ];
export const APPLICATION_READ = [...readWrite('Application'), ...DIRECTORY_READ];
