/**
 * Throttling as Microsoft publishes it, modelled simply: token buckets keyed by what the limit
 * is "per" (app + tenant, app + mailbox), refilled continuously over the limit's window, plus
 * a per-mailbox concurrency cap. A request that finds its bucket short is refused with 429 and
 * a Retry-After of the whole seconds until enough units are back.
 *
 * Numbers (defaults) and their sources:
 * - Identity and access (users, groups, directory, licences, applications): "Microsoft Graph
 *   service-specific throttling limits", Identity and access service limits: per app+tenant
 *   pair 3,500 / 5,000 / 8,000 resource units per 10 s for tenants under 50 / 50–500 / over 500
 *   users, and a write quota of 3,000 requests per 2 min 30 s. Request costs from the same page:
 *   GET users 2, GET groups/{id}/members 3, GET groups/{id}/transitiveMembers 5, GET
 *   users/{id}/memberOf, transitiveMemberOf and licenseDetails 2, GET subscribedSkus 3,
 *   GET servicePrincipals/{id}/appRoleAssignments 2, anything else 1; $select −1, $expand +1,
 *   $top under 20 −1, never below 1. Writes also cost 1 write unit.
 * - Outlook (mailboxSettings, messageRules, events): per app+mailbox 10,000 requests per
 *   10 minutes and 4 concurrent requests.
 * - Intune devices (managedDevices and their actions): per app+tenant 2,000 requests per 20 s,
 *   of which 200 writes (POST/PUT/PATCH/DELETE) per 20 s.
 * - Microsoft Teams (joinedTeams, teams/{id}/members): per app+tenant 30 requests per second
 *   (GET /teams/{id}/members 60 per second).
 * - OneDrive / SharePoint ("Avoid getting throttled or blocked in SharePoint Online"): 1,250
 *   resource units per minute per app for tenants up to 1,000 licences; single-item reads 1,
 *   permission operations 5.
 * - Exchange Online admin API: Microsoft publishes no numbers for the REST cmdlet endpoint;
 *   we apply Outlook's per-mailbox limits (10,000 per 10 minutes, 4 concurrent) to the mailbox
 *   a cmdlet targets, and answer as Exchange's budget does when exceeded (429, Retry-After).
 */

export interface Limit {
  capacity: number;
  windowSeconds: number;
}

export interface ThrottleLimits {
  /** null: by tenant size (3,500 / 5,000 / 8,000 per 10 s). */
  identityResourceUnits: Limit | null;
  identityWrites: Limit;
  outlookPerMailbox: Limit;
  outlookConcurrency: number;
  intune: Limit;
  intuneWrites: Limit;
  teams: Limit;
  files: Limit;
  exchangePerMailbox: Limit;
  exchangeConcurrency: number;
}

export const PUBLISHED_LIMITS: ThrottleLimits = {
  identityResourceUnits: null,
  identityWrites: { capacity: 3000, windowSeconds: 150 },
  outlookPerMailbox: { capacity: 10_000, windowSeconds: 600 },
  outlookConcurrency: 4,
  intune: { capacity: 2000, windowSeconds: 20 },
  intuneWrites: { capacity: 200, windowSeconds: 20 },
  teams: { capacity: 30, windowSeconds: 1 },
  files: { capacity: 1250, windowSeconds: 60 },
  exchangePerMailbox: { capacity: 10_000, windowSeconds: 600 },
  exchangeConcurrency: 4,
};

export function identityLimitFor(userCount: number): Limit {
  return { capacity: userCount < 50 ? 3500 : userCount <= 500 ? 5000 : 8000, windowSeconds: 10 };
}

class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly limit: Limit,
    now: number,
  ) {
    this.tokens = limit.capacity;
    this.last = now;
  }

  /** Refills, then returns 0 when `cost` units are there, or the milliseconds until they would be. */
  wait(cost: number, now: number): number {
    const rate = this.limit.capacity / (this.limit.windowSeconds * 1000);
    this.tokens = Math.min(this.limit.capacity, this.tokens + (now - this.last) * rate);
    this.last = now;
    return this.tokens >= cost ? 0 : Math.ceil((cost - this.tokens) / rate);
  }

  take(cost: number): void {
    this.tokens -= cost;
  }

  /** Fraction of the bucket used (for x-ms-throttle-limit-percentage). */
  used(): number {
    return 1 - this.tokens / this.limit.capacity;
  }
}

export interface ThrottleCheck {
  key: string;
  limit: Limit;
  cost: number;
}

export class Throttle {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  /**
   * Takes from every bucket or none: returns the Retry-After seconds of the first bucket that
   * is short (and the key that was short), or null when all had enough.
   */
  take(checks: ThrottleCheck[]): { retryAfterSeconds: number; key: string } | null {
    const now = this.now();
    const buckets = checks.map((c) => this.bucket(c, now));
    for (let i = 0; i < checks.length; i++) {
      const wait = buckets[i]!.wait(checks[i]!.cost, now);
      if (wait > 0) return { retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)), key: checks[i]!.key };
    }
    buckets.forEach((b, i) => b.take(checks[i]!.cost));
    return null;
  }

  usedFraction(c: ThrottleCheck): number {
    return this.bucket(c, this.now()).used();
  }

  /** Enters a concurrency-limited section; false when `max` requests are already inside. */
  enter(key: string, max: number): boolean {
    const n = this.inFlight.get(key) ?? 0;
    if (n >= max) return false;
    this.inFlight.set(key, n + 1);
    return true;
  }

  leave(key: string): void {
    const n = (this.inFlight.get(key) ?? 1) - 1;
    if (n <= 0) this.inFlight.delete(key);
    else this.inFlight.set(key, n);
  }

  reset(): void {
    this.buckets.clear();
    this.inFlight.clear();
  }

  private bucket(c: ThrottleCheck, now: number): TokenBucket {
    const id = `${c.key}|${c.limit.capacity}/${c.limit.windowSeconds}`;
    let b = this.buckets.get(id);
    if (!b) this.buckets.set(id, (b = new TokenBucket(c.limit, now)));
    return b;
  }
}
