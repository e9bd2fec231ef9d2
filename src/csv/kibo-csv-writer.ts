// Writes CSV in the dialect Kibo's own exports use (see shared/kibo/NOTES.md): UTF-8 without BOM,
// CRLF between records, no line break after the last record, fields quoted only when needed, `""`
// escapes. Structure only: values arrive as finished strings (booleans and money are formatted elsewhere).
import { Readable } from 'node:stream';

export const KIBO_RECORD_SEPARATOR = '\r\n';

/** Bytes gathered before a streamed chunk is pushed; big enough that per-chunk overhead disappears. */
const STREAM_CHUNK_BYTES = 64 * 1024;

// Leading/trailing whitespace is quoted so that a reader that trims cannot lose it; a leading BOM is
// quoted so that a reader that strips a BOM from the file start cannot swallow it from the first field.
const NEEDS_QUOTES = /["\r\n,]|^\s|\s$|^\uFEFF/u;

export function formatKiboCsvField(value: string): string {
  if (!NEEDS_QUOTES.test(value)) return value;
  return `"${value.replaceAll('"', '""')}"`;
}

export function formatKiboCsvRecord(values: readonly string[]): string {
  // A record of one empty field would otherwise be an empty line, which readers skip or, at the end
  // of the file, cannot tell apart from "no record"; `""` keeps it a real record.
  if (values.length === 1 && values[0] === '') return '""';
  return values.map(formatKiboCsvField).join(',');
}

function assertHeaderNotEmpty(header: readonly string[]): void {
  if (header.length === 0) {
    throw new Error(
      'Cannot format a Kibo CSV without columns: the header is empty. Kibo rejects a 0-byte CSV; ' +
        'pass the resource\'s header (a header-only file is valid).',
    );
  }
}

export function formatKiboCsv(header: readonly string[], rows: Iterable<readonly string[]>): string {
  assertHeaderNotEmpty(header);
  const records = [formatKiboCsvRecord(header)];
  for (const row of rows) records.push(formatKiboCsvRecord(row));
  return records.join(KIBO_RECORD_SEPARATOR);
}

async function* generateCsvChunks(
  header: readonly string[],
  rows: Iterable<readonly string[]> | AsyncIterable<readonly string[]>,
): AsyncGenerator<Buffer> {
  let pending = formatKiboCsvRecord(header);
  for await (const row of rows) {
    pending += KIBO_RECORD_SEPARATOR + formatKiboCsvRecord(row);
    // String length is a cheap lower bound on UTF-8 bytes; exact chunk size does not matter.
    if (pending.length >= STREAM_CHUNK_BYTES) {
      yield Buffer.from(pending, 'utf8');
      pending = '';
    }
  }
  if (pending.length > 0) yield Buffer.from(pending, 'utf8');
}

/** Same bytes as `formatKiboCsv`, streamed in ~64 KiB chunks so large snapshots need not fit in memory. */
export function createKiboCsvStream(
  header: readonly string[],
  rows: Iterable<readonly string[]> | AsyncIterable<readonly string[]>,
): Readable {
  assertHeaderNotEmpty(header);
  return Readable.from(generateCsvChunks(header, rows), { objectMode: false });
}
