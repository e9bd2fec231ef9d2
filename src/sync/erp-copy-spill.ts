// The ERP rows the differ deferred (compute-diff.ts deferErp), kept on disk in COPY's text format as they
// came, so the ones still unsettled when Kibo's side is in can be read back by row number
// (read-copy-file-rows.ts) without a second query (whose snapshot could differ) and without keeping rows
// in memory.
//
// Only kept rows are written: the spill sees COPY's bytes before they are parsed (a CopyTee), holds them
// until their rows are classified, and writes the rows the classifier kept (keep()). Every complete row
// is classified before the next chunk is read (read-erp-rows.ts yields a chunk's rows first), so at each
// chunk, and at close(), the rows seen so far are decided. The bench defers 7.8% of 1M rows: ~30 MB
// written instead of all of COPY's output (~360 MB), every run.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import type { CopyRowRanges } from '../erp/read-copy-file-rows.ts';
import type { CopyTee } from '../erp/read-erp-rows.ts';
import { createOffsetList } from '../support/offset-list.ts';

const LF_BYTE = 0x0a;
/** Kept rows are gathered into writes of this size: a write per row or per chunk showed in profiles. */
const WRITE_BYTES = 1 << 20;

export interface ErpCopySpill extends CopyTee {
  readonly path: string;
  /** The query's columns, once the COPY began. */
  readonly columns: readonly string[] | undefined;
  /** Where each kept row is in the file; `rowCount` counts every complete row seen, kept or not. */
  readonly index: CopyRowRanges & { readonly rowCount: number };
  /**
   * Keeps row `rowNumber` (1-based, ascending) to be read back. Call it while the row is being classified,
   * before the next chunk is written: rows not kept by then are dropped.
   */
  keep(rowNumber: number): void;
  /** Writes what is decided, flushes and closes the file (rethrows a write error); call before reading it back. */
  close(): Promise<void>;
  /** Deletes the file; safe to call twice, and after a failure. */
  remove(): Promise<void>;
}

export function openErpCopySpill(filePath: string): ErpCopySpill {
  const stream = createWriteStream(filePath);
  let failure: Error | undefined;
  // Kept, and rethrown by the next write or close: an 'error' event nobody listens to would crash the process.
  stream.on('error', (error) => {
    failure ??= error;
  });
  const assertWritable = (): void => {
    if (failure) throw new Error(`could not write the ERP rows' spill file ${filePath}: ${failure.message}`, { cause: failure });
  };
  let columns: readonly string[] | undefined;
  const input = createUndecidedBytes();
  const keptRows = createOffsetList();
  const keptEnds = createOffsetList();
  let nextKept: number[] = [];
  let pending = Buffer.allocUnsafe(WRITE_BYTES);
  let pendingBytes = 0;
  let fileBytes = 0;

  /** Hands the gathered bytes to the stream; a promise when it asks the writer to wait. */
  const flush = (): Promise<void> | undefined => {
    if (pendingBytes === 0) return undefined;
    const ready = stream.write(pending.subarray(0, pendingBytes));
    pending = Buffer.allocUnsafe(WRITE_BYTES);
    pendingBytes = 0;
    // A failed stream rejects `once` with its raw error; assertWritable rethrows it with the file named.
    return ready ? undefined : once(stream, 'drain').then(assertWritable, assertWritable);
  };

  /** Writes the kept ones among the complete rows seen, and forgets the others. */
  const decideCompleteRows = (): Promise<void> | undefined => {
    let waiting: Promise<void> | undefined;
    for (const rowNumber of nextKept) {
      const [start, end] = input.rangeOf(rowNumber);
      const length = end - start;
      if (pendingBytes + length > pending.length) waiting = flush() ?? waiting;
      if (length > pending.length) pending = Buffer.allocUnsafe(length);
      input.copyRange(start, end, pending, pendingBytes);
      pendingBytes += length;
      fileBytes += length;
      keptRows.push(rowNumber);
      keptEnds.push(fileBytes);
    }
    nextKept = [];
    input.forgetCompleteRows();
    return waiting;
  };

  return {
    path: filePath,
    get columns() {
      return columns;
    },
    index: {
      get rowCount() {
        return input.rowCount;
      },
      rangeOf(rowNumber) {
        const at = findAscending(keptRows, rowNumber);
        if (at === -1) throw new RangeError(`ERP row ${rowNumber} was not kept in the spill ${filePath} (${keptRows.length} rows kept)`);
        return [at === 0 ? 0 : keptEnds.get(at - 1), keptEnds.get(at)];
      },
    },
    begin(names) {
      columns = names;
    },
    keep(rowNumber) {
      const last = nextKept.length > 0 ? nextKept[nextKept.length - 1]! : keptRows.length > 0 ? keptRows.get(keptRows.length - 1) : 0;
      if (!Number.isInteger(rowNumber) || rowNumber <= last || rowNumber <= input.forgottenRows || rowNumber > input.rowCount) {
        throw new RangeError(
          `cannot keep ERP row ${rowNumber} in the spill ${filePath}: rows are kept once, in ascending order, while they are ` +
            `classified (rows ${input.forgottenRows + 1}–${input.rowCount} are open, ${last} was kept last)`,
        );
      }
      nextKept.push(rowNumber);
    },
    write(chunk) {
      assertWritable();
      const waiting = decideCompleteRows();
      input.append(chunk);
      return waiting;
    },
    async close() {
      if (!stream.writableEnded) {
        const decided = decideCompleteRows();
        if (decided) await decided;
        const waiting = flush();
        if (waiting) await waiting;
        stream.end();
      }
      await finished(stream).catch(() => undefined); // the error itself was kept by the listener above
      assertWritable();
    },
    async remove() {
      if (!stream.destroyed) stream.destroy();
      await rm(filePath, { force: true });
    },
  };
}

/** COPY's bytes from the first row not yet decided on, with where its complete rows end. */
interface UndecidedBytes {
  append(chunk: Buffer): void;
  /** Complete rows seen so far. */
  readonly rowCount: number;
  /** Rows already forgotten (decided): the first open row is forgottenRows + 1. */
  readonly forgottenRows: number;
  /** Absolute byte range of an open complete row. */
  rangeOf(rowNumber: number): readonly [number, number];
  copyRange(start: number, end: number, target: Buffer, targetStart: number): void;
  /** Drops every complete row's bytes; a row cut by the last chunk stays. */
  forgetCompleteRows(): void;
}

function createUndecidedBytes(): UndecidedBytes {
  // Chunks are held by reference, not copied: pg-copy-streams hands over slices of the socket's buffers (or
  // buffers of its own), which Node allocates for each read and never reuses.
  let chunks: Buffer[] = [];
  let chunkStarts: number[] = [];
  let ends: number[] = [];
  let forgottenRows = 0;
  let forgottenEnd = 0;
  let received = 0;
  return {
    append(chunk) {
      chunks.push(chunk);
      chunkStarts.push(received);
      for (let at = chunk.indexOf(LF_BYTE); at !== -1; at = chunk.indexOf(LF_BYTE, at + 1)) ends.push(received + at + 1);
      received += chunk.length;
    },
    get rowCount() {
      return forgottenRows + ends.length;
    },
    get forgottenRows() {
      return forgottenRows;
    },
    rangeOf(rowNumber) {
      const at = rowNumber - forgottenRows - 1;
      return [at === 0 ? forgottenEnd : ends[at - 1]!, ends[at]!];
    },
    copyRange(start, end, target, targetStart) {
      let written = targetStart;
      for (let index = 0; index < chunks.length; index += 1) {
        const chunkStart = chunkStarts[index]!;
        const chunk = chunks[index]!;
        const from = Math.max(start, chunkStart);
        const to = Math.min(end, chunkStart + chunk.length);
        if (from >= to) continue;
        written += chunk.copy(target, written, from - chunkStart, to - chunkStart);
      }
    },
    forgetCompleteRows() {
      if (ends.length === 0) return;
      forgottenRows += ends.length;
      forgottenEnd = ends[ends.length - 1]!;
      ends = [];
      // Keep only the chunks holding bytes of the row the last chunk cut (if any).
      const keepFrom = chunks.findIndex((chunk, index) => chunkStarts[index]! + chunk.length > forgottenEnd);
      chunks = keepFrom === -1 ? [] : chunks.slice(keepFrom);
      chunkStarts = keepFrom === -1 ? [] : chunkStarts.slice(keepFrom);
    },
  };
}

/** Position of `value` in an ascending list, or -1. */
function findAscending(list: { get(index: number): number; readonly length: number }, value: number): number {
  let low = 0;
  let high = list.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const found = list.get(middle);
    if (found === value) return middle;
    if (found < value) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}
