// Streams an import CSV to disk in Kibo's dialect, so a million-row snapshot never sits in memory.
// Records are gathered into ~64 KiB strings: one write per chunk, and a caller awaits only when the
// file asks it to drain (awaiting every row cost twice the time of the writing itself).
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { formatKiboCsvRecord, KIBO_RECORD_SEPARATOR } from '../csv/kibo-csv-writer.ts';

export const CSV_WRITE_CHUNK_CHARS = 64 * 1024;

export interface CsvFileWriter {
  readonly path: string;
  /** Appends one record; returns a promise only when the file needs to drain: await it when given. */
  writeRecord(values: readonly string[]): Promise<void> | undefined;
  /** Data rows written so far. */
  readonly rows: number;
  /** Bytes written so far (final once closed). */
  readonly bytes: number;
  close(): Promise<{ bytes: number; rows: number }>;
}

export async function openCsvFileWriter(filePath: string, header: readonly string[]): Promise<CsvFileWriter> {
  if (header.length === 0) throw new Error(`refusing to write ${filePath}: a CSV needs a header`);
  const stream: WriteStream = createWriteStream(filePath);
  await once(stream, 'open');
  let rows = 0;
  let pending = formatKiboCsvRecord(header);
  const flush = (): Promise<void> | undefined => {
    const chunk = pending;
    pending = '';
    return stream.write(chunk) ? undefined : once(stream, 'drain').then(() => undefined);
  };
  return {
    path: filePath,
    get rows() {
      return rows;
    },
    get bytes() {
      return stream.bytesWritten + stream.writableLength + Buffer.byteLength(pending);
    },
    writeRecord: (values) => {
      rows += 1;
      pending += KIBO_RECORD_SEPARATOR + formatKiboCsvRecord(values);
      return pending.length >= CSV_WRITE_CHUNK_CHARS ? flush() : undefined;
    },
    close: async () => {
      await flush();
      stream.end();
      await once(stream, 'finish');
      return { bytes: stream.bytesWritten, rows };
    },
  };
}
