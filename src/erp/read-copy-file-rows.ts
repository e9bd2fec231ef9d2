// Reads chosen rows back from a file holding rows of a COPY text output as they came (erp-copy-spill.ts):
// the ERP rows a run deferred, re-read by row number once it knows which need their cells. Each row is
// read at its own byte range (noted while the file was written), so reading back a few thousand rows
// costs a few thousand small reads, not a scan of the file.
import { closeSync, openSync, readSync } from 'node:fs';
import { createCopyTextParser } from './parse-copy-text.ts';

const LF_BYTE = 0x0a;
const READ_WINDOW_BYTES = 1 << 20;
const MAX_GAP_BYTES = 16 * 1024;

export interface CopyFileRow {
  /** 1-based position in the COPY output. */
  readonly rowNumber: number;
  readonly values: (string | null)[];
}

/** Where rows of a COPY text file are: the file's writer noted each row's byte range (erp-copy-spill.ts). */
export interface CopyRowRanges {
  /** Byte range [start, end) of row `rowNumber` (1-based, as numbered in the COPY output), its LF included. */
  rangeOf(rowNumber: number): readonly [number, number];
}

/**
 * Yields the rows numbered in `rowNumbers` (1-based, ascending), in that order, in batches. Rows close
 * together are read in one go (up to READ_WINDOW_BYTES, short gaps included), rows far apart alone:
 * reading back 1% of the rows reads about 1% of the file, and all of them reads it once.
 */
export async function* readCopyFileRows(
  filePath: string,
  columnCount: number,
  index: CopyRowRanges,
  rowNumbers: Uint32Array,
): AsyncGenerator<CopyFileRow[]> {
  if (rowNumbers.length === 0) return;
  const parser = createCopyTextParser(columnCount);
  // Synchronous reads: a few thousand small ones, where each awaited read cost ~50 µs of thread-pool round trip.
  const fd = openSync(filePath, 'r');
  try {
    let buffer = Buffer.allocUnsafe(READ_WINDOW_BYTES);
    let next = 0;
    while (next < rowNumbers.length) {
      // The window: the next wanted row, and the wanted rows right after it (gaps of unwanted rows are
      // read too when short), within the window's size.
      const [windowStart, firstEnd] = index.rangeOf(rowNumbers[next]!);
      let last = next;
      let windowEnd = firstEnd;
      while (last + 1 < rowNumbers.length) {
        if (rowNumbers[last + 1]! <= rowNumbers[last]!) throw new RangeError(`reading ${filePath}: row numbers must ascend (${rowNumbers[last]} then ${rowNumbers[last + 1]})`);
        const [start, end] = index.rangeOf(rowNumbers[last + 1]!);
        if (end - windowStart > READ_WINDOW_BYTES || start - windowEnd > MAX_GAP_BYTES) break;
        windowEnd = end;
        last += 1;
      }
      if (windowEnd - windowStart > buffer.length) buffer = Buffer.allocUnsafe(windowEnd - windowStart);
      let bytesRead = 0;
      for (let got = -1; got !== 0 && bytesRead < windowEnd - windowStart; bytesRead += got) {
        got = readSync(fd, buffer, bytesRead, windowEnd - windowStart - bytesRead, windowStart + bytesRead);
      }
      if (bytesRead !== windowEnd - windowStart) {
        throw new Error(`${filePath} ends before byte ${windowEnd}; the file was cut short or changed during the run.`);
      }
      const rows: CopyFileRow[] = [];
      for (let at = next; at <= last; at += 1) {
        const rowNumber = rowNumbers[at]!;
        const [start, end] = index.rangeOf(rowNumber);
        if (buffer[end - windowStart - 1] !== LF_BYTE) {
          throw new Error(`${filePath} does not hold row ${rowNumber} at bytes ${start}–${end}; the file was changed during the run.`);
        }
        const [values] = parser.push(buffer.toString('utf8', start - windowStart, end - windowStart));
        rows.push({ rowNumber, values: values! });
      }
      next = last + 1;
      yield rows;
    }
  } finally {
    closeSync(fd);
  }
}
