// Real zips for the store's tests: built with archiver, read back with yauzl, all in memory.
import { ZipArchive } from 'archiver';
import yauzl from 'yauzl';
import type { Entry } from 'yauzl';

export interface TestZipEntry {
  readonly name: string;
  readonly content: string | Buffer;
}

export async function buildZip(entries: readonly TestZipEntry[], options: { readonly store?: boolean } = {}): Promise<Buffer> {
  const archive = new ZipArchive({ store: options.store ?? false, zlib: { level: 9 } });
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    archive.once('end', () => resolve());
    archive.once('error', reject);
  });
  for (const entry of entries) archive.append(entry.content, { name: entry.name });
  await archive.finalize();
  await ended;
  return Buffer.concat(chunks);
}

export interface ReadZipEntry {
  readonly name: string;
  readonly compressionMethod: number;
  readonly bytes: Buffer;
}

/** Every entry of a zip, in archive order, with its raw bytes. */
export function readZip(zip: Buffer): Promise<ReadZipEntry[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (openError, file) => {
      if (openError) return reject(openError);
      const entries: ReadZipEntry[] = [];
      file.on('entry', (entry: Entry) => {
        file.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.once('error', reject);
          stream.once('end', () => {
            entries.push({ name: entry.fileName, compressionMethod: entry.compressionMethod, bytes: Buffer.concat(chunks) });
            file.readEntry();
          });
        });
      });
      file.once('end', () => resolve(entries));
      file.once('error', reject);
      file.readEntry();
    });
  });
}

/** The text of one entry of a zip; fails the test when it is missing. */
export async function readZipText(zip: Buffer, name: string): Promise<string> {
  const entry = (await readZip(zip)).find((candidate) => candidate.name === name);
  if (entry === undefined) throw new Error(`zip has no entry ${name}`);
  return entry.bytes.toString('utf8');
}

/** CRLF-joined CSV text, the way a Kibo file (or our fixtures) spells records. */
export function csvLines(...lines: string[]): string {
  return lines.join('\r\n');
}
