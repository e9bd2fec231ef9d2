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

export async function hashKiboExport(
  zip: ZipSource,
  mapping: SyncMapping,
  onBatch: (batch: HashedKiboBatch) => void | Promise<void>,
): Promise<KiboExportTotals> {
  const builder = createKiboBatchBuilder(mapping.fields.map((field) => field.spec), ROWS_PER_BATCH);
  let exported = 0;
  let unkeyed = 0;
  for await (const rows of readKiboExportBatches(zip, mapping, createKeyEncoder(mapping))) {
    for (const row of rows) {
      if (row.key === undefined) unkeyed += 1;
      else builder.add(row.key, row.cells);
    }
    exported += rows.length;
    if (builder.count >= ROWS_PER_BATCH) await onBatch(builder.take());
  }
  if (builder.count > 0) await onBatch(builder.take());
  return { exported, unkeyed };
}
