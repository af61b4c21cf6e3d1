import type { Permission } from '../server/orgs/permissions.js';

/**
 * The bot's commands: one list for the `help` reply, the Teams manifest's command list
 * (appPackage/manifest.json; tests/manifest checks they agree) and the permission each needs
 * (checked on the server for the member who sends it, as for API routes).
 */
export interface BotCommand {
  name: string;
  usage: string;
  /** What the command does, as the manifest and `help` say it. */
  summary: string;
  /** The permission the sender's role must grant; 'public' commands answer anyone. */
  permission: Permission | 'public';
}

export const BOT_COMMANDS: readonly BotCommand[] = [
  { name: 'offboard', usage: 'offboard <person> [now | <when>] [with <tenant>]', summary: 'Offboard someone now or at a set time, after approval.', permission: 'offboarding.trigger' },
  { name: 'status', usage: 'status <person | run>', summary: "Where someone's offboarding stands, step by step.", permission: 'offboarding.read' },
  { name: 'queue', usage: 'queue [days]', summary: 'Leavers due soon and what is still to recover from them.', permission: 'employees.read' },
  { name: 'runs', usage: 'runs', summary: 'Scheduled, running and recent offboarding runs.', permission: 'offboarding.read' },
  { name: 'cancel', usage: 'cancel <run>', summary: 'Cancel a run that is scheduled or waiting for approval.', permission: 'offboarding.trigger' },
  { name: 'retry', usage: 'retry <run>', summary: "Run a run's failed steps again.", permission: 'offboarding.trigger' },
  { name: 'undo', usage: 'undo <run>', summary: 'Put back what a run took away, where it can be put back.', permission: 'offboarding.approve' },
  { name: 'digest', usage: 'digest [on | off]', summary: 'A daily list of who leaves in the next 7 days, in this chat.', permission: 'employees.read' },
  { name: 'help', usage: 'help', summary: 'What Offramp can do and how to ask.', permission: 'public' },
];

/** The manifest's description of a command: what it does, then how to ask. */
export const manifestDescription = (c: BotCommand) => `${c.summary} ${c.usage}`;
