// The Kibo half of the diff's CPU work — inflate, parse, align, key, normalize and hash every cell —
// as a function of the export file alone, so it can run on a worker thread (read-kibo-side.ts) while
// the main thread reads the ERP. What it hands over per batch is compact: keys and field hashes.
import { hashKiboCells } from '../diff/compute-diff.ts';
import { createCellHasher, VALUE_WORDS } from '../diff/hash-cells.ts';
import type { ZipSource } from '../kibo/kibo-zip.ts';
import type { SyncMapping } from '../mapping/index.ts';
import { readKiboExportBatches } from './read-kibo-export.ts';
import { createKeyEncoder } from './sync-keys.ts';

export interface HashedKiboBatch {
  /** Keys of the batch's keyed rows, in export order. */
  readonly keys: string[];
  /** Field hashes of those rows: VALUE_WORDS per field, fields per row, rows in `keys` order. */
  readonly hashes: Uint32Array;
}

export interface KiboExportTotals {
  readonly exported: number;
  /** Rows with a blank key field: they cannot be matched (and block snapshots). */
  readonly unkeyed: number;
}

export async function hashKiboExport(
  zip: ZipSource,
  mapping: SyncMapping,
  onBatch: (batch: HashedKiboBatch) => void | Promise<void>,
): Promise<KiboExportTotals> {
  const hasher = createCellHasher(mapping.fields.map((field) => field.spec));
  const wordsPerRow = mapping.fields.length * VALUE_WORDS;
  let exported = 0;
  let unkeyed = 0;
  for await (const rows of readKiboExportBatches(zip, mapping, createKeyEncoder(mapping))) {
    const keys: string[] = [];
    const hashes = new Uint32Array(rows.length * wordsPerRow);
    for (const row of rows) {
      if (row.key === undefined) {
        unkeyed += 1;
        continue;
      }
      hashKiboCells(hasher, row.cells, hashes, keys.length * wordsPerRow);
      keys.push(row.key);
    }
    exported += rows.length;
    await onBatch({ keys, hashes: keys.length === rows.length ? hashes : hashes.slice(0, keys.length * wordsPerRow) });
  }
  return { exported, unkeyed };
}
