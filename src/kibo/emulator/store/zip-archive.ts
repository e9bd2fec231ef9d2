// Zip in and out for the emulator, with yauzl and archiver directly (not the engine's zip code).
// Reading is bounded so a zip bomb fails the job instead of exhausting the emulator's memory.
import { ZipArchive } from 'archiver';
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';

export interface ZipLimits {
  readonly maxEntries: number;
  readonly maxTotalUncompressedBytes: number;
  /** Largest uncompressed/compressed ratio accepted for an entry bigger than `ratioFloorBytes`. */
  readonly maxCompressionRatio: number;
  readonly ratioFloorBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 200,
  maxTotalUncompressedBytes: 512 * 1024 * 1024,
  // Deflate tops out near 1032:1; real CSVs stay far below it, crafted bombs sit at the ceiling.
  maxCompressionRatio: 500,
  ratioFloorBytes: 1024 * 1024,
};

/** Real Kibo runs on .NET and answers a non-zip upload with System.IO.Compression's message. */
export const NOT_A_ZIP_MESSAGE = 'End of Central Directory record could not be found.';

export interface ZipEntryContent {
  readonly name: string;
  readonly content: Buffer;
}

function openZip(zip: Buffer): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (error, file) => {
      if (error) {
        const notZip = /end of central directory/iu.test(error.message);
        reject(new Error(notZip ? `${NOT_A_ZIP_MESSAGE} The import file is not a zip archive.` : `The import zip cannot be read: ${error.message}`, { cause: error }));
      } else resolve(file);
    });
  });
}

function listEntries(file: ZipFile): Promise<Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: Entry[] = [];
    file.on('entry', (entry: Entry) => {
      entries.push(entry);
      file.readEntry();
    });
    file.once('end', () => resolve(entries));
    file.once('error', (error: Error) => reject(new Error(`The import zip's directory is damaged: ${error.message}`, { cause: error })));
    file.readEntry();
  });
}

function assertEntryCount(file: ZipFile, limits: ZipLimits): void {
  if (file.entryCount > limits.maxEntries) {
    throw new Error(`The import zip holds ${file.entryCount} entries; the limit is ${limits.maxEntries} (maxEntries). Split the import.`);
  }
}

function assertSizes(entries: readonly Entry[], limits: ZipLimits): void {
  let total = 0;
  for (const entry of entries) {
    total += entry.uncompressedSize;
    const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
    if (entry.uncompressedSize > limits.ratioFloorBytes && ratio > limits.maxCompressionRatio) {
      throw new Error(`The import zip entry ${entry.fileName} expands ${Math.round(ratio)}:1; the limit is ${limits.maxCompressionRatio}:1 (maxCompressionRatio). It looks like a zip bomb.`);
    }
  }
  if (total > limits.maxTotalUncompressedBytes) {
    throw new Error(`The import zip expands to ${total} bytes; the limit is ${limits.maxTotalUncompressedBytes} bytes (maxTotalUncompressedBytes). Split the import.`);
  }
}

function readEntry(file: ZipFile, entry: Entry): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    file.openReadStream(entry, (openError, stream) => {
      if (openError) return reject(new Error(`The import zip entry ${entry.fileName} cannot be opened: ${openError.message}`, { cause: openError }));
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      // validateEntrySizes makes yauzl fail here if the data outgrows the size the directory declared.
      stream.once('error', (error: Error) => reject(new Error(`The import zip entry ${entry.fileName} is damaged: ${error.message}`, { cause: error })));
      stream.once('end', () => resolve(Buffer.concat(chunks)));
    });
  });
}

/**
 * The contents of the entries `select` wants (by entry path), after checking the whole archive
 * against `limits`. Throws an Error whose message is the job's fatal error.
 */
export async function readZipEntries(zip: Buffer, select: (entryPath: string) => boolean, limits: ZipLimits): Promise<ZipEntryContent[]> {
  const file = await openZip(zip);
  try {
    // The count comes from the end record, so a huge directory is refused before it is walked.
    assertEntryCount(file, limits);
    const entries = await listEntries(file);
    assertSizes(entries, limits);
    const wanted = entries.filter((entry) => !entry.fileName.endsWith('/') && select(entry.fileName));
    const contents: ZipEntryContent[] = [];
    for (const entry of wanted) contents.push({ name: entry.fileName, content: await readEntry(file, entry) });
    return contents;
  } finally {
    file.close();
  }
}

/** A flat deflate zip of text entries (UTF-8), in the given order. */
export async function writeZip(entries: readonly { readonly name: string; readonly text: string }[], date: Date): Promise<Buffer> {
  const archive = new ZipArchive({ zlib: { level: 6 } });
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<void>((resolve, reject) => {
    archive.once('end', () => resolve());
    archive.once('error', reject);
  });
  for (const entry of entries) archive.append(Buffer.from(entry.text, 'utf8'), { name: entry.name, date });
  await archive.finalize();
  await finished;
  return Buffer.concat(chunks);
}
