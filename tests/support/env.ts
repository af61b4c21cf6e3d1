import { loadConfig, type Config } from '../../server/config.js';

/**
 * Configuration for a test: the embedded store in memory, or — when DATABASE_URL is set
 * (the server-store pass) — a fresh database of its own on that server.
 */
export function testEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    EMBEDDED_STORE: 'memory',
    JOBS_PROCESS_EVERY_MS: '200',
    // The certificate jest's global setup made and trusts (NODE_EXTRA_CA_CERTS).
    SIMULATOR_TLS_DIR: process.env.SIMULATOR_TLS_DIR,
    SIMULATOR_USERS: '40',
    DEMO_ASSETS: 'false',
    SECRET_DATA_KEY: Buffer.alloc(32, 7).toString('base64'),
    ...overrides,
  };
}

export function testConfig(overrides: Record<string, string | undefined> = {}): Config {
  return loadConfig(testEnv(overrides));
}

/** The server-store pass runs when DATABASE_URL is set (see .ci/run). */
export const serverStoreUrl = process.env.DATABASE_URL || undefined;
