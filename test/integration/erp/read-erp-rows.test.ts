import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkErpWriteAccess } from '../../../src/erp/check-erp-read-only.ts';
import { buildSourceSql, createErpPool, describeSourceColumns, readErpRows } from '../../../src/erp/read-erp-rows.ts';
import { readCopyFileRows } from '../../../src/erp/read-copy-file-rows.ts';
import { openErpCopySpill } from '../../../src/sync/erp-copy-spill.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.ts';

describe('reading the ERP side', () => {
  let database: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    database = await createTestDatabase('erp reader');
    pool = createErpPool(database.url);
    await pool.query(`
      create schema erp;
      create table erp."odd ""items""" (sku text primary key, price numeric(12,4), active boolean, changed timestamptz, note text);
      insert into erp."odd ""items"""
        select lpad(n::text, 6, '0'), n * 1.5, n % 2 = 0, timestamptz '2026-01-02 03:04:05+00' + (n || ' minutes')::interval,
               case when n % 10 = 0 then null else 'Ünïcode, "quoted"' || chr(10) || 'line ' || n end
        from generate_series(1, 2500) as n;`);
  });
  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  it('streams every row in batches of at most batchRows, as raw text, in the query order', async () => {
    const sql = buildSourceSql({ query: 'select sku, price, active, changed, note from erp."odd ""items""" order by sku;' });
    const sizes: number[] = [];
    const skus: (string | null)[] = [];
    let first: readonly (string | null)[] | undefined;
    let columns: readonly string[] = [];
    for await (const batch of readErpRows(pool, sql, { batchRows: 1000 })) {
      sizes.push(batch.rows.length);
      for (const row of batch.rows) skus.push(row[0]!);
      first ??= batch.rows[0];
      columns = batch.columns;
    }
    // Batches follow COPY's chunks, never above batchRows; together they are the whole result.
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1000);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(2500);
    expect(skus).toEqual(Array.from({ length: 2500 }, (_, index) => String(index + 1).padStart(6, '0')));
    expect(columns).toEqual(['sku', 'price', 'active', 'changed', 'note']);
    expect(first).toEqual(['000001', '1.5000', 'f', '2026-01-02 03:05:05+00', 'Ünïcode, "quoted"\nline 1']);
  });

  it('returns tabs, line breaks, backslashes and a literal \\N text exactly, and NULL as null', async () => {
    const sql = String.raw`select E'a\tb' as tabbed, E'x\r\ny' as broken, E'C:\\dir\\N' as path, '\N' as literal, null::text as nothing, '' as empty`;
    const rows: (readonly (string | null)[])[] = [];
    for await (const batch of readErpRows(pool, sql)) rows.push(...batch.rows);
    expect(rows).toEqual([['a\tb', 'x\r\ny', 'C:\\dir\\N', '\\N', null, '']]);
  });

  it('quotes a table source so odd names read correctly', async () => {
    const sql = buildSourceSql({ table: 'erp.odd "items"' });
    expect(sql).toBe('select * from "erp"."odd ""items"""');
    expect(await describeSourceColumns(pool, sql)).toEqual(['sku', 'price', 'active', 'changed', 'note']);
  });

  it('runs the source read-only: a query that writes fails and changes nothing', async () => {
    const drain = async (sql: string): Promise<void> => {
      for await (const _batch of readErpRows(pool, sql)) {
        // draining the generator is what runs the query
      }
    };
    // A bare INSERT is refused before it runs (COPY reads a subquery); a SELECT calling a function that
    // writes is not, and must meet the read-only transaction.
    await expect(drain(`insert into erp."odd ""items""" (sku) values ('zzz') returning sku`)).rejects.toThrow(/syntax error/);
    await pool.query(`create function erp.sneaky_write() returns text language sql as $$ insert into erp."odd ""items""" (sku) values ('zzz') returning sku $$`);
    await expect(drain('select erp.sneaky_write() as sku from erp."odd ""items"""')).rejects.toThrow(/read-only transaction/);
    const count = await pool.query(`select count(*)::int as n from erp."odd ""items""" where sku = 'zzz'`);
    expect(count.rows[0].n).toBe(0);
  });

  it('closes its transaction when the caller stops early, so the pool never hands out an old snapshot', async () => {
    const sql = buildSourceSql({ table: 'erp.odd "items"' });
    for await (const batch of readErpRows(pool, sql, { batchRows: 10 })) {
      expect(batch.rows).toHaveLength(10);
      break;
    }
    const observer = new pg.Client({ connectionString: database.url });
    await observer.connect();
    try {
      const open = await observer.query(
        "select count(*)::int as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'",
      );
      expect(open.rows[0].n).toBe(0);
    } finally {
      await observer.end();
    }
  });

  it('fails with the server\'s error when the query fails mid-stream, and leaves no session behind', async () => {
    const sql = 'select n, 1000 / (50000 - n) as ratio from generate_series(1, 60000) as n';
    let rows = 0;
    await expect(async () => {
      for await (const batch of readErpRows(pool, sql)) rows += batch.rows.length;
    }).rejects.toThrow(/division by zero/);
    expect(rows).toBeLessThan(50000);
    const open = await pool.query(
      "select count(*)::int as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'",
    );
    expect(open.rows[0].n).toBe(0);
    expect((await pool.query('select 1 as ok')).rows).toEqual([{ ok: 1 }]); // the pool still serves queries
  });

  it('tells whether the ERP login could write', async () => {
    const access = await checkErpWriteAccess(pool);
    expect(access.canWrite).toBe(true); // the test user owns the table
    expect(access.detail).not.toBe('');
  });

  it('tees COPY\'s bytes to a spill from which the rows kept while streaming read back as they streamed, escapes and multi-byte text included', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'erp-spill-'));
    try {
      const spill = openErpCopySpill(path.join(dir, 'erp-rows.copy'));
      const sql = buildSourceSql({ query: String.raw`select sku, note, E'tab\there\\back' as odd from erp."odd ""items""" order by sku` });
      const wanted = Uint32Array.from([1, 2, 10, 999, 1000, 1001, 2500]);
      const streamed: (readonly (string | null)[])[] = [];
      for await (const batch of readErpRows(pool, sql, { tee: spill })) {
        for (const row of batch.rows) {
          streamed.push(row);
          if (wanted.includes(streamed.length)) spill.keep(streamed.length); // as the classifier keeps a deferred row
        }
      }
      await spill.close();
      expect(spill.columns).toEqual(['sku', 'note', 'odd']);
      expect(spill.index.rowCount).toBe(2500);
      expect(() => spill.index.rangeOf(3)).toThrow(/ERP row 3 was not kept/);
      expect((await stat(spill.path)).size).toBeLessThan(2000); // only the kept rows were written
      const readBack: (string | null)[][] = [];
      for await (const batch of readCopyFileRows(spill.path, 3, spill.index, wanted)) readBack.push(...batch.map((row) => row.values));
      expect(readBack).toEqual([...wanted].map((rowNumber) => streamed[rowNumber - 1]));
      expect(readBack[1]).toEqual(['000002', 'Ünïcode, "quoted"\nline 2', 'tab\there\\back']);
      await spill.remove();
      await expect(stat(spill.path)).rejects.toThrow(/ENOENT/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
