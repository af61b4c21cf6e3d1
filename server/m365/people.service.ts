import { and, asc, eq, gte, ilike, isNull, lte, or, sql } from 'drizzle-orm';
import { containing } from '../db/like.js';
import type { Db } from '../db/store.js';
import { employees, tenants } from './m365.schema.js';

export interface PersonMatch {
  employeeId: string;
  tenantRef: string;
  tenant: string;
  displayName: string;
  userPrincipalName: string;
  mail: string | null;
  jobTitle: string | null;
  leaveDate: Date | null;
}

/** Synced employees found by what people type: a UPN or mail exactly, else a part of a name. */
export function createPeopleService(db: Db) {
  const columns = {
    employeeId: employees.id,
    tenantRef: employees.tenantRef,
    tenant: tenants.displayName,
    displayName: employees.displayName,
    userPrincipalName: employees.userPrincipalName,
    mail: employees.mail,
    jobTitle: employees.jobTitle,
    leaveDate: employees.leaveDate,
  };
  return {
    /** Exact address matches win; otherwise up to `limit` people whose name or UPN contains the words. */
    async find(orgId: string, text: string, opts: { tenantRef?: string; limit?: number } = {}): Promise<PersonMatch[]> {
      const q = text.trim();
      if (!q) return [];
      const base = and(eq(employees.orgId, orgId), isNull(employees.removedAt), opts.tenantRef ? eq(employees.tenantRef, opts.tenantRef) : undefined);
      const exact = await db
        .select(columns)
        .from(employees)
        .innerJoin(tenants, eq(tenants.id, employees.tenantRef))
        .where(and(base, or(sql`lower(${employees.userPrincipalName}) = lower(${q})`, sql`lower(${employees.mail}) = lower(${q})`)));
      if (exact.length) return exact;
      return db
        .select(columns)
        .from(employees)
        .innerJoin(tenants, eq(tenants.id, employees.tenantRef))
        .where(and(base, or(ilike(employees.displayName, containing(q)), ilike(employees.userPrincipalName, containing(q)))))
        .orderBy(asc(employees.displayName))
        .limit(opts.limit ?? 10);
    },

    async byId(orgId: string, employeeId: string): Promise<PersonMatch | null> {
      if (!/^[0-9a-f-]{36}$/i.test(employeeId)) return null;
      const [row] = await db
        .select(columns)
        .from(employees)
        .innerJoin(tenants, eq(tenants.id, employees.tenantRef))
        .where(and(eq(employees.orgId, orgId), eq(employees.id, employeeId), isNull(employees.removedAt)));
      return row ?? null;
    },

    /** People whose leave date falls in the next `days` days (the leaver queue), soonest first. */
    async leavers(orgId: string, days: number, now = new Date()): Promise<PersonMatch[]> {
      return db
        .select(columns)
        .from(employees)
        .innerJoin(tenants, eq(tenants.id, employees.tenantRef))
        .where(and(eq(employees.orgId, orgId), isNull(employees.removedAt), gte(employees.leaveDate, new Date(now.getTime() - 86_400_000)), lte(employees.leaveDate, new Date(now.getTime() + days * 86_400_000))))
        .orderBy(asc(employees.leaveDate))
        .limit(50);
    },
  };
}

export type PeopleService = ReturnType<typeof createPeopleService>;
