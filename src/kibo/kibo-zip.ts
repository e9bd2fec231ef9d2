// Reading zips as Kibo gives them: flat, deflate, one CSV per resource (write-zip.ts writes them). Defensive because
// the bytes come from outside (Kibo exports, import logs, users' seed files): entry count, sizes and
// compression ratio are checked against the central directory up front AND counted while streaming
// (a lying header cannot get more bytes through), and unsafe names (zip slip) are refused.
import { createReadStream } from 'node:fs';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import yauzl, { type Entry, type ZipFile } from 'yauzl';

export const MAX_ZIP_ENTRIES = 500;
/** One CSV can be large (a full catalog); beyond this something is wrong. */
export const MAX_UNCOMPRESSED_ENTRY_BYTES = 2 * 1024 ** 3;
export const MAX_UNCOMPRESSED_BYTES = 4 * 1024 ** 3;
/** Real CSVs deflate 5-50x; zip bombs reach 1000x and more. */
export const MAX_COMPRESSION_RATIO = 200;
/** Small entries (a few KiB of repeated text) can legitimately exceed any ratio: only check above this. */
export const COMPRESSION_RATIO_MIN_BYTES = 1024 ** 2;
/**
 * Compressed bytes per read and inflated bytes per chunk when an entry is read from a file: each read is one
 * inflate call at least, and each call had ~80 µs of fixed cost here. Inflating a 1M-product export (432 MB
 * of CSV) in a process of its own, CPU and peak RSS: 16 KiB reads and chunks (yauzl's) 2.9–3.5 s, 56 MB;
 * 64 KiB 1.3–1.4 s, 57 MB; 128 KiB 0.9–1.3 s, 67 MB; 256 KiB 0.8 s, 114 MB; 1 MiB reads 0.7 s, 120 MB.
 * The 1M bench's peak RSS is at its target's edge, so memory decides.
 */
const INFLATE_CHUNK_BYTES = 64 * 1024;
const COMPRESSED_READ_BYTES = 64 * 1024;

export interface ZipLimits {
  readonly maxEntries: number;
  readonly maxEntryBytes: number;
  readonly maxTotalBytes: number;
  readonly maxCompressionRatio: number;
  readonly ratioMinBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = Object.freeze({
  maxEntries: MAX_ZIP_ENTRIES,
  maxEntryBytes: MAX_UNCOMPRESSED_ENTRY_BYTES,
  maxTotalBytes: MAX_UNCOMPRESSED_BYTES,
  maxCompressionRatio: MAX_COMPRESSION_RATIO,
  ratioMinBytes: COMPRESSION_RATIO_MIN_BYTES,
});

/** Zip bytes in memory, or a zip file on disk (read through its central directory, one entry at a time). */
export type ZipSource = Buffer | { readonly path: string };

export interface ZipEntry {
  readonly name: string;
  /** As declared by the central directory (checked while streaming). */
  readonly uncompressedSize: number;
  /** Must be consumed (or destroyed) before asking for the next entry. */
  readonly stream: Readable;
}

/** Yields each file entry with a size-checked stream; directories are skipped. */
export async function* readZipEntries(zip: ZipSource, limits: Partial<ZipLimits> = {}): AsyncGenerator<ZipEntry> {
  const resolved: ZipLimits = { ...DEFAULT_ZIP_LIMITS, ...limits };
  const zipfile = await openZip(zip);
  const budget = { totalBytes: 0, entries: 0 };
  try {
    if (zipfile.entryCount > resolved.maxEntries) {
      throw new Error(`Zip holds ${zipfile.entryCount} entries, more than the limit of ${resolved.maxEntries} (maxEntries); refusing to read it.`);
    }
    for (let entry = await nextEntry(zipfile); entry !== undefined; entry = await nextEntry(zipfile)) {
      if (entry.fileName.endsWith('/')) continue;
      assertSafeEntryName(entry.fileName);
      budget.entries += 1;
      if (budget.entries > resolved.maxEntries) {
        throw new Error(`Zip entry "${entry.fileName}" exceeds the limit of ${resolved.maxEntries} entries (maxEntries).`);
      }
      assertDeclaredSizes(entry, resolved, budget.totalBytes);
      const counted = createLimitCounter(entry, resolved, budget);
      const corrupt = (error: Error): void => {
        counted.destroy(new Error(`Zip entry "${entry.fileName}" is corrupt: ${error.message}`, { cause: error }));
      };
      // Deflate we inflate ourselves, for the chunk size (yauzl's inflate has zlib's default); anything
      // else (stored, or a method yauzl refuses with its own message) goes through yauzl.
      const deflated = entry.compressionMethod === 8 && !entry.isEncrypted();
      const raw = deflated ? await openDeflatedBytes(zip, zipfile, entry) : await zipfile.openReadStreamPromise(entry);
      raw.on('error', corrupt);
      const inflate = deflated ? createInflateRaw({ chunkSize: INFLATE_CHUNK_BYTES }) : undefined;
      inflate?.on('error', corrupt);
      (inflate ? raw.pipe(inflate) : raw).pipe(counted);
      // An entry given up half-read (skipped, or a limit hit) must not keep its file open or its inflater.
      counted.on('close', () => {
        raw.destroy();
        inflate?.destroy();
      });
      yield { name: entry.fileName, uncompressedSize: entry.uncompressedSize, stream: counted };
      if (!counted.readableEnded) counted.destroy(); // the consumer skipped (part of) this entry
    }
  } finally {
    zipfile.close();
  }
}

/** An entry's deflated bytes: from a file in big reads, from memory through yauzl (no reads to save). */
async function openDeflatedBytes(zip: ZipSource, zipfile: ZipFile, entry: Entry): Promise<Readable> {
  if (Buffer.isBuffer(zip) || entry.compressedSize === 0) return zipfile.openReadStreamPromise(entry, { decodeFileData: false });
  // yauzl checks here that the entry's data lies within the file.
  const { fileDataStart } = await zipfile.readLocalFileHeaderPromise(entry, { minimal: true });
  const end = fileDataStart + entry.compressedSize - 1; // inclusive
  return createReadStream(zip.path, { start: fileDataStart, end, highWaterMark: COMPRESSED_READ_BYTES });
}

/** Every entry as a Buffer, names as written. */
export async function readZipToBuffers(zip: ZipSource, limits: Partial<ZipLimits> = {}): Promise<Map<string, Buffer>> {
  const result = new Map<string, Buffer>();
  for await (const entry of readZipEntries(zip, limits)) result.set(entry.name, await readStreamToBuffer(entry.stream));
  return result;
}

/** The entry whose name equals `name` ignoring case (Kibo writes `products.csv`, people `Products.csv`). */
export async function findZipEntry(zip: ZipSource, name: string, limits: Partial<ZipLimits> = {}): Promise<Buffer | undefined> {
  const wanted = name.toLowerCase();
  for await (const entry of readZipEntries(zip, limits)) {
    if (entry.name.toLowerCase() === wanted) return readStreamToBuffer(entry.stream);
  }
  return undefined;
}

export async function readStreamToBuffer(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

/** Opens the central directory only: a cheap check that bytes are a zip, with `what` named in the error. */
export async function assertReadableZip(zip: ZipSource, what: string): Promise<void> {
  try {
    (await openZip(zip)).close();
  } catch (error) {
    throw new Error(`${what} is not a readable zip: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** Zip slip: only plain relative names. */
export function assertSafeEntryName(name: string): void {
  const problem =
    name === ''
      ? 'is empty'
      : name.includes('\\')
        ? 'contains a backslash'
        : name.startsWith('/') || /^[a-zA-Z]:/.test(name)
          ? 'is an absolute path'
          : name.split('/').includes('..')
            ? 'contains ".."'
            : undefined;
  if (problem !== undefined) {
    throw new Error(`Zip entry name "${name}" ${problem}; only plain relative names are accepted (zip slip protection).`);
  }
}

async function openZip(zip: ZipSource): Promise<ZipFile> {
  // strictFileNames: keep backslashes as written so they are refused, not silently turned into "/".
  // From a file, only the central directory and the entry being inflated are in memory; we close it ourselves.
  const options = { lazyEntries: true, validateEntrySizes: true, strictFileNames: true, autoClose: false };
  try {
    return Buffer.isBuffer(zip) ? await yauzl.fromBufferPromise(zip, options) : await yauzl.openPromise(zip.path, options);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\.+$/, '');
    const what = Buffer.isBuffer(zip) ? `${zip.length} bytes` : zip.path;
    throw new Error(`Not a readable zip (${what}): ${reason}. Kibo import/export files must be zip archives.`, {
      cause: error,
    });
  }
}

function nextEntry(zipfile: ZipFile): Promise<Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      zipfile.off('entry', onEntry);
      zipfile.off('end', onEnd);
      zipfile.off('error', onError);
    };
    const onEntry = (entry: Entry): void => {
      cleanup();
      resolve(entry);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(undefined);
    };
    const onError = (error: Error): void => {
      cleanup();
      const unsafeName = /^(invalid characters in fileName|absolute path|invalid relative path): (.*)$/.exec(error.message);
      reject(
        unsafeName
          ? new Error(`Zip entry name "${unsafeName[2]}" is unsafe (${unsafeName[1]}); only plain relative names are accepted (zip slip protection).`, { cause: error })
          : new Error(`Zip is corrupt: ${error.message}`, { cause: error }),
      );
    };
    zipfile.on('entry', onEntry);
    zipfile.on('end', onEnd);
    zipfile.on('error', onError);
    zipfile.readEntry();
  });
}

function assertDeclaredSizes(entry: Entry, limits: ZipLimits, totalSoFar: number): void {
  assertWithinLimits(entry.fileName, entry.uncompressedSize, totalSoFar + entry.uncompressedSize, entry.compressedSize, limits, 'declares');
}

function assertWithinLimits(name: string, entryBytes: number, totalBytes: number, compressedSize: number, limits: ZipLimits, verb: string): void {
  if (entryBytes > limits.maxEntryBytes) {
    throw new Error(`Zip entry "${name}" ${verb} ${entryBytes} uncompressed bytes, more than the limit of ${limits.maxEntryBytes} (maxEntryBytes).`);
  }
  if (totalBytes > limits.maxTotalBytes) {
    throw new Error(`Zip entry "${name}" brings the zip to ${totalBytes} uncompressed bytes, more than the limit of ${limits.maxTotalBytes} (maxTotalBytes).`);
  }
  const ratio = entryBytes / Math.max(1, compressedSize);
  if (entryBytes >= limits.ratioMinBytes && ratio > limits.maxCompressionRatio) {
    throw new Error(
      `Zip entry "${name}" ${verb} a compression ratio of ${Math.round(ratio)}:1, more than the limit of ` +
        `${limits.maxCompressionRatio}:1 (maxCompressionRatio); this looks like a zip bomb.`,
    );
  }
}

/** Counts what an entry inflates to against the limits and its declared size. */
function createLimitCounter(entry: Entry, limits: ZipLimits, budget: { totalBytes: number }): Transform {
  let entryBytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
      entryBytes += chunk.length;
      budget.totalBytes += chunk.length;
      if (entryBytes > entry.uncompressedSize) {
        callback(new Error(`Zip entry "${entry.fileName}" is corrupt: it inflates to at least ${entryBytes} bytes, more than the ${entry.uncompressedSize} its header declares.`));
        return;
      }
      try {
        assertWithinLimits(entry.fileName, entryBytes, budget.totalBytes, entry.compressedSize, limits, 'inflates to');
      } catch (error) {
        callback(error as Error);
        return;
      }
      callback(null, chunk);
    },
    flush(callback: TransformCallback): void {
      callback(
        entryBytes === entry.uncompressedSize
          ? null
          : new Error(`Zip entry "${entry.fileName}" is corrupt: it inflated to ${entryBytes} bytes, but its header declares ${entry.uncompressedSize}.`),
      );
    },
  });
}
