import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncLockLostError, tryAcquireSyncLock } from '../../../src/scheduler/sync-lock.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.ts';

describe('sync advisory lock', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('sync lock');
  });
  afterAll(async () => {
    await database.drop();
  });

  it('lets exactly one holder run a sync, and frees it on release', async () => {
    const first = await tryAcquireSyncLock(database.url, 'products');
    expect(first).toBeDefined();
    expect(await tryAcquireSyncLock(database.url, 'products')).toBeUndefined();
    const other = await tryAcquireSyncLock(database.url, 'categories');
    expect(other).toBeDefined();
    await first!.release();
    const again = await tryAcquireSyncLock(database.url, 'products');
    expect(again).toBeDefined();
    await again!.release();
    await other!.release();
  });

  it('reports a lost lock once its connection is killed, and the lock is free again', async () => {
    const lock = await tryAcquireSyncLock(database.url, 'inventory');
    expect(lock).toBeDefined();
    lock!.assertHeld();
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      await admin.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'kibo-sync lock inventory'",
      );
      await expect.poll(() => {
        try {
          lock!.assertHeld();
          return 'held';
        } catch (error) {
          return error instanceof SyncLockLostError ? 'lost' : 'other';
        }
      }).toBe('lost');
      const next = await tryAcquireSyncLock(database.url, 'inventory');
      expect(next).toBeDefined();
      await next!.release();
      await lock!.release();
    } finally {
      await admin.end();
    }
  });
});
