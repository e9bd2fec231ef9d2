// Streams the ERP side of a sync: one read-only transaction, a server-side cursor, array rows and raw
// text values (the mapping's transforms parse text; letting the driver parse every value first costs
// as much again). Never holds the whole result in memory.
import pg from 'pg';
import Cursor from 'pg-cursor';

export const ERP_BATCH_ROWS = 1000;
const RAW_TEXT_TYPES = { getTypeParser: () => (value: string) => value };

export interface ErpSource {
  readonly query?: string;
  readonly table?: string;
}

export interface ErpBatch {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | null)[])[];
}

/** The SQL a mapping's source stands for; `table: schema.name` is quoted so odd names cannot inject SQL. */
export function buildSourceSql(source: ErpSource): string {
  if (source.query !== undefined) return source.query.trim().replace(/;\s*$/, '');
  if (source.table === undefined) throw new Error('an ERP source needs `query` or `table`');
  const parts = source.table.split('.');
  return `select * from ${parts.map((part) => `"${part.replace(/"/g, '""')}"`).join('.')}`;
}

export function createErpPool(connectionString: string, applicationName = 'kibo-sync'): pg.Pool {
  return new pg.Pool({ connectionString, max: 4, application_name: applicationName });
}

/** Column names the query returns, without reading its rows (used to validate mappings). */
export async function describeSourceColumns(pool: pg.Pool, sql: string): Promise<string[]> {
  const client = await pool.connect();
  try {
    await client.query('begin transaction read only');
    const result = await client.query({ text: `select * from (${sql}) as kibo_sync_source limit 0`, rowMode: 'array' });
    return result.fields.map((field) => field.name);
  } finally {
    await client.query('rollback').catch(() => undefined); // the transaction only read; a failed rollback changes nothing
    client.release();
  }
}

/** Yields the query's rows in batches, inside a read-only repeatable-read transaction. */
export async function* readErpRows(
  pool: pg.Pool,
  sql: string,
  options: { batchRows?: number; signal?: AbortSignal } = {},
): AsyncGenerator<ErpBatch> {
  const batchRows = options.batchRows ?? ERP_BATCH_ROWS;
  const client = await pool.connect();
  let completed = false;
  try {
    await client.query('begin transaction isolation level repeatable read read only');
    const cursor = client.query(new Cursor(sql, [], { rowMode: 'array', types: RAW_TEXT_TYPES }));
    try {
      for (;;) {
        options.signal?.throwIfAborted();
        const { rows, fields } = await readCursor(cursor, batchRows);
        if (rows.length === 0) break;
        yield { columns: fields, rows };
      }
    } finally {
      await closeCursor(cursor);
    }
    await client.query('commit');
    completed = true;
  } finally {
    // Failed, or the caller stopped early (break/throw): the transaction is still open, so roll it back
    // and discard the connection rather than hand a pool a session inside an old snapshot.
    if (!completed) await client.query('rollback').catch(() => undefined); // the connection is discarded anyway
    client.release(!completed);
  }
}

function readCursor(cursor: Cursor, rows: number): Promise<{ rows: (string | null)[][]; fields: string[] }> {
  return new Promise((resolve, reject) => {
    cursor.read(rows, (error, batch, result) => {
      if (error) return reject(error);
      const fields = (result as pg.QueryResult | undefined)?.fields.map((field) => field.name) ?? [];
      resolve({ rows: batch as unknown as (string | null)[][], fields });
    });
  });
}

function closeCursor(cursor: Cursor): Promise<void> {
  return new Promise((resolve) => cursor.close(() => resolve()));
}
