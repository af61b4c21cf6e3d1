import type { CallRecord, TenantCredentials } from './m365.types.js';
import type { Transport } from './transport.js';

/**
 * Exchange Online through its admin API (the REST endpoint the ExchangeOnlineManagement
 * PowerShell module uses): POST /adminapi/beta/{tenantId}/InvokeCommand with
 * {CmdletInput:{CmdletName, Parameters}}, app-only (Exchange.ManageAsApp).
 */

export type CmdletParameters = Record<string, string | number | boolean | string[] | null>;

export interface ExchangeClient {
  invoke<T = Record<string, unknown>>(cmdlet: string, parameters: CmdletParameters, opts?: { retryNotFound?: boolean }): Promise<T[]>;
}

export function exchangeClient(transport: Transport, creds: TenantCredentials, onCall?: (call: CallRecord) => void): ExchangeClient {
  const url = `${transport.endpoints.exchangeBaseUrl}/adminapi/beta/${creds.tenantId}/InvokeCommand`;
  return {
    async invoke<T>(cmdlet: string, parameters: CmdletParameters, opts: { retryNotFound?: boolean } = {}) {
      const res = await transport.send(creds, {
        service: 'exchange',
        method: 'POST',
        url,
        target: cmdlet,
        body: { CmdletInput: { CmdletName: cmdlet, Parameters: parameters } },
        retryNotFound: opts.retryNotFound,
        onCall,
      });
      const body = res.body as { value?: T[] } | null;
      return body?.value ?? [];
    },
  };
}
