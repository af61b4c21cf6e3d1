/**
 * The log of every call that changes (or tries to change) the tenant, in order: what tests
 * assert on ("the driver removed the licence once, then converted the mailbox").
 * Reads are not logged; failed writes are, with their status.
 */
export interface MutationEntry {
  seq: number;
  time: string;
  service: 'graph' | 'exchange';
  /** HTTP method (Graph) or 'POST' (Exchange InvokeCommand). */
  method: string;
  /** Graph path after the version, with query (e.g. /users/{id}/assignLicense). */
  path?: string;
  /** Exchange cmdlet name. */
  cmdlet?: string;
  /** Request body (Graph) or cmdlet parameters (Exchange). Passwords are masked. */
  parameters: unknown;
  status: number;
  requestId: string;
  clientRequestId: string | null;
  appId: string;
  /** Set for sub-requests of a Graph $batch: the batch's request-id and the sub-request's id. */
  batch?: { requestId: string; id: string };
}

const SECRET_KEYS = new Set(['password', 'newpassword', 'currentpassword', 'macosunlockcode']);

function mask(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(mask);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, SECRET_KEYS.has(k.toLowerCase()) && x !== null ? '***' : mask(x)]));
  }
  return v;
}

export class MutationLog {
  private readonly entries: MutationEntry[] = [];

  add(e: Omit<MutationEntry, 'seq' | 'time' | 'parameters'> & { parameters: unknown; time?: string }): MutationEntry {
    const entry: MutationEntry = { ...e, seq: this.entries.length + 1, time: e.time ?? new Date().toISOString(), parameters: mask(e.parameters) };
    this.entries.push(entry);
    return entry;
  }

  /** Entries after `since` (a seq), in order. */
  list(since = 0): MutationEntry[] {
    return this.entries.slice(since);
  }

  clear(): void {
    this.entries.length = 0;
  }
}
