/**
 * The application permissions Offramp asks for by admin consent, and why. The Tenants page
 * shows which are missing; tasks name the permission they need (the task catalogue).
 */
export const REQUIRED_PERMISSIONS: { permission: string; why: string }[] = [
  { permission: 'Organization.Read.All', why: 'Read the tenant’s name, domains and licences.' },
  { permission: 'User.ReadWrite.All', why: 'Sync people; disable sign-in, revoke sessions, reset passwords, delete and restore accounts.' },
  { permission: 'User-PasswordProfile.ReadWrite.All', why: 'Reset a leaver’s password.' },
  { permission: 'User-LifeCycleInfo.Read.All', why: 'Read employee leave dates for the queue.' },
  { permission: 'Group.ReadWrite.All', why: 'Read groups and remove leavers from security and Microsoft 365 groups.' },
  { permission: 'GroupMember.ReadWrite.All', why: 'Change group memberships.' },
  { permission: 'Directory.ReadWrite.All', why: 'Remove licences and manage managers and direct reports.' },
  { permission: 'UserAuthenticationMethod.ReadWrite.All', why: 'Remove MFA methods.' },
  { permission: 'TeamMember.ReadWrite.All', why: 'Remove leavers from Teams.' },
  { permission: 'MailboxSettings.ReadWrite', why: 'Set out-of-office replies.' },
  { permission: 'Mail.ReadWrite', why: 'Remove inbox rules.' },
  { permission: 'Calendars.ReadWrite', why: 'Cancel meetings the leaver organised.' },
  { permission: 'Files.ReadWrite.All', why: 'Give the manager access to the leaver’s OneDrive.' },
  { permission: 'DeviceManagementManagedDevices.Read.All', why: 'Count and list Intune devices.' },
  { permission: 'DeviceManagementManagedDevices.PrivilegedOperations.All', why: 'Wipe or retire Intune devices.' },
  { permission: 'Exchange.ManageAsApp', why: 'Convert mailboxes, forward mail, hide from the address list, mailbox permissions, distribution lists.' },
];

/** The admin-consent URL of our multi-tenant app (Microsoft identity platform v2). */
export function adminConsentUrl(opts: { authorityHost: string; clientId: string; redirectUri: string; state: string; tenant?: string }): string {
  const url = new URL(`${opts.authorityHost}/${opts.tenant ?? 'organizations'}/v2.0/adminconsent`);
  url.searchParams.set('client_id', opts.clientId);
  url.searchParams.set('scope', 'https://graph.microsoft.com/.default');
  url.searchParams.set('redirect_uri', opts.redirectUri);
  url.searchParams.set('state', opts.state);
  return url.toString();
}
