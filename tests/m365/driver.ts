import { createActions, type M365Actions } from '../../server/m365/actions.js';
import { createTenantDirectory, type TenantDirectory } from '../../server/m365/directory.js';
import type { CallRecord, TenantCredentials } from '../../server/m365/m365.types.js';
import { createTransport, type RetryPolicy, type Transport } from '../../server/m365/transport.js';
import type { Simulator } from '../../server/simulator/simulator.js';
import { silentLog } from '../support/stores.js';

/**
 * The production driver, pointed at a simulated tenant exactly as server/main.ts points it in
 * demo mode: the same transport, MSAL tokens, Graph client and Exchange client; only the URLs differ.
 */
export interface TestDriver {
  transport: Transport;
  creds: TenantCredentials;
  actions: M365Actions;
  directory: TenantDirectory;
  /** Every call the driver recorded (what the audit trail gets). */
  calls: CallRecord[];
}

export function driverFor(sim: Simulator, opts: { retry?: Partial<RetryPolicy>; perTenantConcurrency?: number } = {}): TestDriver {
  const transport = createTransport({
    endpoints: { authorityHost: sim.url, graphBaseUrl: sim.url, exchangeBaseUrl: sim.url },
    retry: { baseDelayMs: 20, maxDelayMs: 2_000, ...opts.retry },
    perTenantConcurrency: opts.perTenantConcurrency,
    log: silentLog,
  });
  const creds = { tenantId: sim.tenant.id, clientId: sim.demoApp.clientId, clientSecret: sim.demoApp.clientSecret };
  const calls: CallRecord[] = [];
  return {
    transport,
    creds,
    actions: createActions(transport, creds, (c) => calls.push(c)),
    directory: createTenantDirectory(transport, creds, (c) => calls.push(c)),
    calls,
  };
}
