import type { CallRecord, TenantCredentials } from './m365.types.js';
import type { Transport } from './transport.js';

/**
 * Exchange Online through its admin API (the REST endpoint the ExchangeOnlineManagement
 * PowerShell module uses): POST /adminapi/beta/{tenantId}/InvokeCommand with
 * {CmdletInput:{CmdletName, Parameters}}, app-only (Exchange.ManageAsApp). Long answers come in
 * pages: the same body is POSTed again to `@odata.nextLink` until there is none.
 */

export type CmdletParameters = Record<string, string | number | boolean | string[] | null>;

export interface ExchangeClient {
  invoke<T = Record<string, unknown>>(cmdlet: string, parameters: CmdletParameters, opts?: { retryNotFound?: boolean }): Promise<T[]>;
}

/** Pages after the first are followed only on hosts we sent the first request to. */
function sameOrigin(next: string, first: string): boolean {
  return new URL(next, first).origin === new URL(first).origin;
}

export function exchangeClient(transport: Transport, creds: TenantCredentials, onCall?: (call: CallRecord) => void): ExchangeClient {
  const first = `${transport.endpoints.exchangeBaseUrl}/adminapi/beta/${creds.tenantId}/InvokeCommand`;
  return {
    async invoke<T>(cmdlet: string, parameters: CmdletParameters, opts: { retryNotFound?: boolean } = {}) {
      const all: T[] = [];
      let url: string | undefined = first;
      while (url) {
        const res = await transport.send(creds, {
          service: 'exchange',
          method: 'POST',
          url,
          target: cmdlet,
          body: { CmdletInput: { CmdletName: cmdlet, Parameters: parameters } },
          retryNotFound: opts.retryNotFound,
          // Reads and Set- cmdlets (which set a value) may be sent twice; Add-/Remove-/New- may not.
          resendable: /^(Get|Set)-/i.test(cmdlet),
          onCall,
        });
        const body = res.body as { value?: T[]; '@odata.nextLink'?: string } | null;
        all.push(...(body?.value ?? []));
        const next = body?.['@odata.nextLink'];
        url = next && sameOrigin(next, first) ? new URL(next, first).toString() : undefined;
      }
      return all;
    },
  };
}
