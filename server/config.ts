import path from 'node:path';
import { z } from 'zod';
import { repoRoot } from './paths.js';

/**
 * The process's whole configuration, read from the environment once at start.
 * A bad or missing value stops the process with every bad key named
 * (see `ConfigError`); nothing else in the code base reads `process.env`.
 */

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max: number) =>
  z.coerce
    .number({ message: `must be a whole number from ${min} to ${max}` })
    .int({ message: `must be a whole number from ${min} to ${max}` })
    .min(min, { message: `must be a whole number from ${min} to ${max}` })
    .max(max, { message: `must be a whole number from ${min} to ${max}` });

const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\/[^\s]+$/.test(v) && URL.canParse(v), {
    message: 'must be a postgres:// or postgresql:// connection URL',
  });

const httpUrl = z
  .string()
  .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), {
    message: 'must be an http:// or https:// URL',
  });

const httpsUrl = z
  .string()
  .refine((v) => URL.canParse(v) && new URL(v).protocol === 'https:', { message: 'must be an https:// URL' })
  .transform((v) => v.replace(/\/$/, ''));

/** Empty strings in the environment mean "not set". */
const optional = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: optional(int(0, 65535)).default(3978),
    HOST: optional(z.string().min(1)),
    PUBLIC_URL: optional(httpUrl),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOG_PRETTY: optional(bool),

    DATABASE_URL: optional(postgresUrl),
    DB_POOL_MAX: optional(int(2, 200)).default(10),
    DATA_DIR: z.string().min(1).default('.data'),
    EMBEDDED_STORE: z.enum(['file', 'memory']).default('file'),
    EMBEDDED_MAX_CONNECTIONS: optional(int(2, 500)).default(64),
    EMBEDDED_PORT: optional(int(0, 65535)).default(0),

    JOBS_ENABLED: optional(bool).default(true),
    JOBS_PROCESS_EVERY_MS: optional(int(50, 600_000)).default(5_000),
    JOBS_LOCK_LIFETIME_MS: optional(int(500, 86_400_000)).default(600_000),
    JOBS_MAX_CONCURRENCY: optional(int(1, 1000)).default(20),
    SHUTDOWN_TIMEOUT_MS: optional(int(0, 600_000)).default(25_000),

    HTTP_BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/, 'must look like 100kb or 1mb').default('1mb'),
    TABS_DIR: optional(z.string().min(1)),

    SESSION_TTL_HOURS: optional(int(1, 24 * 30)).default(12),
    RATE_SIGNIN_PER_MINUTE: optional(int(1, 10_000)).default(20),
    RATE_DESTRUCTIVE_PER_MINUTE_MEMBER: optional(int(1, 10_000)).default(30),
    RATE_DESTRUCTIVE_PER_MINUTE_ORG: optional(int(1, 100_000)).default(120),

    SIMULATOR_SEED: z.string().min(1).default('contoso'),
    SIMULATOR_USERS: optional(int(1, 1_000_000)).default(200),
    SIMULATOR_PORT: optional(int(0, 65535)).default(0),
    SIMULATOR_TLS_DIR: optional(z.string().min(1)),
    /** Demo mode: fill a newly connected demo tenant's organisation with sample hardware, seats and requests. */
    DEMO_ASSETS: optional(bool).default(true),

    SECRET_DATA_KEY: optional(
      z
        .string()
        .refine((v) => Buffer.from(v, 'base64').length === 32, { message: 'must be 32 random bytes, base64-encoded (openssl rand -base64 32)' }),
    ),
    GRAPH_BASE_URL: optional(httpsUrl).default('https://graph.microsoft.com'),
    EXCHANGE_BASE_URL: optional(httpsUrl).default('https://outlook.office365.com'),
    M365_TENANT_CONCURRENCY: optional(int(1, 100)).default(8),
    M365_GLOBAL_CONCURRENCY: optional(int(1, 1000)).default(32),
    SYNC_INTERVAL_MINUTES: optional(int(1, 1440)).default(15),
    OFFBOARDING_LEASE_MS: optional(int(500, 3_600_000)).default(30_000),
    OFFBOARDING_STEP_CONCURRENCY: optional(int(1, 20)).default(4),
    OFFBOARDING_STEP_ATTEMPTS: optional(int(1, 10)).default(3),
    OFFBOARDING_STEP_RETRY_MS: optional(int(0, 600_000)).default(2_000),

    SECRET_STRIPE_KEY: optional(z.string().regex(/^(sk|rk)_(test|live)_/, 'must be a Stripe secret key (sk_live_… or sk_test_…)')),
    SECRET_STRIPE_WEBHOOK: optional(z.string().regex(/^whsec_/, 'must be the webhook signing secret (whsec_…)')),
    STRIPE_API_BASE: optional(httpUrl),
    STRIPE_PRICES: z
      .string()
      .default('')
      .transform((v, c) => {
        const out: Record<string, string> = {};
        for (const pair of v.split(',').map((x) => x.trim()).filter(Boolean)) {
          const [k, id] = pair.split('=').map((x) => x.trim());
          if (!k || !id || !/^(starter|business|msp)_(month|year)$/.test(k)) {
            c.addIssue({ code: 'custom', message: `"${pair}" should look like business_month=price_123` });
            return z.NEVER;
          }
          out[k] = id;
        }
        return out;
      }),

    WEBHOOK_ALLOW_HTTP: optional(bool).default(false),
    WEBHOOK_ALLOW_ADDRESSES: z
      .string()
      .default('')
      .transform((v) => v.split(',').map((x) => x.trim()).filter(Boolean))
      .refine((list) => list.every((x) => /^[0-9a-f:.]+(\/\d{1,3})?$/i.test(x)), { message: 'must be IP addresses or CIDR ranges, comma-separated' }),
    WEBHOOK_TIMEOUT_MS: optional(int(100, 60_000)).default(15_000),

    BOT_APP_ID: optional(z.guid({ message: 'must be the bot\'s Microsoft app id, a GUID' })),
    SECRET_BOT_APP_PASSWORD: optional(z.string().min(8, 'must be at least 8 characters')),
    BOT_APP_TENANT_ID: optional(z.guid({ message: 'must be the tenant id of a single-tenant bot, a GUID' })),
    BOT_OPENID_METADATA_URL: optional(httpUrl),
    BOT_TOKEN_ISSUER: optional(z.string().min(1)),
    BOT_LOGIN_URL: optional(httpsUrl),
    BOT_ALLOW_UNAUTHENTICATED: optional(bool).default(false),

    ENTRA_AUTHORITY_HOST: optional(httpsUrl).default('https://login.microsoftonline.com'),
    ENTRA_V1_ISSUER_HOST: optional(httpsUrl).default('https://sts.windows.net'),
    ENTRA_API_AUDIENCE: optional(z.string().min(1)),
    ENTRA_CLIENT_ID: optional(z.guid({ message: 'must be the application (client) id, a GUID' })),
    SECRET_ENTRA_CLIENT_SECRET: optional(z.string().min(8, 'must be at least 8 characters')),
  })
  .superRefine((env, ctx) => {
    if (Boolean(env.SECRET_STRIPE_KEY) !== Boolean(env.SECRET_STRIPE_WEBHOOK)) {
      ctx.addIssue({ code: 'custom', path: [env.SECRET_STRIPE_KEY ? 'SECRET_STRIPE_WEBHOOK' : 'SECRET_STRIPE_KEY'], message: 'is required when the other Stripe secret is set' });
    }
    if (env.ENTRA_CLIENT_ID && !env.SECRET_ENTRA_CLIENT_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SECRET_ENTRA_CLIENT_SECRET'],
        message: 'is required when ENTRA_CLIENT_ID is set',
      });
    }
    if (!env.ENTRA_CLIENT_ID && env.SECRET_ENTRA_CLIENT_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['ENTRA_CLIENT_ID'],
        message: 'is required when SECRET_ENTRA_CLIENT_SECRET is set',
      });
    }
    if (env.BOT_APP_ID && !env.SECRET_BOT_APP_PASSWORD) {
      ctx.addIssue({ code: 'custom', path: ['SECRET_BOT_APP_PASSWORD'], message: 'is required when BOT_APP_ID is set' });
    }
    if (!env.BOT_APP_ID && env.NODE_ENV === 'production') {
      ctx.addIssue({ code: 'custom', path: ['BOT_APP_ID'], message: 'is required in production: without it the bot would accept activities nobody authenticated' });
    }
    if (env.NODE_ENV === 'production' && !env.SECRET_DATA_KEY) {
      ctx.addIssue({ code: 'custom', path: ['SECRET_DATA_KEY'], message: 'is required in production (it encrypts tenant credentials at rest)' });
    }
    if (env.NODE_ENV === 'production' && !env.ENTRA_CLIENT_ID) {
      ctx.addIssue({
        code: 'custom',
        path: ['ENTRA_CLIENT_ID'],
        message: 'is required in production (demo mode is for development and tests only)',
      });
    }
  });

export type StoreConfig =
  | { kind: 'server'; url: string; poolMax: number }
  | {
      kind: 'embedded';
      /** Folder holding the database files, or null for an in-memory database. */
      dataDir: string | null;
      maxConnections: number;
      port: number;
      poolMax: number;
    };

export interface Config {
  env: 'development' | 'production' | 'test';
  /** demo: the simulated tenant stands in for Microsoft 365 (no Entra app configured). */
  mode: 'demo' | 'production';
  http: {
    port: number;
    host: string | undefined;
    /** Where people and Teams reach this server; null: the address it listens on (PORT=0, tests). */
    publicUrl: string | null;
    bodyLimit: string;
    tabsDir: string;
  };
  log: { level: string; pretty: boolean };
  store: StoreConfig;
  dataDir: string;
  jobs: {
    enabled: boolean;
    processEveryMs: number;
    lockLifetimeMs: number;
    maxConcurrency: number;
  };
  shutdownTimeoutMs: number;
  /** The multi-tenant Entra app (production); null in demo mode, where the simulated tenant provides one. */
  entra: { clientId: string; clientSecret: string; authorityHost: string; v1IssuerHost: string; apiAudience: string | null } | null;
  simulator: { seed: string; users: number; port: number; tlsDir: string; demoAssets: boolean };
  m365: { graphBaseUrl: string; exchangeBaseUrl: string; tenantConcurrency: number; globalConcurrency: number; syncIntervalMs: number };
  /** The master key that wraps every secret's data key; null: kept in the data folder (development). */
  /** The run engine: a worker's claim on a run, steps at once, attempts of a failing step. */
  offboarding: { leaseMs: number; stepConcurrency: number; stepAttempts: number; stepRetryDelayMs: number };
  /**
   * Stripe: null when not configured (demo mode starts a local stand-in instead). Prices: the
   * price id of each plan and interval (defaults: the stand-in's ids).
   */
  stripe: { secretKey: string; webhookSecret: string; apiBase: string | null } | null;
  stripePrices: Record<`${'starter' | 'business' | 'msp'}_${'month' | 'year'}`, string>;
  /** Outbound webhooks: http and non-public addresses only when allowed here (local tests). */
  webhooks: { allowHttp: boolean; allowAddresses: string[]; timeoutMs: number };
  /**
   * The Teams bot. appId null: activities are not authenticated, which only demo mode, development
   * and tests allow (or BOT_ALLOW_UNAUTHENTICATED, said explicitly); the metadata URL, issuer and
   * login URL point authentication at another issuer (tests use a local one).
   */
  bot: { appId: string | null; appPassword: string | null; appTenantId: string | null; openIdMetadataUrl: string | null; tokenIssuer: string | null; loginUrl: string | null; unauthenticated: boolean };
  dataKey: Buffer | null;
  sessions: { ttlMs: number };
  rateLimits: { signInPerMinute: number; destructivePerMinutePerMember: number; destructivePerMinutePerOrg: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: { key: string; message: string; value?: string }[]) {
    super(
      'Invalid configuration:\n' +
        problems
          .map((p) => `  ${p.key}: ${p.message}${p.value === undefined ? '' : ` (got ${p.value})`}`)
          .join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Values of these keys are never echoed back, even in error messages. */
const isSecretKey = (key: string) => key.startsWith('SECRET_') || key === 'DATABASE_URL';

export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '(environment)');
      const raw = env[key];
      return {
        key,
        message: issue.message,
        value: raw === undefined || isSecretKey(key) ? undefined : JSON.stringify(raw),
      };
    });
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  // With a real Entra app (production mode) the bot must authenticate activities, unless the
  // environment says explicitly that this is development or a test, or allows it by name.
  const explicitDev = env.NODE_ENV === 'development' || env.NODE_ENV === 'test';
  if (!e.BOT_APP_ID && e.ENTRA_CLIENT_ID && !explicitDev && !e.BOT_ALLOW_UNAUTHENTICATED) {
    throw new ConfigError([{ key: 'BOT_APP_ID', message: 'is required outside demo mode, unless NODE_ENV=development or BOT_ALLOW_UNAUTHENTICATED=true is set: without it the bot would accept activities nobody authenticated' }]);
  }
  const dataDir = path.resolve(repoRoot, e.DATA_DIR);
  const port = e.PORT;
  const store: StoreConfig = e.DATABASE_URL
    ? { kind: 'server', url: e.DATABASE_URL, poolMax: e.DB_POOL_MAX }
    : {
        kind: 'embedded',
        dataDir: e.EMBEDDED_STORE === 'memory' ? null : path.join(dataDir, 'pg'),
        maxConnections: e.EMBEDDED_MAX_CONNECTIONS,
        port: e.EMBEDDED_PORT,
        poolMax: e.DB_POOL_MAX,
      };
  return {
    env: e.NODE_ENV,
    mode: e.ENTRA_CLIENT_ID ? 'production' : 'demo',
    http: {
      port,
      host: e.HOST,
      publicUrl: e.PUBLIC_URL ? e.PUBLIC_URL.replace(/\/$/, '') : port === 0 ? null : `http://localhost:${port}`,
      bodyLimit: e.HTTP_BODY_LIMIT,
      tabsDir: path.resolve(repoRoot, e.TABS_DIR ?? 'tabs/dist'),
    },
    log: { level: e.LOG_LEVEL, pretty: e.LOG_PRETTY ?? false },
    store,
    dataDir,
    jobs: {
      enabled: e.JOBS_ENABLED,
      processEveryMs: e.JOBS_PROCESS_EVERY_MS,
      lockLifetimeMs: e.JOBS_LOCK_LIFETIME_MS,
      maxConcurrency: e.JOBS_MAX_CONCURRENCY,
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    entra:
      e.ENTRA_CLIENT_ID && e.SECRET_ENTRA_CLIENT_SECRET
        ? {
            clientId: e.ENTRA_CLIENT_ID,
            clientSecret: e.SECRET_ENTRA_CLIENT_SECRET,
            authorityHost: e.ENTRA_AUTHORITY_HOST,
            v1IssuerHost: e.ENTRA_V1_ISSUER_HOST,
            apiAudience: e.ENTRA_API_AUDIENCE ?? null,
          }
        : null,
    simulator: {
      seed: e.SIMULATOR_SEED,
      users: e.SIMULATOR_USERS,
      port: e.SIMULATOR_PORT,
      demoAssets: e.DEMO_ASSETS,
      tlsDir: path.resolve(repoRoot, e.SIMULATOR_TLS_DIR ?? path.join(e.DATA_DIR, 'tls')),
    },
    m365: {
      graphBaseUrl: e.GRAPH_BASE_URL,
      exchangeBaseUrl: e.EXCHANGE_BASE_URL,
      tenantConcurrency: e.M365_TENANT_CONCURRENCY,
      globalConcurrency: e.M365_GLOBAL_CONCURRENCY,
      syncIntervalMs: e.SYNC_INTERVAL_MINUTES * 60_000,
    },
    stripe: e.SECRET_STRIPE_KEY && e.SECRET_STRIPE_WEBHOOK ? { secretKey: e.SECRET_STRIPE_KEY, webhookSecret: e.SECRET_STRIPE_WEBHOOK, apiBase: e.STRIPE_API_BASE ?? null } : null,
    stripePrices: Object.fromEntries(
      (['starter', 'business', 'msp'] as const).flatMap((p) => (['month', 'year'] as const).map((i) => [`${p}_${i}`, e.STRIPE_PRICES[`${p}_${i}`] ?? `price_${p}_${i}`])),
    ) as Config['stripePrices'],
    webhooks: { allowHttp: e.WEBHOOK_ALLOW_HTTP, allowAddresses: e.WEBHOOK_ALLOW_ADDRESSES, timeoutMs: e.WEBHOOK_TIMEOUT_MS },
    offboarding: {
      leaseMs: e.OFFBOARDING_LEASE_MS,
      stepConcurrency: e.OFFBOARDING_STEP_CONCURRENCY,
      stepAttempts: e.OFFBOARDING_STEP_ATTEMPTS,
      stepRetryDelayMs: e.OFFBOARDING_STEP_RETRY_MS,
    },
    bot: {
      appId: e.BOT_APP_ID ?? null,
      appPassword: e.SECRET_BOT_APP_PASSWORD ?? null,
      appTenantId: e.BOT_APP_TENANT_ID ?? null,
      openIdMetadataUrl: e.BOT_OPENID_METADATA_URL ?? null,
      tokenIssuer: e.BOT_TOKEN_ISSUER ?? null,
      loginUrl: e.BOT_LOGIN_URL ?? null,
      unauthenticated: !e.BOT_APP_ID,
    },
    dataKey: e.SECRET_DATA_KEY ? Buffer.from(e.SECRET_DATA_KEY, 'base64') : null,
    sessions: { ttlMs: e.SESSION_TTL_HOURS * 3600_000 },
    rateLimits: {
      signInPerMinute: e.RATE_SIGNIN_PER_MINUTE,
      destructivePerMinutePerMember: e.RATE_DESTRUCTIVE_PER_MINUTE_MEMBER,
      destructivePerMinutePerOrg: e.RATE_DESTRUCTIVE_PER_MINUTE_ORG,
    },
  };
}
