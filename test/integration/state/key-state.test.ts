import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  STATE_TABLES,
  clearSentDeletes,
  countKeyStates,
  deleteKeyStates,
  listSentDeletes,
  markDeletesSent,
  loadKeyHashes,
  findOwnedKeys,
  startRun,
  streamKeyStates,
  upsertKeyStates,
  type KeyHash,
} from '../../../src/state/index.ts';
import { createMigratedStateDb, type StateTestDb } from './state-test-db.ts';

const BULK_KEY_COUNT = 100_000;

function* generateKeyHashes(count: number, hashPrefix: string): Generator<KeyHash> {
  for (let i = 0; i < count; i += 1) yield { key: `SKU-${String(i).padStart(7, '0')}`, hash: `${hashPrefix}${i}` };
}

async function* fromAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const item of items) yield item;
}

describe('key state', () => {
  let state: StateTestDb;
  let runId: number;
  const sentAt = new Date(Date.UTC(2026, 3, 1, 12, 0, 0));
  beforeAll(async () => {
    state = await createMigratedStateDb('state keys');
    runId = (await startRun(state.db, { sync: 'catalog', trigger: 'manual', resync: false, dryRun: false, startedAt: sentAt })).id;
  });
  afterAll(async () => {
    await state.close();
  });

  it(`upserts ${BULK_KEY_COUNT.toLocaleString('en-US')} keys in bulk, then updates them all`, async () => {
    const insertStart = performance.now();
    const inserted = await upsertKeyStates(state.db, 'bulk', generateKeyHashes(BULK_KEY_COUNT, 'h1-'), { runId, sentAt });
    const insertMs = performance.now() - insertStart;
    const updateStart = performance.now();
    const updated = await upsertKeyStates(state.db, 'bulk', fromAsync(generateKeyHashes(BULK_KEY_COUNT, 'h2-')), {
      runId,
      sentAt,
      confirmedAt: sentAt,
    });
    const updateMs = performance.now() - updateStart;
    const loadStart = performance.now();
    const hashes = await loadKeyHashes(state.db, 'bulk');
    const loadMs = performance.now() - loadStart;
    console.log(
      `key state, ${BULK_KEY_COUNT} keys: insert ${insertMs.toFixed(0)} ms, update ${updateMs.toFixed(0)} ms, ` +
        `load ${loadMs.toFixed(0)} ms`,
    );

    expect(inserted).toBe(BULK_KEY_COUNT);
    expect(updated).toBe(BULK_KEY_COUNT);
    expect(hashes.size).toBe(BULK_KEY_COUNT);
    expect(hashes.get('SKU-0000000')).toEqual({ hash: 'h2-0', owned: true });
    expect(hashes.get('SKU-0099999')).toEqual({ hash: 'h2-99999', owned: true });
    expect(await countKeyStates(state.db, 'bulk')).toEqual({ tracked: BULK_KEY_COUNT, owned: BULK_KEY_COUNT });
    // Generous bound: only catches a regression to one statement per key (which takes minutes, not seconds).
    expect(insertMs + updateMs).toBeLessThan(45_000);
  });

  it('streams key state in bounded batches without skipping or repeating keys', async () => {
    await upsertKeyStates(state.db, 'paging', generateKeyHashes(2_345, 'p-'), { runId, sentAt });
    const seen: string[] = [];
    let batches = 0;
    for await (const batch of streamKeyStates(state.db, 'paging', { batchSize: 500 })) {
      batches += 1;
      expect(batch.length).toBeLessThanOrEqual(500);
      seen.push(...batch.map((entry) => entry.key));
    }
    expect(batches).toBe(5);
    expect(seen.sort()).toEqual([...generateKeyHashes(2_345, '')].map((row) => row.key));
  });

  it('gives the connection back when a consumer stops reading early', async () => {
    const poolMax = 5;
    for (let attempt = 0; attempt < poolMax + 2; attempt += 1) {
      for await (const batch of streamKeyStates(state.db, 'paging', { batchSize: 100 })) {
        expect(batch).toHaveLength(100);
        break;
      }
    }
    // With a leaked connection per early exit the pool would be exhausted by now and this would time out.
    expect(await countKeyStates(state.db, 'paging')).toEqual({ tracked: 2_345, owned: 2_345 });
  });

  it('keeps the last hash of a key repeated in one call, and keeps last_confirmed_at when not given', async () => {
    const written = await upsertKeyStates(
      state.db,
      'dupes',
      [
        { key: 'A', hash: 'a1' },
        { key: 'B', hash: 'b1' },
        { key: 'A', hash: 'a2' },
      ],
      { runId, sentAt, confirmedAt: sentAt },
    );
    expect(written).toBe(2);
    const later = new Date(sentAt.getTime() + 60_000);
    await upsertKeyStates(state.db, 'dupes', [{ key: 'B', hash: 'b2' }], { runId, sentAt: later });
    const rows = await state.db(STATE_TABLES.keyState).where({ sync: 'dupes' }).orderBy('key');
    expect(rows.map((row: Record<string, unknown>) => [row.key, row.hash, row.last_sent_at, row.last_confirmed_at])).toEqual([
      ['A', 'a2', sentAt, sentAt],
      ['B', 'b2', later, sentAt],
    ]);
  });

  it('tracks ownership: only keys we created are ours to delete', async () => {
    await upsertKeyStates(state.db, 'owners', [{ key: 'OURS-1', hash: 'x' }, { key: 'OURS-2', hash: 'y' }], { runId, sentAt, owned: true });
    await upsertKeyStates(state.db, 'owners', [{ key: 'THEIRS', hash: 'z' }], { runId, sentAt, owned: false });
    await upsertKeyStates(state.db, 'other-sync', [{ key: 'OURS-1', hash: 'elsewhere' }], { runId, sentAt, owned: false });

    // only the keys asked about are looked up (the removed keys of a run), never the whole table
    expect(await findOwnedKeys(state.db, 'owners', ['OURS-1', 'OURS-2', 'THEIRS', 'NEVER-SEEN'])).toEqual(new Set(['OURS-1', 'OURS-2']));
    expect(await findOwnedKeys(state.db, 'owners', ['OURS-2'])).toEqual(new Set(['OURS-2']));
    expect(await findOwnedKeys(state.db, 'owners', [])).toEqual(new Set());
    // across lookup batches (5,000 keys each): owned keys in the first and the third batch are both found
    const many = Array.from({ length: 11_000 }, (_, index) => `absent-${index}`);
    many[10] = 'OURS-1';
    many[10_500] = 'OURS-2';
    expect(await findOwnedKeys(state.db, 'owners', many)).toEqual(new Set(['OURS-1', 'OURS-2']));
    expect(await findOwnedKeys(state.db, 'other-sync', ['OURS-1'])).toEqual(new Set());
    expect((await loadKeyHashes(state.db, 'owners')).get('THEIRS')).toEqual({ hash: 'z', owned: false });
    expect(await countKeyStates(state.db, 'owners')).toEqual({ tracked: 3, owned: 2 });

    // Taking a key over (we sent it) makes it ours.
    await upsertKeyStates(state.db, 'owners', [{ key: 'THEIRS', hash: 'z2' }], { runId, sentAt });
    expect(await findOwnedKeys(state.db, 'owners', ['THEIRS'])).toEqual(new Set(['THEIRS']));
  });

  it('deletes keys of one sync only, in batches, and counts what it removed', async () => {
    await upsertKeyStates(state.db, 'deletes', generateKeyHashes(12_000, 'd-'), { runId, sentAt });
    await upsertKeyStates(state.db, 'deletes-other', generateKeyHashes(10, 'o-'), { runId, sentAt });
    const doomed = [...generateKeyHashes(11_000, '')].map((row) => row.key);
    const deleted = await deleteKeyStates(state.db, 'deletes', fromAsync([...doomed, 'NOT-THERE']));
    expect(deleted).toBe(11_000);
    expect(await countKeyStates(state.db, 'deletes')).toEqual({ tracked: 1_000, owned: 1_000 });
    expect(await countKeyStates(state.db, 'deletes-other')).toEqual({ tracked: 10, owned: 10 });
  });

  it('writes nothing when the input fails part way (one transaction)', async () => {
    async function* failingRows(): AsyncGenerator<KeyHash> {
      yield* generateKeyHashes(7_000, 'f-');
      throw new Error('ERP cursor lost');
    }
    await expect(upsertKeyStates(state.db, 'atomic', failingRows(), { runId, sentAt })).rejects.toThrow('ERP cursor lost');
    expect(await countKeyStates(state.db, 'atomic')).toEqual({ tracked: 0, owned: 0 });
  });

  it('marks sent deletes of one sync in batches, keeps them owned, and unmarks them when sent again or cleared', async () => {
    await upsertKeyStates(state.db, 'sent', generateKeyHashes(6_000, 's-'), { runId, sentAt });
    await upsertKeyStates(state.db, 'sent-other', generateKeyHashes(10, 'o-'), { runId, sentAt });
    const doomed = [...generateKeyHashes(5_500, '')].map((row) => row.key);
    expect(await markDeletesSent(state.db, 'sent', fromAsync([...doomed, 'NOT-THERE']), { runId, sentAt })).toBe(5_500);
    expect((await listSentDeletes(state.db, 'sent')).sort()).toEqual(doomed);
    expect(await listSentDeletes(state.db, 'sent-other')).toEqual([]);
    expect(await countKeyStates(state.db, 'sent')).toEqual({ tracked: 6_000, owned: 6_000 });
    expect((await findOwnedKeys(state.db, 'sent', doomed)).size).toBe(5_500);

    await upsertKeyStates(state.db, 'sent', [{ key: doomed[0]!, hash: 'back' }], { runId, sentAt });
    expect(await clearSentDeletes(state.db, 'sent', doomed.slice(1, 5_201))).toBe(5_200);
    expect((await listSentDeletes(state.db, 'sent')).sort()).toEqual(doomed.slice(5_201));
  });
});
