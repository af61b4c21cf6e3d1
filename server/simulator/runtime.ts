import type { AppRegistry } from './apps.js';
import type { TokenVerifier } from './auth.js';
import type { MutationLog } from './mutations.js';
import type { Realism } from './realism.js';
import type { SimTenant } from './seed.js';
import type { TenantStore } from './tenant/store.js';

/** What the Graph, Exchange and inspection surfaces share: one tenant, one set of apps, one log. */
export interface SimRuntime {
  /** https origin of the simulator. */
  readonly url: string;
  readonly tenant: SimTenant;
  /** The current state (replaced on reset, so read it per request). */
  readonly store: TenantStore;
  readonly apps: AppRegistry;
  readonly realism: Realism;
  readonly log: MutationLog;
  readonly verify: TokenVerifier;
}
