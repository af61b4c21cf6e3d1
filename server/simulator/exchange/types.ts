import type { Caller } from '../auth.js';
import type { SimRuntime } from '../runtime.js';
import type { TenantStore } from '../tenant/store.js';

/**
 * Cmdlets of the Exchange Online admin API (the REST endpoint behind the
 * ExchangeOnlineManagement module: POST /adminapi/beta/{tenantId}/InvokeCommand).
 */

export type ParamType = 'string' | 'bool' | 'strings' | 'resultSize' | 'any';

export interface ParamSpec {
  type: ParamType;
  required?: boolean;
  /** Allowed values (case-insensitive) for string parameters. */
  values?: readonly string[];
}

export type Params = Record<string, unknown>;

export interface CmdletContext {
  store: TenantStore;
  rt: SimRuntime;
  caller: Caller;
  /** Parameters by their canonical names, values coerced to the declared types. */
  params: Params;
  warnings: string[];
}

/** What a cmdlet writes to the pipeline: rows, rendered into Exchange objects page by page. */
export interface Output<T = unknown> {
  rows: readonly T[];
  render: (row: T) => Record<string, unknown>;
}

export interface Cmdlet {
  name: string;
  params: Record<string, ParamSpec>;
  /** The parameter naming the mailbox the call works on (per-mailbox throttling). */
  target?: string;
  run(ctx: CmdletContext): Output;
}

export const none = (): Output => ({ rows: [], render: () => ({}) });
export const rows = <T>(list: readonly T[], render: (row: T) => Record<string, unknown>): Output => ({ rows: list, render: render as (row: unknown) => Record<string, unknown> });

/** Parameters every cmdlet accepts (common parameters the module passes). */
export const COMMON: Record<string, ParamSpec> = {
  Confirm: { type: 'bool' },
  ErrorAction: { type: 'string' },
  WarningAction: { type: 'string' },
  Verbose: { type: 'bool' },
  Force: { type: 'bool' },
};
