// The Kibo half of the diff's CPU work — inflate, parse, align, key, normalize and hash every cell —
// as a function of the export file alone, so it can run on a worker thread (read-kibo-side.ts) while
// the main thread reads the ERP. What it hands over per batch is compact: flat arrays of key hashes,
// UTF-8 keys and field hashes (hashed-kibo-batch.ts).
import { createKiboBatchBuilder, type HashedKiboBatch } from '../diff/hashed-kibo-batch.ts';
import type { ZipSource } from '../kibo/kibo-zip.ts';
import type { SyncMapping } from '../mapping/index.ts';
import { readKiboExportBatches } from './read-kibo-export.ts';
import { createKeyEncoder } from './sync-keys.ts';

export type { HashedKiboBatch };

export interface KiboExportTotals {
  readonly exported: number;
  /** Rows with a blank key field: they cannot be matched (and block snapshots). */
  readonly unkeyed: number;
}

/**
 * Rows per batch handed on: the CSV reader's batches follow inflate's 16 KB chunks (~45 rows), and a
 * message per such batch to the differ's thread cost more than the rows' transfer.
 */
const ROWS_PER_BATCH = 2048;

/**
 * The row count is estimated once this much of the CSV is read: the bytes read run ahead of the rows by
 * at most one inflated chunk (64 KiB), so the estimate is at most ~1% low from here.
 */
const ESTIMATE_AFTER_BYTES = 8 * 1024 * 1024;
/** Room beyond the estimate: its error, and ERP keys Kibo lacks (the rows a run adds). */
const ESTIMATE_MARGIN = 1.08;
/**
 * Never reserved up front beyond this (~230 MB of per-key arrays): short rows first and long ones later, or
 * a zip header declaring more bytes than the entry holds (caught only at its end), could make an estimate
 * wild, and memory taken on it would be taken for nothing. A bigger table still grows, by doubling.
 */
export const MAX_ESTIMATED_KEYS = 4_000_000;

/** Keys to make room for, from the rows read in `bytesRead` of the CSV's `totalBytes`. */
export function estimateKeys(rowsSoFar: number, bytesRead: number, totalBytes: number): number {
  return Math.min(MAX_ESTIMATED_KEYS, Math.ceil(((rowsSoFar * totalBytes) / bytesRead) * ESTIMATE_MARGIN));
}

export interface KiboExportHandlers {
  readonly onBatch: (batch: HashedKiboBatch) => void | Promise<void>;
  /** Once, on a large export: about how many keys the diff will hold (Kibo's, plus a margin for added ones). */
  readonly onKeyEstimate?: (keys: number) => void;
}

export async function hashKiboExport(zip: ZipSource, mapping: SyncMapping, handlers: KiboExportHandlers): Promise<KiboExportTotals> {
  const builder = createKiboBatchBuilder(mapping.fields.map((field) => field.spec), ROWS_PER_BATCH);
  const progress = { totalBytes: 0, bytesRead: 0 };
  let estimated = false;
  let exported = 0;
  let unkeyed = 0;
  for await (const rows of readKiboExportBatches(zip, mapping, createKeyEncoder(mapping), progress)) {
    for (const row of rows) {
      if (row.key === undefined) unkeyed += 1;
      else builder.add(row.key, row.cells);
    }
    exported += rows.length;
    if (!estimated && progress.bytesRead >= ESTIMATE_AFTER_BYTES) {
      estimated = true;
      handlers.onKeyEstimate?.(estimateKeys(exported, progress.bytesRead, progress.totalBytes));
    }
    if (builder.count >= ROWS_PER_BATCH) await handlers.onBatch(builder.take());
  }
  if (builder.count > 0) await handlers.onBatch(builder.take());
  return { exported, unkeyed };
}
