// Streams the ERP side of a sync: one read-only repeatable-read transaction, `COPY (query) TO STDOUT`
// in text format, parsed here into arrays of raw text values (the mapping's transforms parse text).
// Never holds the whole result in memory.
//
// Why COPY rather than a cursor: a cursor is one round trip per batch, so the server's work and ours
// take turns; COPY streams while we transform and diff (socket backpressure paces the server). On the
// bench's 1M-row query (bench/measure-erp-read.ts) it also costs less CPU than the driver's per-value
// decoding of DataRow messages. COPY's text output is each type's text output, as the cursor returned.
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { createCopyTextParser } from './parse-copy-text.ts';

export const ERP_BATCH_ROWS = 1000;

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
    return await describeColumns(client, sql);
  } finally {
    await client.query('rollback').catch(() => undefined); // the transaction only read; a failed rollback changes nothing
    client.release();
  }
}

/** The query's column names: planned, not run (no rows are read). */
async function describeColumns(client: pg.PoolClient, sql: string): Promise<string[]> {
  const result = await client.query({ text: `select * from (${sql}) as kibo_sync_source limit 0`, rowMode: 'array' });
  return result.fields.map((field) => field.name);
}

/**
 * Receives COPY's output bytes as they come, before they are parsed: a copy of the rows on disk to read
 * some of them again later (read-copy-file-rows.ts) without a second query. `write` may return a
 * promise to pause the read (backpressure).
 */
export interface CopyTee {
  begin(columns: readonly string[]): void;
  write(chunk: Buffer): Promise<void> | undefined;
}

/** Yields the query's rows in batches, inside a read-only repeatable-read transaction. */
export async function* readErpRows(
  pool: pg.Pool,
  sql: string,
  options: { batchRows?: number; signal?: AbortSignal; tee?: CopyTee } = {},
): AsyncGenerator<ErpBatch> {
  const { tee } = options;
  const batchRows = options.batchRows ?? ERP_BATCH_ROWS;
  const client = await pool.connect();
  let completed = false;
  let copying = false;
  try {
    await client.query('begin transaction isolation level repeatable read read only');
    // COPY gives no column names: the same query, planned but not run, does (inside the same snapshot).
    const columns = await describeColumns(client, sql);
    const parser = createCopyTextParser(columns.length);
    const decoder = new TextDecoder('utf-8');
    tee?.begin(columns);
    copying = true;
    for await (const chunk of client.query(copyTo(`copy (${sql}) to stdout`)) as AsyncIterable<Buffer>) {
      options.signal?.throwIfAborted();
      const teed = tee?.write(chunk);
      if (teed) await teed;
      yield* splitBatches(columns, parser.push(decoder.decode(chunk, { stream: true })), batchRows);
    }
    yield* splitBatches(columns, parser.push(decoder.decode()), batchRows);
    parser.end();
    copying = false;
    await client.query('commit');
    completed = true;
  } finally {
    // Failed, or the caller stopped early (break/throw): the transaction is still open, so roll it back
    // and discard the connection rather than hand a pool a session inside an old snapshot. A COPY cut
    // short leaves the protocol mid-stream (a rollback would queue behind it forever): closing the
    // connection is what ends it, and the server rolls back.
    if (!completed && !copying) await client.query('rollback').catch(() => undefined); // the connection is discarded anyway
    client.release(!completed);
  }
}

/**
 * A chunk's rows as they come (a few hundred): holding rows back to fill bigger batches kept them alive
 * past V8's young generation, and garbage collection then cost more than the parsing.
 */
function* splitBatches(columns: readonly string[], rows: (string | null)[][], batchRows: number): Generator<ErpBatch> {
  if (rows.length <= batchRows) {
    if (rows.length > 0) yield { columns, rows };
    return;
  }
  for (let start = 0; start < rows.length; start += batchRows) yield { columns, rows: rows.slice(start, start + batchRows) };
}
