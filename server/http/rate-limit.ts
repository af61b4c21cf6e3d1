import type { RequestHandler } from 'express';
import type pg from 'pg';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { UserError } from '../errors.js';

/**
 * Rate limits on sign-in (per client address) and on destructive actions (per member and per
 * organisation), counted in the store so that every replica shares them. Over the limit: 429
 * with Retry-After.
 */

export interface RateLimitConfig {
  signInPerMinute: number;
  destructivePerMinutePerMember: number;
  destructivePerMinutePerOrg: number;
}

export class RateLimited extends UserError {
  constructor(readonly retryAfterSeconds: number, what: string) {
    super(429, 'rate_limited', `Too many ${what}. Try again in ${retryAfterSeconds} s.`, { retryAfterSeconds });
  }
}

/**
 * The pool as rate-limiter-flexible sees it, but with unnamed statements: its named prepared
 * statements collide on the embedded store, where every connection shares one PostgreSQL session.
 */
const unnamedStatements = (pool: pg.Pool) => ({
  query: (q: { text: string; values?: unknown[] }) => pool.query({ text: q.text, values: q.values }),
});

function limiter(pool: pg.Pool, keyPrefix: string, points: number) {
  return new RateLimiterPostgres({
    storeClient: unnamedStatements(pool),
    storeType: 'pool',
    tableName: 'rate_limits',
    tableCreated: true,
    keyPrefix,
    points,
    duration: 60,
  });
}

async function consume(l: RateLimiterPostgres, key: string, what: string): Promise<void> {
  try {
    await l.consume(key);
  } catch (res) {
    if (res instanceof RateLimiterRes) throw new RateLimited(Math.max(1, Math.ceil(res.msBeforeNext / 1000)), what);
    throw res;
  }
}

export function createRateLimits(pool: pg.Pool, cfg: RateLimitConfig) {
  const signIn = limiter(pool, 'signin', cfg.signInPerMinute);
  const perMember = limiter(pool, 'destructive-member', cfg.destructivePerMinutePerMember);
  const perOrg = limiter(pool, 'destructive-org', cfg.destructivePerMinutePerOrg);
  const signInLimit: RequestHandler = async (req, _res, next) => {
    await consume(signIn, req.ip ?? 'unknown', 'sign-in attempts from this address');
    next();
  };
  const destructiveLimit: RequestHandler = async (req, _res, next) => {
    const member = req.member;
    if (!member) return next();
    await consume(perMember, member.id, 'changes by you in a minute');
    await consume(perOrg, member.orgId, 'changes in this organisation in a minute');
    next();
  };
  return { signInLimit, destructiveLimit };
}
