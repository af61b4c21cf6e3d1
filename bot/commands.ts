/**
 * The bot's commands: one list for the `help` reply and the Teams manifest's command list
 * (appPackage/manifest.json; tests/manifest checks they agree).
 */
export interface BotCommand {
  name: string;
  usage: string;
  /** What the command does, as the manifest and `help` say it. */
  summary: string;
}

export const BOT_COMMANDS: readonly BotCommand[] = [
  { name: 'offboard', usage: 'offboard <person> [now | <when>]', summary: 'Offboard someone now or at a set time, after approval.' },
  { name: 'status', usage: 'status <person>', summary: "Where someone's offboarding stands, step by step." },
  { name: 'queue', usage: 'queue', summary: 'Leavers due soon and what is still to recover from them.' },
  { name: 'runs', usage: 'runs', summary: 'Scheduled, running and recent offboarding runs.' },
  { name: 'cancel', usage: 'cancel <run>', summary: 'Cancel a run that is scheduled or waiting for approval.' },
  { name: 'retry', usage: 'retry <run>', summary: "Run a run's failed steps again." },
  { name: 'undo', usage: 'undo <run>', summary: 'Put back what a run took away, where it can be put back.' },
  { name: 'help', usage: 'help', summary: 'What Offramp can do and how to ask.' },
];

/** The manifest's description of a command: what it does, then how to ask. */
export const manifestDescription = (c: BotCommand) => `${c.summary} ${c.usage}`;
