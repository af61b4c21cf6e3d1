import { ConfigError, loadConfig } from '../../server/config.js';
import { spawnTs } from '../support/processes.js';

describe('configuration', () => {
  it('runs on the embedded store in demo mode with nothing set', () => {
    const config = loadConfig({});
    expect(config.http.port).toBe(3978);
    expect(config.mode).toBe('demo');
    expect(config.store).toMatchObject({ kind: 'embedded', maxConnections: 64 });
    expect(config.store.kind === 'embedded' && config.store.dataDir).toMatch(/\.data[\\/]pg$/);
    expect(config.entra).toBeNull();
  });

  it('uses a PostgreSQL server when DATABASE_URL is set', () => {
    const config = loadConfig({ DATABASE_URL: 'postgresql://u:p@db.example:5432/offramp', DB_POOL_MAX: '25' });
    expect(config.store).toEqual({ kind: 'server', url: 'postgresql://u:p@db.example:5432/offramp', poolMax: 25 });
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).store.kind).toBe('embedded');
  });

  it('names every bad key at once, and never echoes a secret value', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({
        PORT: 'eighty',
        LOG_LEVEL: 'loud',
        DATABASE_URL: 'mysql://root:hunter2@db/x',
        JOBS_ENABLED: 'maybe',
        ENTRA_CLIENT_ID: 'not-a-guid',
        SECRET_ENTRA_CLIENT_SECRET: 'short',
      });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems.map((p) => p.key).sort()).toEqual(
      ['DATABASE_URL', 'ENTRA_CLIENT_ID', 'JOBS_ENABLED', 'LOG_LEVEL', 'PORT', 'SECRET_ENTRA_CLIENT_SECRET'].sort(),
    );
    expect(error!.message).toContain('PORT: must be a whole number from 0 to 65535 (got "eighty")');
    expect(error!.message).not.toContain('hunter2');
    expect(error!.message).not.toContain('short"');
  });

  it('requires the Entra app id and secret together, and an Entra app in production', () => {
    expect(() => loadConfig({ ENTRA_CLIENT_ID: '11111111-2222-3333-4444-555555555555' })).toThrow(
      /SECRET_ENTRA_CLIENT_SECRET: is required when ENTRA_CLIENT_ID is set/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/ENTRA_CLIENT_ID: is required in production/);
    expect(() => loadConfig({ NODE_ENV: 'production', ENTRA_CLIENT_ID: '11111111-2222-3333-4444-555555555555', SECRET_ENTRA_CLIENT_SECRET: 'a-long-secret-value' })).toThrow(
      /SECRET_DATA_KEY: is required in production/,
    );
    const prod = loadConfig({
      NODE_ENV: 'production',
      SECRET_DATA_KEY: Buffer.alloc(32, 1).toString('base64'),
      ENTRA_CLIENT_ID: '11111111-2222-3333-4444-555555555555',
      SECRET_ENTRA_CLIENT_SECRET: 'a-long-secret-value',
      BOT_APP_ID: '66666666-2222-3333-4444-555555555555',
      SECRET_BOT_APP_PASSWORD: 'a-long-bot-password',
    });
    expect(prod.mode).toBe('production');
    expect(prod.bot).toMatchObject({ appId: '66666666-2222-3333-4444-555555555555', unauthenticated: false });
  });

  it('refuses a bot without an app id (unauthenticated activities) unless demo mode, explicit development or an explicit allowance', () => {
    const entra = { ENTRA_CLIENT_ID: '11111111-2222-3333-4444-555555555555', SECRET_ENTRA_CLIENT_SECRET: 'a-long-secret-value' };
    expect(() => loadConfig({ NODE_ENV: 'production', SECRET_DATA_KEY: Buffer.alloc(32, 1).toString('base64'), ...entra })).toThrow(/BOT_APP_ID: is required in production/);
    // A real Entra app and NODE_ENV left to its default: not explicit development.
    expect(() => loadConfig(entra)).toThrow(/BOT_APP_ID: is required outside demo mode, unless NODE_ENV=development or BOT_ALLOW_UNAUTHENTICATED=true/);
    expect(loadConfig({ ...entra, NODE_ENV: 'development' }).bot.unauthenticated).toBe(true);
    expect(loadConfig({ ...entra, BOT_ALLOW_UNAUTHENTICATED: 'true' }).bot.unauthenticated).toBe(true);
    expect(loadConfig({}).bot.unauthenticated).toBe(true); // demo mode
    expect(() => loadConfig({ BOT_APP_ID: '66666666-2222-3333-4444-555555555555' })).toThrow(/SECRET_BOT_APP_PASSWORD: is required when BOT_APP_ID is set/);
    expect(() => loadConfig({ BOT_APP_ID: 'not-a-guid', SECRET_BOT_APP_PASSWORD: 'a-long-bot-password' })).toThrow(/BOT_APP_ID: must be the bot's Microsoft app id, a GUID/);
  });

  it('stops the process with exit code 78 and every bad key named on stderr', async () => {
    const proc = spawnTs('server/main.ts', { PORT: '99999', EMBEDDED_STORE: 'disk', SHUTDOWN_TIMEOUT_MS: '-1' });
    const { code } = await proc.exited;
    expect(code).toBe(78);
    const stderr = proc.stderr.join('\n');
    expect(stderr).toContain('Invalid configuration:');
    for (const key of ['PORT', 'EMBEDDED_STORE', 'SHUTDOWN_TIMEOUT_MS']) expect(stderr).toContain(`  ${key}: `);
  });
});
