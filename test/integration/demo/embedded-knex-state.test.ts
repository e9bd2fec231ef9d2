// The demo's state side on the embedded Postgres: knex with the pg client, our per-sync advisory lock on its
// dedicated pg.Client next to a knex pool, and the state schema's migrations and repositories.
// No server at 127.0.0.1:5432 is used here.
import type { Knex } from 'knex';
import knexModule from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../../src/demo/embedded-postgres.ts';
import { SyncLockLostError, tryAcquireSyncLock } from '../../../src/scheduler/sync-lock.ts';
import {
  closeStateDb,
  countKeyStates,
  createStateDb,
  finishRun,
  findLastGoodRun,
  listStateMigrationNames,
  loadKeyHashes,
  migrateState,
  startRun,
  streamKeyStates,
  upsertKeyStates,
} from '../../../src/state/index.ts';

describe('knex, the sync lock and the state schema on the embedded Postgres', () => {
  let server: EmbeddedPostgres;
  let db: Knex;

  beforeAll(async () => {
    server = await startEmbeddedPostgres();
    db = knexModule.knex({ client: 'pg', connection: server.url, pool: { min: 0, max: 4 } });
  });
  afterAll(async () => {
    await db?.destroy();
    await server?.close();
  });

  it('creates a schema and a table, inserts, selects and runs transactions through knex', async () => {
    await db.schema.createSchema('demo_knex');
    await db.schema.withSchema('demo_knex').createTable('things', (table) => {
      table.increments('id');
      table.text('name').notNullable().unique();
      table.decimal('price', 12, 2);
      table.timestamp('seen_at', { useTz: true });
    });
    const inserted = await db('demo_knex.things')
      .insert([
        { name: 'mug', price: '12.50', seen_at: new Date('2026-01-01T00:00:00Z') },
        { name: 'boot', price: '189.00', seen_at: null },
      ])
      .returning(['id', 'name']);
    expect(inserted).toEqual([{ id: 1, name: 'mug' }, { id: 2, name: 'boot' }]);
    await db.transaction(async (trx) => {
      await trx('demo_knex.things').insert({ name: 'lamp', price: '49.00' });
    });
    await expect(
      db.transaction(async (trx) => {
        await trx('demo_knex.things').insert({ name: 'ghost', price: '1.00' });
        await trx('demo_knex.things').insert({ name: 'mug', price: '1.00' }); // unique violation: all rolled back
      }),
    ).rejects.toThrow(/duplicate key value/);
    const rows = await db('demo_knex.things').select('name', 'price', 'seen_at').orderBy('id');
    expect(rows).toEqual([
      { name: 'mug', price: '12.50', seen_at: new Date('2026-01-01T00:00:00Z') },
      { name: 'boot', price: '189.00', seen_at: null },
      { name: 'lamp', price: '49.00', seen_at: null },
    ]);
  });

  it('answers concurrent knex queries from a pool of 4 correctly', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => db.raw<{ rows: { n: number }[] }>('select ?::int * 2 as n', [i])),
    );
    expect(results.map((result) => result.rows[0]?.n)).toEqual(Array.from({ length: 40 }, (_, i) => i * 2));
  });

  it('takes and releases the per-sync lock on its own connection while the knex pool is in use', async () => {
    await Promise.all(Array.from({ length: 4 }, () => db.raw('select 1'))); // the pool holds its connections open
    const lock = await tryAcquireSyncLock(server.url, 'products');
    expect(lock).toBeDefined();
    lock!.assertHeld();
    const held = await db.raw<{ rows: { n: number }[] }>(
      "select count(*)::int as n from pg_locks where locktype = 'advisory' and classid = ? and objid = hashtext(?)::oid",
      [0x4b53, 'products'],
    );
    expect(held.rows).toEqual([{ n: 1 }]);
    expect((await db('demo_knex.things').count<{ count: string }[]>('* as count'))[0]?.count).toBe('3');
    await lock!.release();
    const after = await db.raw<{ rows: { n: number }[] }>(
      "select count(*)::int as n from pg_locks where locktype = 'advisory' and classid = ?",
      [0x4b53],
    );
    expect(after.rows).toEqual([{ n: 0 }]);
  });

  it('does NOT exclude a second holder of the same sync lock (one shared session): callers must not rely on it', async () => {
    const first = await tryAcquireSyncLock(server.url, 'inventory');
    const second = await tryAcquireSyncLock(server.url, 'inventory');
    expect(first).toBeDefined();
    expect(second).toBeDefined(); // on a real server this is undefined (see test/integration/scheduler)
    await second!.release();
    await first!.release();
  });

  it('runs the state migrations, then the repositories, including a cursor stream and large batches', async () => {
    const state = createStateDb(server.url);
    try {
      expect(await migrateState(state)).toEqual({ applied: listStateMigrationNames() });
      expect(await migrateState(state)).toEqual({ applied: [] });
      const run = await startRun(state, {
        sync: 'products', trigger: 'manual', resync: false, dryRun: false, startedAt: new Date('2026-02-01T10:00:00Z'),
      });
      const keys = Array.from({ length: 12_000 }, (_, i) => ({ key: `SKU-${String(i).padStart(6, '0')}`, hash: `h${i}` }));
      expect(await upsertKeyStates(state, 'products', keys, { runId: run.id, sentAt: new Date('2026-02-01T10:01:00Z') })).toBe(12_000);
      expect(await countKeyStates(state, 'products')).toEqual({ tracked: 12_000, owned: 12_000 });
      let streamed = 0;
      for await (const batch of streamKeyStates(state, 'products', { batchSize: 5_000 })) streamed += batch.length;
      expect(streamed).toBe(12_000);
      const hashes = await loadKeyHashes(state, 'products');
      expect(hashes.get('SKU-011999')).toEqual({ hash: 'h11999', owned: true });
      await finishRun(state, run.id, { status: 'succeeded', finishedAt: new Date('2026-02-01T10:02:00Z') });
      expect((await findLastGoodRun(state, 'products'))?.id).toBe(run.id);
    } finally {
      await closeStateDb(state);
    }
  });

  it('reports the sync lock lost when the embedded server goes away', async () => {
    const lock = await tryAcquireSyncLock(server.url, 'customers');
    expect(lock).toBeDefined();
    await db.destroy();
    await server.close();
    await expect.poll(() => {
      try {
        lock!.assertHeld();
        return 'held';
      } catch (error) {
        return error instanceof SyncLockLostError ? 'lost' : String(error);
      }
    }).toBe('lost');
    await lock!.release();
  });
});
