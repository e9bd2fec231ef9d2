// How the demo must lay out its databases. The ERP reader holds its connection's transaction for the whole
// read, and PGlite has one session, so on ONE embedded server a state write awaited inside the ERP read loop
// can never run: the server refuses it after the wait timeout (instead of hanging). With the ERP and the state
// on TWO embedded servers, the same interleaving works as it does on a real Postgres.
// No server at 127.0.0.1:5432 is used here.
import type { Knex } from 'knex';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../../src/demo/embedded-postgres.ts';
import { runSqlFiles } from '../../../src/demo/run-sql-files.ts';
import { createErpPool, readErpRows } from '../../../src/erp/read-erp-rows.ts';
import { closeStateDb, createStateDb, migrateState, streamKeyStates, upsertKeyStates } from '../../../src/state/index.ts';
import { SAMPLE_ERP_FILES } from './sample-erp-fingerprints.ts';

const SESSION_WAIT_TIMEOUT_MS = 1_000;

/** Reads erp.items in batches and records each batch's keys in the state database before reading on. */
async function readErpRecordingState(erp: pg.Pool, state: Knex): Promise<number> {
  let recorded = 0;
  for await (const batch of readErpRows(erp, 'select sku, list_price from erp.items order by sku', { batchRows: 10 })) {
    const keys = batch.rows.map(([sku, price]) => ({ key: sku ?? '', hash: price ?? '' }));
    recorded += await upsertKeyStates(state, 'products', keys, { runId: 1, sentAt: new Date('2026-03-01T00:00:00Z') });
  }
  return recorded;
}

describe('the demo ERP and state databases on embedded Postgres servers', () => {
  let erpServer: EmbeddedPostgres;
  let stateServer: EmbeddedPostgres;

  beforeAll(async () => {
    [erpServer, stateServer] = await Promise.all([
      startEmbeddedPostgres({ sessionWaitTimeoutMs: SESSION_WAIT_TIMEOUT_MS }),
      startEmbeddedPostgres({ sessionWaitTimeoutMs: SESSION_WAIT_TIMEOUT_MS }),
    ]);
    await runSqlFiles(erpServer.url, [SAMPLE_ERP_FILES.schema, SAMPLE_ERP_FILES.data]);
  });
  afterAll(async () => {
    await Promise.all([erpServer?.close(), stateServer?.close()]);
  });

  it('refuses a state write awaited inside an ERP read when both share one server', async () => {
    const erp = createErpPool(erpServer.url);
    const state = createStateDb(erpServer.url);
    try {
      await migrateState(state);
      await expect(readErpRecordingState(erp, state)).rejects.toThrow(/serves one session at a time/);
    } finally {
      // readErpRows returns its connection to the pool still inside its transaction when the loop body throws
      // (src/erp, reported); closing the pool closes that connection, and the server rolls it back.
      await erp.end();
      await closeStateDb(state);
    }
    const after = createStateDb(erpServer.url);
    try {
      expect(await after('kibo_sync.key_state').count<{ n: string }[]>('* as n')).toEqual([{ n: '0' }]);
    } finally {
      await closeStateDb(after);
    }
  });

  it('interleaves ERP reads, state writes and a key-state cursor freely across two servers', async () => {
    const erp = createErpPool(erpServer.url);
    const state = createStateDb(stateServer.url);
    try {
      await migrateState(state);
      expect(await readErpRecordingState(erp, state)).toBe(40);
      let compared = 0;
      for await (const batch of streamKeyStates(state, 'products', { batchSize: 8 })) {
        const skus = batch.map((entry) => entry.key);
        const prices = await erp.query<{ n: number }>('select count(*)::int as n from erp.items where sku = any($1)', [skus]);
        compared += prices.rows[0]?.n ?? 0;
      }
      expect(compared).toBe(40);
    } finally {
      await erp.end();
      await closeStateDb(state);
    }
  });
});
