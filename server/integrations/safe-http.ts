import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Outbound requests to addresses customers give us (webhooks, ServiceNow), safe from SSRF:
 * https only (http only when configured, for local tests); every address the name resolves to
 * must be public unicast (ipaddr.js's ranges: loopback, private, link-local such as
 * 169.254.169.254, CGNAT, unique-local, IPv4-mapped and the other special ranges are refused),
 * and the connection is made to the address that was checked (the check runs inside the socket's
 * own lookup, so a second DNS answer cannot swap it). Redirects are not followed. Numeric host
 * forms (2130706433, 0x7f.1, [::ffff:7f00:1]) are normalised by the URL parser first, then checked.
 */

export interface SendPolicy {
  /** Allow http: URLs (local tests only). */
  allowHttp: boolean;
  /** Addresses or CIDR ranges allowed although not public (local test receivers only). */
  allowAddresses: string[];
  timeoutMs: number;
  /** DNS, replaceable (tests resolve names to chosen addresses). */
  lookup?: (hostname: string) => Promise<string[]>;
}

export interface SendResult {
  status: number;
  /** The first 1,000 characters of the answer. */
  body: string;
  latencyMs: number;
  /** From Retry-After (seconds or an HTTP date), when the answer had one. */
  retryAfterS: number | null;
}

export class BlockedTarget extends Error {
  override readonly name = 'BlockedTarget';
}

const RESPONSE_CHARS = 1000;
const READ_LIMIT = 64 * 1024;

function allowedBy(list: string[], addr: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  return list.some((entry) => {
    try {
      const [range, bits] = entry.includes('/') ? ipaddr.parseCIDR(entry) : [ipaddr.process(entry), addr.kind() === 'ipv4' ? 32 : 128];
      return range.kind() === addr.kind() && addr.match(range, bits);
    } catch {
      return false;
    }
  });
}

/** Refuses an address that is not public unicast (unless the policy allows it); returns it normalised. */
export function checkAddress(address: string, policy: Pick<SendPolicy, 'allowAddresses'>): string {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.process(address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
  } catch {
    throw new BlockedTarget(`${address} is not an IP address.`);
  }
  if (allowedBy(policy.allowAddresses, addr)) return addr.toString();
  const range = addr.range();
  if (range !== 'unicast') throw new BlockedTarget(`${addr.toString()} is a ${range} address: Offramp sends only to public addresses.`);
  return addr.toString();
}

/** Checks the URL itself: scheme, no credentials in it, and an IP literal host at once. */
export function checkUrl(raw: string, policy: Pick<SendPolicy, 'allowHttp' | 'allowAddresses'>): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BlockedTarget('That is not a URL.');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttp)) throw new BlockedTarget(`Only https:// addresses are allowed (this one is ${url.protocol}//).`);
  if (url.username || url.password) throw new BlockedTarget('Put credentials in the authentication settings, not in the URL.');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(host)) checkAddress(host, policy);
  else if (!host.includes('.') || host.endsWith('.localhost') || host === 'localhost') throw new BlockedTarget(`${host} is not a public host name.`);
  return url;
}

const systemLookup = (hostname: string) => dns.promises.lookup(hostname, { all: true, verbatim: true }).then((list) => list.map((a) => a.address));

/** POSTs (or PATCHes) `body` and reads the answer; throws BlockedTarget before connecting to anything refused. */
export async function safeSend(req: { method: 'POST' | 'PATCH'; url: string; headers: Record<string, string>; body: string }, policy: SendPolicy): Promise<SendResult> {
  const url = checkUrl(req.url, policy);
  const resolve = policy.lookup ?? systemLookup;
  const started = performance.now();
  // The socket's own lookup: resolved, every address checked, and the checked one connected to.
  const lookup: net.LookupFunction = (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        try {
          if (addresses.length === 0) throw new BlockedTarget(`${hostname} has no address.`);
          const checked = addresses.map((a) => checkAddress(a, policy));
          const family = (a: string) => (net.isIPv6(a) ? 6 : 4);
          if ((options as dns.LookupOptions).all) (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, checked.map((a) => ({ address: a, family: family(a) })));
          else callback(null, checked[0]!, family(checked[0]!));
        } catch (err) {
          callback(err as NodeJS.ErrnoException, '', 4);
        }
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 4),
    );
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<SendResult>((resolvePromise, reject) => {
    const r = client.request(
      url,
      {
        method: req.method,
        headers: { 'user-agent': 'Offramp-Webhooks/1.0', 'content-type': 'application/json', 'content-length': Buffer.byteLength(req.body), ...req.headers },
        lookup,
        timeout: policy.timeoutMs,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= READ_LIMIT) chunks.push(c);
          else res.destroy();
        });
        const done = () => {
          const retryAfter = res.headers['retry-after'];
          resolvePromise({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8').slice(0, RESPONSE_CHARS),
            latencyMs: Math.round(performance.now() - started),
            retryAfterS: retryAfter ? parseRetryAfter(String(retryAfter)) : null,
          });
        };
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
      },
    );
    const deadline = setTimeout(() => r.destroy(new Error(`No answer within ${policy.timeoutMs / 1000} s.`)), policy.timeoutMs);
    r.on('timeout', () => r.destroy(new Error(`No answer within ${policy.timeoutMs / 1000} s.`)));
    r.on('error', (err) => reject(err));
    r.on('close', () => clearTimeout(deadline));
    r.end(req.body);
  });
}

export function parseRetryAfter(value: string, now = Date.now()): number | null {
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.round((at - now) / 1000));
}
