import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ZipArchive } from 'archiver';
import yauzl from 'yauzl';
import { assertReadableZip, findZipEntry, readStreamToBuffer, readZipEntries, readZipToBuffers, type ZipSource } from '../../../src/kibo/kibo-zip.ts';
import { writeZip } from '../../../src/kibo/write-zip.ts';

const tempDirs: string[] = [];
afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** The same bytes as a file on disk: read with yauzl.open, one entry at a time. */
async function onDisk(zip: Buffer): Promise<ZipSource> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kibo-zip-test-'));
  tempDirs.push(dir);
  const file = path.join(dir, 'test.zip');
  await writeFile(file, zip);
  return { path: file };
}

const inMemory = async (zip: Buffer): Promise<ZipSource> => zip;

/** Builds a zip with archiver directly, so names writeZip would refuse can be written. */
async function rawZip(entries: readonly { name: string; content: Buffer | string }[]): Promise<Buffer> {
  const archive = new ZipArchive({ zlib: { level: 9 } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    archive.on('data', (chunk: Buffer) => chunks.push(chunk));
    archive.on('error', reject);
    archive.on('end', () => resolve(Buffer.concat(chunks)));
  });
  for (const entry of entries) archive.append(entry.content, { name: entry.name });
  await archive.finalize();
  return done;
}

async function zipWithPatchedName(written: string, patched: string): Promise<Buffer> {
  const zip = await rawZip([{ name: written, content: 'x' }]);
  const from = Buffer.from(written);
  const to = Buffer.from(patched);
  let patches = 0;
  for (let at = zip.indexOf(from); at !== -1; at = zip.indexOf(from, at + 1)) {
    to.copy(zip, at);
    patches += 1;
  }
  expect(patches).toBe(2); // local header and central directory
  return zip;
}

async function collect(zip: ZipSource, limits = {}): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for await (const entry of readZipEntries(zip, limits)) result[entry.name] = (await readStreamToBuffer(entry.stream)).toString('utf8');
  return result;
}

describe('writeZip', () => {
  it('writes a flat deflate zip that yauzl reads back byte for byte (Buffer, string and stream sources)', async () => {
    const csv = 'ProductCode,Name\r\nA-1,"Widget, large"\r\nB-2,"Two\nlines"';
    const zip = await writeZip([
      { name: 'products.csv', content: csv },
      { name: 'pricelistentries.csv', content: Buffer.from('PriceList Code,Product Code\r\nPL,A-1') },
      { name: 'locationinventory.csv', content: Readable.from([Buffer.from('LocationCode,ProductCode\r\n'), Buffer.from('W1,A-1')]) },
    ]);
    const zipfile = await yauzl.fromBufferPromise(zip, { lazyEntries: true });
    const methods: number[] = [];
    for await (const entry of zipfile.eachEntry()) methods.push(entry.compressionMethod);
    expect(methods).toEqual([8, 8, 8]); // deflate
    expect(await collect(zip)).toEqual({
      'products.csv': csv,
      'pricelistentries.csv': 'PriceList Code,Product Code\r\nPL,A-1',
      'locationinventory.csv': 'LocationCode,ProductCode\r\nW1,A-1',
    });
  });

  it('is byte-identical for the same entries and date', async () => {
    const date = new Date(Date.UTC(2026, 0, 1));
    const first = await writeZip([{ name: 'a.csv', content: 'x' }], { date });
    const second = await writeZip([{ name: 'a.csv', content: 'x' }], { date });
    expect(first.equals(second)).toBe(true);
  });

  it('refuses unsafe entry names', async () => {
    await expect(writeZip([{ name: '../x.csv', content: 'x' }])).rejects.toThrow('Zip entry name "../x.csv" contains ".."');
  });
});

describe.each([
  ['in memory', inMemory],
  ['from a file', onDisk],
])('readZipEntries limits (%s)', (_where, toSource) => {
  it('refuses a zip bomb (a long run of zeros) by compression ratio before inflating it', async () => {
    const bomb = await rawZip([{ name: 'products.csv', content: Buffer.alloc(20 * 1024 * 1024) }]);
    expect(bomb.length).toBeLessThan(100_000);
    await expect(collect(await toSource(bomb))).rejects.toThrow(/Zip entry "products.csv" declares a compression ratio of \d+:1, more than the limit of 200:1 \(maxCompressionRatio\)/);
  });

  it('counts bytes while streaming: a header that lies about the size cannot get more bytes through', async () => {
    const zip = await rawZip([{ name: 'big.csv', content: 'y'.repeat(10_000) }]);
    // Patch the central directory's uncompressed size (offset 24 in the entry record) down to 100.
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt32LE(100, central + 24);
    await expect(collect(await toSource(zip), { maxEntryBytes: 1_000 })).rejects.toThrow(
      /^Zip entry "big\.csv" is corrupt: it inflates to at least \d+ bytes, more than the 100 its header declares\.$/,
    );
  });

  it('refuses an entry that inflates to fewer bytes than its header declares', async () => {
    const zip = await rawZip([{ name: 'short.csv', content: 'y'.repeat(10_000) }]);
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt32LE(20_000, central + 24);
    await expect(collect(await toSource(zip))).rejects.toThrow(
      'Zip entry "short.csv" is corrupt: it inflated to 10000 bytes, but its header declares 20000.',
    );
  });

  it('refuses an entry larger than maxEntryBytes and a zip larger than maxTotalBytes', async () => {
    const zip = await rawZip([
      { name: 'a.csv', content: 'a'.repeat(600) },
      { name: 'b.csv', content: 'b'.repeat(600) },
    ]);
    await expect(collect(await toSource(zip), { maxEntryBytes: 500 })).rejects.toThrow(
      'Zip entry "a.csv" declares 600 uncompressed bytes, more than the limit of 500 (maxEntryBytes).',
    );
    await expect(collect(await toSource(zip), { maxTotalBytes: 1_000 })).rejects.toThrow(
      'Zip entry "b.csv" brings the zip to 1200 uncompressed bytes, more than the limit of 1000 (maxTotalBytes).',
    );
  });

  it('refuses too many entries', async () => {
    const zip = await rawZip(Array.from({ length: 6 }, (_, index) => ({ name: `f${index}.csv`, content: 'x' })));
    await expect(collect(await toSource(zip), { maxEntries: 5 })).rejects.toThrow('Zip holds 6 entries, more than the limit of 5 (maxEntries)');
    expect(Object.keys(await collect(await toSource(zip), { maxEntries: 6 }))).toHaveLength(6);
  });

  it('refuses zip-slip names: "../x.csv", absolute paths and backslashes', async () => {
    // archiver sanitises names, so write a harmless name of the same length and patch the bytes.
    const slip = await zipWithPatchedName('zz/x.csv', '../x.csv');
    await expect(collect(await toSource(slip))).rejects.toThrow('Zip entry name "../x.csv" is unsafe (invalid relative path)');
    const absolute = await zipWithPatchedName('zetc/x.csv', '/etc/x.csv');
    await expect(collect(await toSource(absolute))).rejects.toThrow('Zip entry name "/etc/x.csv" is unsafe (absolute path)');
    const backslash = await zipWithPatchedName('a_.._x.csv', 'a\\..\\x.csv');
    await expect(collect(await toSource(backslash))).rejects.toThrow('Zip entry name "a\\..\\x.csv" is unsafe (invalid characters in fileName)');
  });

  it('explains bytes that are not a zip', async () => {
    await expect(collect(await toSource(Buffer.from('ProductCode\r\nA-1')))).rejects.toThrow(
      /^Not a readable zip \((16 bytes|\/.+\/test\.zip)\): End of central directory record signature not found\. Either not a zip file, or file is truncated\. Kibo import\/export files must be zip archives\.$/,
    );
    await expect(assertReadableZip(await toSource(Buffer.from('nope')), 'Kibo export job 1 file x.zip')).rejects.toThrow(
      /^Kibo export job 1 file x\.zip is not a readable zip: Not a readable zip/,
    );
  });
});

describe('findZipEntry and readZipToBuffers', () => {
  it('finds entries case-insensitively', async () => {
    const zip = await writeZip([
      { name: 'Products.csv', content: 'P' },
      { name: 'pricelistentries.csv', content: 'E' },
    ]);
    expect((await findZipEntry(zip, 'products.csv'))?.toString()).toBe('P');
    expect((await findZipEntry(zip, 'PRICELISTENTRIES.CSV'))?.toString()).toBe('E');
    expect(await findZipEntry(zip, 'customers.csv')).toBeUndefined();
    expect([...(await readZipToBuffers(zip)).keys()]).toEqual(['Products.csv', 'pricelistentries.csv']);
  });
});

describe('reading a zip file from disk', () => {
  it('gives the same entries as the same bytes in memory, and findZipEntry works on both', async () => {
    const zip = await writeZip([
      { name: 'products.csv', content: 'ProductCode\r\nA-1' },
      { name: 'Categories.csv', content: 'CategoryCode\r\nC-1' },
    ]);
    const file = await onDisk(zip);
    expect(await collect(file)).toEqual(await collect(zip));
    expect((await findZipEntry(file, 'categories.csv'))?.toString()).toBe('CategoryCode\r\nC-1');
  });

  it('closes what it opened for an entry the reader skips or leaves half-read', async () => {
    // Big enough that the first 64 KiB read does not reach the end: its file stays open unless closed.
    const content = Array.from({ length: 60_000 }, (_, index) => `P-${index},${(index * 7919) % 100_003}`).join('\r\n');
    const file = await onDisk(await writeZip([{ name: 'products.csv', content }, { name: 'other.csv', content }]));
    const openFiles = async (): Promise<number> => (await readdir('/dev/fd')).length;
    const before = await openFiles();
    for (let round = 0; round < 20; round += 1) {
      for await (const entry of readZipEntries(file)) {
        if (entry.name === 'other.csv') entry.stream.once('data', () => undefined); // reads a little, then gives up
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50)); // closing a file completes asynchronously
    expect(await openFiles()).toBeLessThanOrEqual(before + 2);
  });

  it('explains a path that is not there', async () => {
    await expect(collect({ path: '/nonexistent/kibo-export.zip' })).rejects.toThrow(/^Not a readable zip \(\/nonexistent\/kibo-export\.zip\): ENOENT/);
  });
});
