// Streams an import CSV to disk in Kibo's dialect, one record at a time, with back-pressure, so a
// million-row snapshot never sits in memory. Records are counted: the import log names rows by number.
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { formatKiboCsvRecord, KIBO_RECORD_SEPARATOR } from '../csv/kibo-csv-writer.ts';

export interface CsvFileWriter {
  readonly path: string;
  /** Appends one record; resolves when the stream can take more. Returns the record's row number (header = 1). */
  writeRecord(values: readonly string[]): Promise<number>;
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
  const write = async (text: string): Promise<void> => {
    if (!stream.write(text)) await once(stream, 'drain');
  };
  await write(formatKiboCsvRecord(header));
  return {
    path: filePath,
    get rows() {
      return rows;
    },
    get bytes() {
      return stream.bytesWritten + stream.writableLength;
    },
    writeRecord: async (values) => {
      rows += 1;
      await write(KIBO_RECORD_SEPARATOR + formatKiboCsvRecord(values));
      return rows + 1;
    },
    close: async () => {
      stream.end();
      await once(stream, 'finish');
      return { bytes: stream.bytesWritten, rows };
    },
  };
}
