// Fingerprints of the sample ERP as raw text through our ERP reader: the row count and a hash of every row
// (in a total order), so one comparison proves two servers return the same values byte for byte.
// To refresh the expected values after sample-erp/ changes, run against a real Postgres with a fresh database:
//   node --import tsx test/integration/demo/print-sample-erp-fingerprints.ts postgres://user@host/fresh_db
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { readErpRows } from '../../../src/erp/read-erp-rows.ts';

export const SAMPLE_ERP_TABLES = [
  'items',
  'categories',
  'catalog_listings',
  'price_lists',
  'price_list_items',
  'price_tiers',
  'stock',
  'customers',
  'customer_addresses',
] as const;

export const SAMPLE_ERP_FILES = {
  schema: sampleErpFile('schema.sql'),
  data: sampleErpFile('data.sql'),
  changes: sampleErpFile('changes.sql'),
};

function sampleErpFile(name: string): string {
  return fileURLToPath(new URL(`../../../sample-erp/${name}`, import.meta.url));
}

/** `rows:hash16` of `select t.* from erp.<table> t order by t` (whole-row order, so ties cannot reorder). */
export async function fingerprintErpTable(pool: pg.Pool, table: string): Promise<string> {
  const rows: (readonly (string | null)[])[] = [];
  let columns: readonly string[] = [];
  for await (const batch of readErpRows(pool, `select t.* from erp.${table} as t order by t`, { batchRows: 50 })) {
    rows.push(...batch.rows);
    columns = batch.columns;
  }
  const hash = createHash('sha256').update(JSON.stringify([columns, rows])).digest('hex').slice(0, 16);
  return `${rows.length}:${hash}`;
}

export async function fingerprintSampleErp(pool: pg.Pool): Promise<Record<string, string>> {
  const fingerprints: Record<string, string> = {};
  for (const table of SAMPLE_ERP_TABLES) fingerprints[table] = await fingerprintErpTable(pool, table);
  return fingerprints;
}
