import { prng } from './seed.js';
import { PUBLISHED_LIMITS, Throttle, type ThrottleLimits } from './throttle.js';

/**
 * How real the simulated tenant behaves: latency, throttling, injected faults and
 * read-after-write delay. Set at start (`startSimulator({ realism })`) and at run time
 * (`sim.configure()`, POST /_sim/config). By default only a small latency is on (20–60 ms, what
 * the demo needs); tests usually start with `{ latency: 0 }` and turn on what they exercise.
 */

/** Fixed milliseconds, a uniform range, or a log-normal distribution given by median and p95. */
export type LatencyOption = number | { minMs: number; maxMs: number } | { medianMs: number; p95Ms: number; maxMs?: number };

/**
 * Faults, drawn per request at `rate`:
 * - '429', '503' (with Retry-After), '504': an error answer, nothing changed;
 * - 'reset': the connection is destroyed before anything is done;
 * - 'timeout': no answer for `timeoutMs`, then the connection is destroyed, nothing changed;
 * - 'lost-response': the request is carried out, then the connection is destroyed (the client
 *   cannot tell whether it happened: what idempotent retries are for).
 * Within a $batch, only the status faults apply to each sub-request.
 */
export type FaultKind = '429' | '503' | '504' | 'reset' | 'timeout' | 'lost-response';

export interface FaultOptions {
  rate: number;
  kinds?: FaultKind[];
  retryAfterSeconds?: number;
  timeoutMs?: number;
  /** Only requests whose path (Graph) or cmdlet name (Exchange) contains this text. */
  match?: string;
  /** Stop after this many faults (e.g. `{ rate: 1, count: 2 }`: the next two requests fail). */
  count?: number;
  services?: ('graph' | 'exchange')[];
}

export interface RealismOptions {
  latency?: LatencyOption | null;
  /** true: Microsoft's published limits; an object overrides some of them. */
  throttle?: boolean | Partial<ThrottleLimits>;
  faults?: FaultOptions | null;
  /** Read-after-write delay in ms (0: reads see writes at once). */
  consistencyDelayMs?: number;
}

export interface RealismConfig {
  latency: LatencyOption;
  throttle: ThrottleLimits | null;
  faults: (Required<Omit<FaultOptions, 'match' | 'count'>> & Pick<FaultOptions, 'match' | 'count'>) | null;
  consistencyDelayMs: number;
}

export const DEFAULT_REALISM: RealismConfig = { latency: { minMs: 20, maxMs: 60 }, throttle: null, faults: null, consistencyDelayMs: 0 };

/** What the demo tenant runs with. */
export const DEMO_REALISM: RealismOptions = { latency: { minMs: 20, maxMs: 60 } };

/** Everything off: for tests that measure or assert exact behaviour. */
export const NO_REALISM: RealismOptions = { latency: 0, throttle: false, faults: null, consistencyDelayMs: 0 };

export class Realism {
  config: RealismConfig = { ...DEFAULT_REALISM };
  readonly throttle: Throttle;
  private rand: () => number;
  private faultsLeft = Infinity;

  constructor(
    seed: string,
    private readonly now: () => number,
    private readonly onConsistency: (delayMs: number) => void,
  ) {
    this.rand = prng(`${seed}:realism`);
    this.throttle = new Throttle(now);
  }

  configure(o: RealismOptions): RealismConfig {
    const c = { ...this.config };
    if (o.latency !== undefined) c.latency = o.latency ?? 0;
    if (o.throttle !== undefined) {
      c.throttle = o.throttle === false ? null : { ...PUBLISHED_LIMITS, ...(o.throttle === true ? {} : o.throttle) };
      this.throttle.reset();
    }
    if (o.faults !== undefined) {
      c.faults = o.faults && o.faults.rate > 0
        ? {
            rate: o.faults.rate,
            kinds: o.faults.kinds?.length ? o.faults.kinds : ['429', '503', '504', 'reset'],
            retryAfterSeconds: o.faults.retryAfterSeconds ?? 1,
            timeoutMs: o.faults.timeoutMs ?? 10_000,
            services: o.faults.services ?? ['graph', 'exchange'],
            ...(o.faults.match !== undefined ? { match: o.faults.match } : {}),
            ...(o.faults.count !== undefined ? { count: o.faults.count } : {}),
          }
        : null;
      this.faultsLeft = o.faults?.count ?? Infinity;
    }
    if (o.consistencyDelayMs !== undefined) c.consistencyDelayMs = Math.max(0, o.consistencyDelayMs);
    this.config = c;
    this.onConsistency(c.consistencyDelayMs);
    return c;
  }

  /** A latency sample in ms. */
  latencyMs(): number {
    const l = this.config.latency;
    if (typeof l === 'number') return l;
    if ('minMs' in l) return l.minMs + this.rand() * (l.maxMs - l.minMs);
    // Log-normal: median m, p95 p => sigma = ln(p/m) / 1.645.
    const sigma = Math.log(l.p95Ms / l.medianMs) / 1.645;
    const z = Math.sqrt(-2 * Math.log(1 - this.rand())) * Math.cos(2 * Math.PI * this.rand());
    return Math.min(l.maxMs ?? l.p95Ms * 4, l.medianMs * Math.exp(sigma * z));
  }

  /** Draws a fault for a request, or null. `statusOnly`: inside a batch (no connection faults). */
  fault(service: 'graph' | 'exchange', target: string, statusOnly = false): FaultKind | null {
    const f = this.config.faults;
    if (!f || this.faultsLeft <= 0 || !f.services.includes(service)) return null;
    if (f.match && !target.toLowerCase().includes(f.match.toLowerCase())) return null;
    const kinds = statusOnly ? f.kinds.filter((k) => k === '429' || k === '503' || k === '504') : f.kinds;
    if (!kinds.length || this.rand() >= f.rate) return null;
    this.faultsLeft--;
    return kinds[Math.floor(this.rand() * kinds.length)]!;
  }

  sleep(ms = this.latencyMs()): Promise<void> {
    return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
  }

  nowMs(): number {
    return this.now();
  }
}
