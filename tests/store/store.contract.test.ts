import pg from 'pg';
import { migrateStore } from '../../server/db/migrate.js';
import type { Store } from '../../server/db/store.js';
import { openTestStore, storeKinds } from '../support/stores.js';

/**
 * One contract for every store: what features may rely on, whichever PostgreSQL serves them.
 * Runs on the embedded store always and on the PostgreSQL server in the server-store pass.
 */
describe.each(storeKinds)('the %s store', (kind) => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(kind);
    await store.pool.query(
      'CREATE TABLE contract_items (id serial PRIMARY KEY, key text UNIQUE NOT NULL, doc jsonb, at timestamptz, n bigint)',
    );
  });
  afterAll(async () => {
    await store?.close();
  });

  it('answers parameterised queries from many connections at once, transactions among them, each with its own result', async () => {
    // Different parameter counts per connection, and transactions starting while other
    // connections are mid-query: interleaved Parse/Bind messages would mix them up.
    const expected = (c: number, i: number) => Array.from({ length: (c % 4) + 1 }, (_, k) => `c${c}-i${i}-p${k}`);
    const rounds = await Promise.all(
      Array.from({ length: 8 }, (_, c) =>
        (async () => {
          const out: string[] = [];
          for (let i = 0; i < 25; i++) {
            const params = expected(c, i);
            const sql = `SELECT concat_ws(',', ${params.map((_, k) => `$${k + 1}::text`).join(', ')}) AS v`;
            if (c % 2 === 0) {
              const client = await store.pool.connect();
              try {
                await client.query('BEGIN');
                out.push((await client.query(sql, params)).rows[0].v);
                await client.query('COMMIT');
              } finally {
                client.release();
              }
            } else out.push((await store.pool.query(sql, params)).rows[0].v);
          }
          return out;
        })(),
      ),
    );
    rounds.forEach((out, c) => expect(out).toEqual(Array.from({ length: 25 }, (_, i) => expected(c, i).join(','))));
  }, 30_000);

  it('reports its kind', () => {
    expect(store.kind).toBe(kind);
  });

  it('has every migration applied, with the job table in place', async () => {
    const applied = await store.pool.query('SELECT count(*)::int AS n FROM public.schema_migrations');
    expect(applied.rows[0].n).toBeGreaterThanOrEqual(1);
    const jobs = await store.pool.query(`SELECT to_regclass('public.agenda_jobs') AS t`);
    expect(jobs.rows[0].t).toBe('agenda_jobs');
  });

  it('applies migrations only once, even when replicas migrate at the same moment', async () => {
    const before = await store.pool.query('SELECT count(*)::int AS n FROM public.schema_migrations');
    const other = new pg.Pool({ connectionString: store.url, max: 2 });
    try {
      await Promise.all([migrateStore(store.pool), migrateStore(other), migrateStore(store.pool)]);
    } finally {
      await other.end();
    }
    const after = await store.pool.query('SELECT count(*)::int AS n FROM public.schema_migrations');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('commits a transaction as a whole', async () => {
    await store.transaction(async (tx) => {
      await tx.execute(`INSERT INTO contract_items (key) VALUES ('commit-a')`);
      await tx.execute(`INSERT INTO contract_items (key) VALUES ('commit-b')`);
    });
    const { rows } = await store.pool.query(`SELECT key FROM contract_items WHERE key LIKE 'commit-%' ORDER BY key`);
    expect(rows.map((r) => r.key)).toEqual(['commit-a', 'commit-b']);
  });

  it('rolls a failed transaction back entirely and stays usable', async () => {
    await expect(
      store.transaction(async (tx) => {
        await tx.execute(`INSERT INTO contract_items (key) VALUES ('rolled-back')`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const { rows } = await store.pool.query(`SELECT count(*)::int AS n FROM contract_items WHERE key = 'rolled-back'`);
    expect(rows[0].n).toBe(0);
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('reports a unique violation as SQLSTATE 23505 and leaves the first row', async () => {
    await store.pool.query(`INSERT INTO contract_items (key) VALUES ('dup')`);
    await expect(store.pool.query(`INSERT INTO contract_items (key) VALUES ('dup')`)).rejects.toMatchObject({ code: '23505' });
    const { rows } = await store.pool.query(`SELECT count(*)::int AS n FROM contract_items WHERE key = 'dup'`);
    expect(rows[0].n).toBe(1);
  });

  it('round-trips jsonb, timestamptz and bigint values unchanged', async () => {
    const doc = { name: 'Łukasz Żółć', nested: { list: [1, 'two', null], ok: true } };
    const at = new Date('2026-12-01T09:00:00.123Z');
    await store.pool.query('INSERT INTO contract_items (key, doc, at, n) VALUES ($1, $2, $3, $4)', ['types', doc, at, 9_007_199_254_740_000]);
    const { rows } = await store.pool.query(`SELECT doc, at, n FROM contract_items WHERE key = 'types'`);
    expect(rows[0].doc).toEqual(doc);
    expect(rows[0].at).toBeInstanceOf(Date);
    expect((rows[0].at as Date).toISOString()).toBe(at.toISOString());
    expect(rows[0].n).toBe(9_007_199_254_740_000);
  });

  it('serves many queries at once across the pool', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => store.pool.query('SELECT $1::int * 2 AS v, pg_sleep(0.001)', [i])),
    );
    expect(results.map((r) => r.rows[0].v)).toEqual(Array.from({ length: 40 }, (_, i) => i * 2));
  });

  it('lets a second connection pool share the store through its URL', async () => {
    const other = new pg.Pool({ connectionString: store.url, max: 2 });
    try {
      await other.query(`INSERT INTO contract_items (key) VALUES ('from-other-pool')`);
    } finally {
      await other.end();
    }
    const { rows } = await store.pool.query(`SELECT count(*)::int AS n FROM contract_items WHERE key = 'from-other-pool'`);
    expect(rows[0].n).toBe(1);
  });

  it('claims each row once with FOR UPDATE SKIP LOCKED', async () => {
    await store.pool.query(`INSERT INTO contract_items (key) SELECT 'claim-' || g FROM generate_series(1, 10) g`);
    const claimed: string[] = [];
    // Claims run one after another on the embedded store (one query at a time), concurrently on a server.
    await Promise.all(
      Array.from({ length: 5 }, () =>
        store.transaction(async (tx) => {
          const { rows } = await tx.execute(
            `SELECT key FROM contract_items WHERE key LIKE 'claim-%' AND doc IS NULL ORDER BY id LIMIT 2 FOR UPDATE SKIP LOCKED`,
          );
          for (const row of rows as { key: string }[]) {
            await tx.execute(`UPDATE contract_items SET doc = '{"claimed":true}' WHERE key = '${row.key}'`);
            claimed.push(row.key);
          }
        }),
      ),
    );
    expect(claimed.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `claim-${i + 1}`).sort());
  });

  it('answers ping, and refuses queries after close', async () => {
    const own = await openTestStore(kind);
    await expect(own.ping()).resolves.toBeUndefined();
    await own.close();
    await expect(own.pool.query('SELECT 1')).rejects.toThrow();
  });
});
