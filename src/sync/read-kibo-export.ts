// Reads the resource's CSV out of a Kibo export zip, row by row, aligned with the mapping's fields
// (headers matched the way Kibo spells them in each file), with each row's normalized key.
import { readKiboCsvBatches, type CsvRecord } from '../csv/kibo-csv-reader.ts';
import { readZipEntries, type ZipSource } from '../kibo/kibo-zip.ts';
import { matchHeader } from '../kibo/resources/resource-registry.ts';
import type { SyncMapping } from '../mapping/index.ts';
import type { KeyEncoder } from './sync-keys.ts';

export interface KiboExportRow {
  /** undefined when a key cell is blank: such a row cannot be matched and is reported. */
  readonly key: string | undefined;
  /** Raw export texts aligned with mapping.fields; '' where Kibo has no value. */
  readonly cells: readonly string[];
  readonly rowNumber: number;
}

/** How far the reader is into the resource's CSV, in bytes: filled in as it reads. */
export interface ExportReadProgress {
  /** The CSV entry's size, as its zip header declares it (checked while reading). */
  totalBytes: number;
  /** Bytes handed to the CSV reader so far: ahead of the rows yielded by at most one inflated chunk. */
  bytesRead: number;
}

export class KiboExportFormatError extends Error {
  override readonly name = 'KiboExportFormatError';
}

/** The export's rows one at a time (see readKiboExportBatches, which the engine's hot path uses). */
export async function* readKiboExportRows(zip: ZipSource, mapping: SyncMapping, encodeRowKey: KeyEncoder): AsyncGenerator<KiboExportRow> {
  for await (const batch of readKiboExportBatches(zip, mapping, encodeRowKey)) yield* batch;
}

/** The export's rows in the CSV reader's batches: one await per batch, not per row, on 1M-row exports. */
export async function* readKiboExportBatches(
  zip: ZipSource,
  mapping: SyncMapping,
  encodeRowKey: KeyEncoder,
  progress: ExportReadProgress = { totalBytes: 0, bytesRead: 0 },
): AsyncGenerator<KiboExportRow[]> {
  const wanted = mapping.resource.fileName.toLowerCase();
  for await (const entry of readZipEntries(zip)) {
    const baseName = entry.name.split('/').pop()!.toLowerCase();
    if (baseName !== wanted) {
      entry.stream.resume(); // not ours: drain it so the next entry can be read
      continue;
    }
    progress.totalBytes = entry.uncompressedSize;
    const counted = countBytes(entry.stream, progress);
    yield* readRowBatches(readKiboCsvBatches(counted, { source: `Kibo export ${entry.name}` }), mapping, encodeRowKey, entry.name);
    return;
  }
  throw new KiboExportFormatError(
    `Kibo's export zip has no ${mapping.resource.fileName}; the export job did not include resource ${mapping.resource.name}.`,
  );
}

async function* countBytes(chunks: AsyncIterable<Buffer>, progress: ExportReadProgress): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    progress.bytesRead += chunk.length;
    yield chunk;
  }
}

async function* readRowBatches(
  batches: AsyncGenerator<CsvRecord[]>,
  mapping: SyncMapping,
  encodeRowKey: KeyEncoder,
  entryName: string,
): AsyncGenerator<KiboExportRow[]> {
  let columnOfField: number[] | undefined;
  let keyColumns: number[] = [];
  const keyTexts: (string | undefined)[] = [];
  for await (const batch of batches) {
    const rows: KiboExportRow[] = [];
    for (const record of batch) {
      const values = record.values;
      if (columnOfField === undefined) {
        columnOfField = alignColumns(values, mapping, entryName);
        keyColumns = mapping.keyFieldIndexes.map((index) => columnOfField![index]!);
        continue;
      }
      const cells = new Array<string>(columnOfField.length);
      for (let index = 0; index < columnOfField.length; index += 1) cells[index] = values[columnOfField[index]!] ?? '';
      for (let index = 0; index < keyColumns.length; index += 1) keyTexts[index] = values[keyColumns[index]!];
      rows.push({ key: encodeRowKey(keyTexts), cells, rowNumber: record.rowNumber });
    }
    if (rows.length > 0) yield rows;
  }
  if (columnOfField === undefined) throw new KiboExportFormatError(`Kibo export ${entryName} is empty (not even a header).`);
}

/** Export column index of each mapped field; every mapped field must be there (we asked for them). */
function alignColumns(header: readonly string[], mapping: SyncMapping, entryName: string): number[] {
  const match = matchHeader(mapping.resource, header);
  const columnByField = new Map<string, number>();
  for (const column of match.columns) {
    if (column.field !== undefined && !columnByField.has(column.field.name)) columnByField.set(column.field.name, column.index);
  }
  const missing = mapping.fields.filter((field) => !columnByField.has(field.name)).map((field) => field.name);
  if (missing.length > 0) {
    throw new KiboExportFormatError(
      `Kibo export ${entryName} has no column for ${missing.join(', ')} although the export asked for ` +
        `${missing.length === 1 ? 'it' : 'them'}; its header is: ${header.join(', ')}`,
    );
  }
  return mapping.fields.map((field) => columnByField.get(field.name)!);
}
