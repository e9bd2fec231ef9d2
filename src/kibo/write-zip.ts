// Writes zips as Kibo takes them: flat, deflate, one CSV per resource. Apart from kibo-zip.ts (the reader)
// so the thread that reads Kibo's export (read-kibo-side.ts) does not load archiver and its dependencies:
// ~12 MB of that thread's memory, measured.
import type { Readable } from 'node:stream';
import { ZipArchive } from 'archiver';
import { assertSafeEntryName } from './kibo-zip.ts';

const DEFLATE_LEVEL = 6;

export interface ZipInputEntry {
  readonly name: string;
  readonly content: Buffer | string | Readable;
}

/** Builds a flat deflate zip in memory. `date` pins entry timestamps (byte-identical output). */
export async function writeZip(entries: readonly ZipInputEntry[], options: { date?: Date } = {}): Promise<Buffer> {
  const archive = new ZipArchive({ zlib: { level: DEFLATE_LEVEL } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    archive.on('data', (chunk: Buffer) => chunks.push(chunk));
    archive.on('error', reject);
    archive.on('warning', reject); // archiver warns on e.g. unreadable sources: never ship a partial zip
    archive.on('end', () => resolve(Buffer.concat(chunks)));
  });
  for (const entry of entries) {
    assertSafeEntryName(entry.name);
    archive.append(entry.content, { name: entry.name, ...(options.date === undefined ? {} : { date: options.date }) });
  }
  await archive.finalize();
  return done;
}
