// The demo's ERP side on the embedded Postgres: the sample ERP loads through the socket, and our ERP reader
// (read-only repeatable-read transaction, COPY text, raw values) returns exactly what a real
// Postgres returns. No server at 127.0.0.1:5432 is used here.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../../src/demo/embedded-postgres.ts';
import { runSqlFiles } from '../../../src/demo/run-sql-files.ts';
import { checkErpWriteAccess } from '../../../src/erp/check-erp-read-only.ts';
import {
  buildSourceSql,
  createErpPool,
  describeSourceColumns,
  readErpRows,
  type ErpSource,
} from '../../../src/erp/read-erp-rows.ts';
import { SAMPLE_ERP_FILES, fingerprintErpTable, fingerprintSampleErp } from './sample-erp-fingerprints.ts';

// What PostgreSQL 15.20 (a real server) returned for the same reads; see sample-erp-fingerprints.ts.
const REAL_POSTGRES_FINGERPRINTS = {
  items: '40:307dcecffc939b91',
  categories: '6:f5a88c3000b36ade',
  catalog_listings: '40:113b46f8636c1385',
  price_lists: '3:8d4808d581588ce7',
  price_list_items: '110:a265d28292c53494',
  price_tiers: '174:0f034c2bc658c09e',
  stock: '78:71f5252a602f2a15',
  customers: '6:383f141289429772',
  customer_addresses: '6:a1e0e725b9055856',
};
const REAL_POSTGRES_ITEMS_AFTER_CHANGES = '42:b5bc30440a586273';

const ITEM_COLUMNS = [
  'sku', 'title', 'description', 'short_text', 'product_type', 'list_price', 'sale_price', 'unit_cost', 'taxable',
  'weight_kg', 'length_cm', 'width_cm', 'height_cm', 'upc', 'fulfillment', 'sellable', 'updated_at',
];

async function readAll(pool: pg.Pool, sql: string, batchRows?: number) {
  const rows: (readonly (string | null)[])[] = [];
  const sizes: number[] = [];
  let columns: readonly string[] = [];
  for await (const batch of readErpRows(pool, sql, batchRows === undefined ? {} : { batchRows })) {
    rows.push(...batch.rows);
    sizes.push(batch.rows.length);
    columns = batch.columns;
  }
  return { rows, sizes, columns };
}

describe('the ERP reader on the embedded Postgres', () => {
  let server: EmbeddedPostgres;
  let pool: pg.Pool;

  beforeAll(async () => {
    server = await startEmbeddedPostgres();
    await runSqlFiles(server.url, [SAMPLE_ERP_FILES.schema, SAMPLE_ERP_FILES.data]);
    pool = createErpPool(server.url);
  });
  afterAll(async () => {
    await pool?.end();
    await server?.close();
  });

  it('reads all 40 items of `select * from erp.items` as raw text, in batches', async () => {
    const { rows, sizes, columns } = await readAll(pool, 'select * from erp.items order by sku', 16);
    expect(sizes).toEqual([16, 16, 8]);
    expect(columns).toEqual(ITEM_COLUMNS);
    const bySku = new Map(rows.map((row) => [row[0], row]));
    expect(bySku.get('000124')).toEqual([
      '000124', 'Zürich Wanderschuh', 'Leather hiking boot.\nWaterproof lining;\nVibram® sole.', 'Größe 36–47',
      'Base', '189.00', null, '71.2000', 't', '1.200', '32.000', '20.000', '14.000', '4006381333931',
      '{DirectShip}', 't', '2026-01-01 00:00:00+00',
    ]);
    expect(bySku.get('001002')).toEqual([
      '001002', 'Notebook No. 2', 'A5 notebook, 82 pages', null, 'Base', '6.99', null, '1.4500', 't', '0.202',
      '21.000', '14.800', '1.200', null, '{DirectShip}', 't', '2026-01-01 00:00:00+00',
    ]);
    // generate_series rows: n % 7 = 0 gets an E'' newline, n % 3 = 0 a two-element array, n % 9 = 0 is not taxable
    expect(bySku.get('001021')?.slice(2, 9)).toEqual([
      'A5 notebook, 101 pages\nLimited edition', null, 'Base', '25.99', null, '3.3500', 't',
    ]);
    expect(bySku.get('001027')?.[8]).toBe('f');
    expect(bySku.get('001003')?.[14]).toBe('{DirectShip,InStorePickup}');
    expect(bySku.get('0A-0129')?.[1]).toBe('Emoji Socks 🧦 (3 pack)');
    expect(bySku.get('000130')?.[15]).toBe('f');
  });

  it('returns the same raw text as a real Postgres for every sample table', async () => {
    expect(await fingerprintSampleErp(pool)).toEqual(REAL_POSTGRES_FINGERPRINTS);
  });

  it('describes a source without reading it', async () => {
    expect(await describeSourceColumns(pool, buildSourceSql({ table: 'erp.items' }))).toEqual(ITEM_COLUMNS);
    const hashed = await readAll(pool, "select hashtext('000123') as h, hashtext(sku) as hs from erp.items where sku = '000123'");
    expect(hashed.rows).toEqual([['37985270', '37985270']]);
  });

  it('runs every shipped mapping source', async () => {
    const directory = fileURLToPath(new URL('../../../mappings/', import.meta.url));
    const files = readdirSync(directory).filter((name) => name.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const source = (parse(readFileSync(`${directory}${file}`, 'utf8')) as { source: ErpSource }).source;
      const sql = buildSourceSql(source);
      const columns = await describeSourceColumns(pool, sql);
      const { rows } = await readAll(pool, sql);
      expect({ file, rows: rows.length > 0, columns: rows[0]?.length }).toEqual({ file, rows: true, columns: columns.length });
    }
  });

  it('keeps the source read-only: a writing query fails inside the read-only transaction', async () => {
    // A bare INSERT is refused before it runs (COPY reads a subquery); a SELECT calling a function that
    // writes is not, and must meet the read-only transaction.
    await expect(readAll(pool, "insert into erp.stock values ('X', '000123', 1) returning *")).rejects.toThrow(/syntax error/);
    await pool.query(
      "create function erp.sneaky_write() returns int language sql as $$ insert into erp.stock values ('X', '000123', 1) returning 1 $$",
    );
    await expect(readAll(pool, 'select erp.sneaky_write() as n from erp.items')).rejects.toThrow(/read-only transaction/);
    expect((await pool.query("select count(*)::int as n from erp.stock where location_code = 'X'")).rows).toEqual([{ n: 0 }]);
  });

  it('serves two readers of one pool at once by running them one after the other', async () => {
    const [items, stock] = await Promise.all([
      readAll(pool, 'select sku from erp.items', 7),
      readAll(pool, 'select sku from erp.stock', 7),
    ]);
    expect(items.rows).toHaveLength(40);
    expect(stock.rows).toHaveLength(78);
  });

  it('tells that the embedded login could write (it is the superuser)', async () => {
    expect(await checkErpWriteAccess(pool)).toEqual({ canWrite: true, detail: 'the ERP user is a superuser' });
  });

  it('applies the demo edits (changes.sql) and reads them back like a real Postgres', async () => {
    await runSqlFiles(server.url, [SAMPLE_ERP_FILES.changes]);
    expect(await fingerprintErpTable(pool, 'items')).toBe(REAL_POSTGRES_ITEMS_AFTER_CHANGES);
    const { rows } = await readAll(pool, "select sku, list_price, sale_price from erp.items where sku in ('000123', '000125')");
    expect(rows).toEqual(expect.arrayContaining([['000123', '13.50', null], ['000125', '89.90', '79.90']]));
  });

  it('names the file and line of a failing SQL statement', async () => {
    const broken = fileURLToPath(new URL('./fixtures/broken.sql', import.meta.url));
    await expect(runSqlFiles(server.url, [broken])).rejects.toThrow(/fixtures\/broken\.sql:4: .*no_such_table/);
  });
});
