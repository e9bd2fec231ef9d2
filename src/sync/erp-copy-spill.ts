// The ERP query's COPY output, written to the run directory as it streams (a CopyTee), so the rows the
// differ deferred (compute-diff.ts deferErp) can be read back by row number once Kibo's side is in,
// without a second query (whose snapshot could differ) and without keeping rows in memory.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { createCopyLineIndex, type CopyLineIndex } from '../erp/read-copy-file-rows.ts';
import type { CopyTee } from '../erp/read-erp-rows.ts';

export interface ErpCopySpill extends CopyTee {
  readonly path: string;
  /** The query's columns, once the COPY began. */
  readonly columns: readonly string[] | undefined;
  /** Where each row is in the file. */
  readonly index: Pick<CopyLineIndex, 'rangeOf' | 'rowCount'>;
  /** Flushes and closes the file (rethrows a write error); call before reading it back. */
  close(): Promise<void>;
  /** Deletes the file; safe to call twice, and after a failure. */
  remove(): Promise<void>;
}

/** COPY's chunks (~64 KB) are gathered into writes of this size: a write per chunk showed in profiles. */
const WRITE_BYTES = 1 << 20;

export function openErpCopySpill(filePath: string): ErpCopySpill {
  const stream = createWriteStream(filePath);
  let failure: Error | undefined;
  // Kept, and rethrown by the next write or close: an 'error' event nobody listens to would crash the process.
  stream.on('error', (error) => {
    failure ??= error;
  });
  let columns: readonly string[] | undefined;
  const index = createCopyLineIndex();
  let pending = Buffer.allocUnsafe(WRITE_BYTES);
  let pendingBytes = 0;
  /** Hands the gathered bytes to the stream; a promise when it asks the writer to wait. */
  const flush = (): Promise<void> | undefined => {
    if (pendingBytes === 0) return undefined;
    const ready = stream.write(pending.subarray(0, pendingBytes));
    pending = Buffer.allocUnsafe(WRITE_BYTES);
    pendingBytes = 0;
    // A failed stream rejects `once` with its raw error; assertWritable rethrows it with the file named.
    return ready ? undefined : once(stream, 'drain').then(assertWritable, assertWritable);
  };
  const assertWritable = (): void => {
    if (failure) throw new Error(`could not write the ERP rows' spill file ${filePath}: ${failure.message}`, { cause: failure });
  };
  return {
    path: filePath,
    index,
    get columns() {
      return columns;
    },
    begin(names) {
      columns = names;
    },
    write(chunk) {
      assertWritable();
      index.addBytes(chunk);
      const waiting = pendingBytes + chunk.length > WRITE_BYTES ? flush() : undefined;
      if (chunk.length >= WRITE_BYTES) stream.write(chunk);
      else {
        chunk.copy(pending, pendingBytes);
        pendingBytes += chunk.length;
      }
      return waiting;
    },
    async close() {
      if (!stream.writableEnded) {
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
