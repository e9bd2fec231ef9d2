// Rows we (or Kibo's import log) refused, kept per run so users can see what to fix and where.
import type { Knex } from 'knex';
import { redactSecrets } from '../support/redact-secrets.ts';
import { STATE_TABLES } from './state-schema.ts';
import { batchRows } from './state-batches.ts';
import { optionalNumber, optionalString } from './state-rows.ts';
import type { RejectedRow, RejectedRowRecord, RejectedRowSource } from './state-types.ts';

export const VALUE_EXCERPT_MAX_CHARS = 200;
// 10 columns per row keeps each statement far below Postgres' 65,535 bind parameters.
const REJECTED_ROW_BATCH_SIZE = 1_000;
const ELLIPSIS = '…';

/** Stores rejected rows a thousand per statement, all in one transaction. Returns how many were stored. */
export async function recordRejectedRows(
  db: Knex,
  runId: number,
  sync: string,
  rows: Iterable<RejectedRow> | AsyncIterable<RejectedRow>,
): Promise<number> {
  return db.transaction(async (trx) => {
    let stored = 0;
    for await (const batch of batchRows(rows, REJECTED_ROW_BATCH_SIZE)) {
      await trx(STATE_TABLES.rejectedRows).insert(batch.map((row) => formatRejectedRow(runId, sync, row)));
      stored += batch.length;
    }
    return stored;
  });
}

/** Oldest first within the filter; at most `limit` rows. */
export async function listRejectedRows(
  db: Knex,
  options: { runId?: number; sync?: string; limit: number },
): Promise<RejectedRowRecord[]> {
  const query = db(STATE_TABLES.rejectedRows);
  if (options.runId !== undefined) query.where({ run_id: options.runId });
  if (options.sync !== undefined) query.where({ sync: options.sync });
  const rows = (await query.orderBy('id').limit(options.limit)) as Record<string, unknown>[];
  return rows.map(parseRejectedRow);
}

/** The first 200 characters (whole code points), ending in an ellipsis when something was cut. */
export function formatValueExcerpt(value: string): string {
  const chars = Array.from(value);
  if (chars.length <= VALUE_EXCERPT_MAX_CHARS) return value;
  return chars.slice(0, VALUE_EXCERPT_MAX_CHARS - 1).join('') + ELLIPSIS;
}

function formatRejectedRow(runId: number, sync: string, row: RejectedRow): Record<string, unknown> {
  return {
    run_id: runId,
    sync,
    source: row.source,
    file: row.file ?? null,
    row_number: row.rowNumber ?? null,
    key: row.key ?? null,
    field: row.field ?? null,
    // A reason can quote a Kibo message or an ERP value: credential-shaped text is masked before storing.
    reason: redactSecrets(row.reason),
    value_excerpt: row.value === undefined ? null : formatValueExcerpt(row.value),
  };
}

function parseRejectedRow(row: Record<string, unknown>): RejectedRowRecord {
  return {
    id: Number(row.id),
    runId: Number(row.run_id),
    sync: String(row.sync),
    source: row.source as RejectedRowSource,
    file: optionalString(row.file),
    rowNumber: optionalNumber(row.row_number),
    key: optionalString(row.key),
    field: optionalString(row.field),
    reason: String(row.reason),
    valueExcerpt: optionalString(row.value_excerpt),
  };
}
