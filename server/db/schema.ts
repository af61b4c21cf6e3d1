/**
 * Every feature's tables, gathered for drizzle-kit (migrations) and for typed queries.
 * A feature folder owns its tables in `<feature>/<feature>.schema.ts` and is re-exported here.
 * The job queue's table (`agenda_jobs`) is created by a hand-written migration
 * from @agendajs/postgres-backend's own DDL, so that replicas never race to create it.
 */
export * from '../orgs/orgs.schema.js';
export * from '../audit/audit.schema.js';
export * from '../m365/m365.schema.js';
export * from '../offboarding/offboarding.schema.js';
export * from '../notifications/notifications.schema.js';
export * from '../conversations/conversations.schema.js';
export * from '../assets/assets.schema.js';
export * from '../integrations/integrations.schema.js';
export * from '../billing/billing.schema.js';
export * from '../datarights/datarights.schema.js';
