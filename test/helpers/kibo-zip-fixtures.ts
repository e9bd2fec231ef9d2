// Real zip bytes for tests: written with archiver, read back with yauzl. Tests state their CSVs as literal
// strings (Kibo's dialect spelled out byte by byte), so these helpers only pack and unpack.
import { ZipArchive } from 'archiver';
import { PassThrough } from 'node:stream';
import yauzl from 'yauzl';

/** A deflated zip holding one entry per name, each the UTF-8 bytes of its string, in the given order. */
export async function buildZip(entries: Record<string, string>): Promise<Buffer> {
  const archive = new ZipArchive({ zlib: { level: 6 } });
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<void>((resolve, reject) => {
    sink.on('end', resolve);
    sink.on('error', reject);
    archive.on('error', reject);
  });
  archive.pipe(sink);
  for (const [name, text] of Object.entries(entries)) {
    archive.append(Buffer.from(text, 'utf8'), { name, date: new Date(Date.UTC(2026, 0, 1)) });
  }
  await archive.finalize();
  await finished;
  return Buffer.concat(chunks);
}

/** Every file entry of a zip (directories skipped) as name → UTF-8 text; rejects when the bytes are not a zip. */
export async function readZip(buffer: Buffer): Promise<Record<string, string>> {
  const entries = await readZipEntries(buffer);
  const texts: Record<string, string> = {};
  for (const [name, bytes] of Object.entries(entries)) texts[name] = bytes.toString('utf8');
  return texts;
}

/** Every file entry of a zip as name → raw bytes (for byte-exact comparisons). */
export function readZipEntries(buffer: Buffer): Promise<Record<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (openError, zip) => {
      if (openError) return reject(openError);
      const entries: Record<string, Buffer> = {};
      zip.on('error', reject);
      zip.on('end', () => resolve(entries));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', reject);
          stream.on('end', () => {
            entries[entry.fileName] = Buffer.concat(chunks);
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}
