/**
 * Where an organisation's data lives: every table holding its rows, how to find them, what the
 * export leaves out, and the tables that hold none. The export and the purge both work from
 * this one list, and a test fails when a table of the schema is missing from it.
 */

export interface OrgTable {
  table: string;
  /** SQL predicate selecting the organisation's rows of `table`; `$1` is the organisation id. */
  scope: string;
  /** Columns never written to the export: sealed secrets and token hashes. */
  omit?: readonly string[];
  /** Not in the export (its rows are still purged), and why. */
  notExported?: string;
  /** Written to the export otherwise than as `<table>.json` (the audit trail: audit.csv). */
  exportedAs?: string;
}

const ORG = 'org_id = $1';
const inOrg = (column: string, parent: string) => `${column} IN (SELECT id FROM ${parent} WHERE org_id = $1)`;

/**
 * Children before their parents: the purge deletes in this order (each count is the table's own
 * rows, not hidden by a cascade), and `organisations` last of the foreign-key chain.
 */
export const ORG_TABLES: readonly OrgTable[] = [
  { table: 'delivery_attempts', scope: inOrg('delivery_id', 'webhook_deliveries') },
  { table: 'webhook_deliveries', scope: ORG },
  { table: 'servicenow_records', scope: inOrg('rule_id', 'integration_rules') },
  { table: 'queue_notices', scope: `${inOrg('rule_id', 'integration_rules')} OR ${inOrg('employee_id', 'employees')}` },
  { table: 'integration_rules', scope: ORG, omit: ['secrets'] },
  { table: 'org_events', scope: ORG },
  { table: 'notifications', scope: ORG },
  { table: 'bot_run_cards', scope: ORG },
  { table: 'bot_conversations', scope: ORG },
  { table: 'offboarding_steps', scope: inOrg('run_id', 'offboarding_runs') },
  { table: 'hardware_returns', scope: ORG },
  { table: 'hardware', scope: ORG },
  { table: 'seats', scope: ORG },

  { table: 'asset_requests', scope: ORG },
  { table: 'offboarding_runs', scope: ORG, omit: ['password'] },
  { table: 'offboarding_templates', scope: ORG },
  { table: 'offboarding_settings', scope: ORG },
  { table: 'queue_preferences', scope: inOrg('member_id', 'members') },
  { table: 'employees', scope: ORG },
  {
    table: 'consent_attempts',
    scope: ORG,
    notExported: 'an admin consent under way: the OAuth state of a redirect to Microsoft, kept minutes, nothing the organisation entered',
  },
  { table: 'tenants', scope: ORG, omit: ['credentials'] },
  { table: 'invites', scope: ORG, omit: ['token_hash'] },
  { table: 'data_exports', scope: ORG, notExported: 'the bookkeeping of the exports themselves (status, size, file name)' },
  { table: 'deletion_requests', scope: ORG },
  { table: 'billing_accounts', scope: ORG },
  { table: 'stripe_events', scope: ORG },
  { table: 'members', scope: ORG },
  { table: 'organisations', scope: 'id = $1' },
  // No foreign key: removed under the purge's SET LOCAL offramp.purge_org (migration 0010).
  { table: 'audit_events', scope: ORG, exportedAs: 'audit.csv' },
];

/**
 * Tables holding no organisation's rows of their own, and why. `users`, `sessions`, `agenda_jobs`
 * and `rate_limits` are still purged of what concerns the organisation (see purge.ts).
 */
export const OTHER_TABLES: Readonly<Record<string, string>> = {
  users: 'people, not organisations: the members’ names and emails are in members.json; a user with no membership left is purged',
  sessions: 'browser sessions of a user (hashed ids and CSRF tokens): secrets, purged with their user',
  sign_in_attempts: 'sign-ins under way (OAuth state, nonce, PKCE verifier), before anyone is known',
  agenda_jobs: 'the job queue: jobs naming the organisation’s runs, tenants, deliveries or exports are purged',
  rate_limits: 'counters of the last minute: those keyed by the organisation or its members are purged',
  schema_migrations: 'which migrations ran',
  org_tombstones: 'what remains of a purged organisation: counts and the audit chain’s last hash, nothing personal',
};

/** The export's JSON of members also names each member (the user's display name and email). */
export const MEMBERS_EXPORT_SQL = `SELECT to_jsonb(m) || jsonb_build_object('user_display_name', u.display_name, 'user_email', u.email) AS row
  FROM members m JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 ORDER BY m.created_at`;
