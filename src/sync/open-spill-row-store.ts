// The differ's row store on disk: per Kibo row, its field hashes then its key (UTF-8), appended in
// 1 MiB writes; only an offset per row (4 bytes, offset-list.ts) stays in memory. A 1M-row, 19-field
// export makes a ~190 MB file that lives in the page cache, not in the process, and is deleted when the
// run's diff is done. Reads are positional and synchronous because the differ classifies rows synchronously;
// they happen only for changed rows, rows the ERP leaves fields out of, and removed keys.
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import type { KiboRowStore } from '../diff/kibo-row-store.ts';
import { createOffsetList } from '../support/offset-list.ts';

const WRITE_BUFFER_BYTES = 1 << 20;

export interface SpillRowStore extends KiboRowStore {
  /** Closes and deletes the file; safe to call twice. */
  close(): void;
}

export function openSpillRowStore(filePath: string): SpillRowStore {
  const fd = openSync(filePath, 'w+');
  let buffer = Buffer.allocUnsafe(WRITE_BUFFER_BYTES);
  let buffered = 0;
  let flushedBytes = 0;
  const offsets = createOffsetList();
  let hashBytes = -1;
  let scratch = new Uint8Array(256);
  let closed = false;

  function flush(): void {
    let written = 0;
    while (written < buffered) written += writeSync(fd, buffer, written, buffered - written, flushedBytes + written);
    flushedBytes += buffered;
    buffered = 0;
  }

  /** Makes room for a record of at most `room` bytes and notes where it starts. */
  function startRecord(room: number): void {
    if (buffered + room > buffer.length) {
      flush();
      if (room > buffer.length) buffer = Buffer.allocUnsafe(room * 2);
    }
    offsets.push(flushedBytes + buffered);
  }

  function append(hashes: Uint32Array, hashStart: number, hashEnd: number, keyBytes: Uint8Array, keyStart: number, keyEnd: number): void {
    const rowHashBytes = (hashEnd - hashStart) * Uint32Array.BYTES_PER_ELEMENT;
    if (hashBytes === -1) hashBytes = rowHashBytes;
    const room = rowHashBytes + (keyEnd - keyStart);
    startRecord(room);
    buffer.set(new Uint8Array(hashes.buffer, hashes.byteOffset + hashStart * Uint32Array.BYTES_PER_ELEMENT, rowHashBytes), buffered);
    buffered += rowHashBytes;
    buffer.set(keyBytes.subarray(keyStart, keyEnd), buffered);
    buffered += keyEnd - keyStart;
  }

  /** Reads `length` bytes of row `row`'s record (from its start) into scratch. */
  function readRecord(row: number, length?: number): number {
    const rows = offsets.length;
    if (!Number.isInteger(row) || row < 0 || row >= rows) {
      throw new RangeError(`row store ${filePath}: row ${row} does not exist (${rows} rows stored)`);
    }
    if (buffered > 0) flush();
    const start = offsets.get(row);
    const end = row + 1 < rows ? offsets.get(row + 1) : flushedBytes;
    const wanted = length ?? end - start;
    if (wanted > scratch.length) scratch = new Uint8Array(wanted * 2);
    let read = 0;
    while (read < wanted) {
      const got = readSync(fd, scratch, read, wanted - read, start + read);
      if (got === 0) throw new Error(`row store ${filePath} ends early at row ${row}; the file was changed while the run used it`);
      read += got;
    }
    return wanted;
  }

  return {
    append,
    readFieldHashes(row, out) {
      readRecord(row, hashBytes);
      out.set(new Uint32Array(scratch.buffer, 0, hashBytes / Uint32Array.BYTES_PER_ELEMENT));
    },
    readKey(row) {
      const length = readRecord(row);
      return Buffer.from(scratch.buffer, hashBytes, length - hashBytes).toString('utf8');
    },
    close() {
      if (closed) return;
      closed = true;
      closeSync(fd);
      rmSync(filePath, { force: true });
    },
  };
}
