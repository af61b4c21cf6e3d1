import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@microsoft/microsoft-graph-client';
import { Resendable, graph } from './graph.client.js';
import { M365Unavailable } from './m365.types.js';
import { backoffMs, type RetryPolicy } from './transport.js';

/**
 * Graph JSON batching: up to 20 requests per POST /$batch. Each sub-request has its own
 * status; those throttled or unavailable (429/503/504) are sent again — only those — after the
 * longest Retry-After among them, until they succeed or the attempts run out.
 */

export interface BatchRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface BatchResult {
  status: number;
  body: unknown;
  requestId: string | null;
}

export const BATCH_LIMIT = 20;
const RETRYABLE = new Set([429, 503, 504]);

interface RawBatchResponse {
  responses: { id: string; status: number; headers?: Record<string, string>; body?: unknown }[];
}

export async function batch(client: Client, requests: BatchRequest[], policy: RetryPolicy): Promise<BatchResult[]> {
  const results: (BatchResult | undefined)[] = new Array(requests.length);
  for (let start = 0; start < requests.length; start += BATCH_LIMIT) {
    let pending = requests.map((r, i) => ({ r, i })).slice(start, start + BATCH_LIMIT);
    for (let attempt = 1; pending.length > 0; attempt++) {
      const payload = {
        requests: pending.map(({ r, i }) => ({
          id: String(i),
          method: r.method,
          url: r.url,
          ...(r.body !== undefined ? { body: r.body, headers: { 'Content-Type': 'application/json', ...r.headers } } : r.headers ? { headers: r.headers } : {}),
        })),
      };
      // A batch of reads may be sent again after a lost answer; one with writes may not.
      const reads = pending.every(({ r }) => r.method.toUpperCase() === 'GET');
      const answer: RawBatchResponse = await graph(() => client.api('/$batch').middlewareOptions(reads ? [new Resendable()] : []).post(payload));
      let wait = 0;
      const again: typeof pending = [];
      for (const sub of answer.responses) {
        const index = Number(sub.id);
        const headers = Object.fromEntries(Object.entries(sub.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
        if (RETRYABLE.has(sub.status) && attempt < policy.maxAttempts) {
          const retryAfter = Number(headers['retry-after']);
          wait = Math.max(wait, Number.isFinite(retryAfter) ? retryAfter * 1000 : backoffMs(attempt, policy));
          again.push(pending.find((p) => p.i === index)!);
          continue;
        }
        results[index] = { status: sub.status, body: sub.body ?? null, requestId: headers['request-id'] ?? null };
      }
      pending = again;
      if (pending.length > 0) await sleep(Math.min(wait, policy.maxDelayMs));
    }
  }
  return requests.map((r, i) => {
    const res = results[i];
    if (!res) throw new M365Unavailable(`Microsoft Graph gave no answer to ${r.method} ${r.url} in a batch.`, null);
    return res;
  });
}
