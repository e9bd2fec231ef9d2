// Reading chosen rows back from a COPY text output kept on disk, by the byte ranges noted as it was written.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCopyLineIndex, readCopyFileRows } from '../../../src/erp/read-copy-file-rows.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'copy-file-rows-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A COPY text output of `count` rows (key, a value with escapes and multi-byte text, NULL now and then). */
function copyText(count: number, padding = 0): string {
  const lines: string[] = [];
  for (let n = 1; n <= count; n += 1) {
    lines.push(`K${n}\tÜnï ${'x'.repeat(padding)}\\t€\\n${n}\t${n % 7 === 0 ? '\\N' : `𝄞${n}`}\n`);
  }
  return lines.join('');
}

function expectedRow(n: number, padding = 0): (string | null)[] {
  return [`K${n}`, `Ünï ${'x'.repeat(padding)}\t€\n${n}`, n % 7 === 0 ? null : `𝄞${n}`];
}

async function writeIndexed(name: string, text: string, chunkBytes: number): Promise<{ file: string; index: ReturnType<typeof createCopyLineIndex> }> {
  const bytes = Buffer.from(text, 'utf8');
  const index = createCopyLineIndex();
  // Fed in chunks cut anywhere, as a socket would deliver them (inside multi-byte characters too).
  for (let at = 0; at < bytes.length; at += chunkBytes) index.addBytes(bytes.subarray(at, at + chunkBytes));
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return { file, index };
}

async function readBack(file: string, index: ReturnType<typeof createCopyLineIndex>, wanted: number[]): Promise<{ rowNumber: number; values: (string | null)[] }[]> {
  const rows: { rowNumber: number; values: (string | null)[] }[] = [];
  for await (const batch of readCopyFileRows(file, 3, index, Uint32Array.from(wanted))) rows.push(...batch);
  return rows;
}

describe('reading COPY rows back from a file', () => {
  it('notes where every row ends, whatever the chunks, and reads back exactly the rows asked for', async () => {
    for (const chunkBytes of [1, 7, 4096]) {
      const { file, index } = await writeIndexed(`rows-${chunkBytes}.copy`, copyText(300), chunkBytes);
      expect(index.rowCount).toBe(300);
      const wanted = [1, 2, 3, 7, 150, 299, 300];
      expect(await readBack(file, index, wanted)).toEqual(wanted.map((n) => ({ rowNumber: n, values: expectedRow(n) })));
    }
  });

  it('reads every row when every row is asked for (a window holds many), and rows far apart alone', async () => {
    // Rows of ~20 KB: gaps between far rows exceed what is read through, so those are separate reads.
    const { file, index } = await writeIndexed('wide.copy', copyText(200, 20_000), 65_536);
    const all = Array.from({ length: 200 }, (_, at) => at + 1);
    expect(await readBack(file, index, all)).toEqual(all.map((n) => ({ rowNumber: n, values: expectedRow(n, 20_000) })));
    const sparse = [5, 90, 91, 200];
    expect(await readBack(file, index, sparse)).toEqual(sparse.map((n) => ({ rowNumber: n, values: expectedRow(n, 20_000) })));
  });

  it('refuses rows that do not exist, unordered row numbers, and a file changed since it was indexed', async () => {
    const { file, index } = await writeIndexed('checked.copy', copyText(10), 64);
    expect(() => index.rangeOf(11)).toThrow(/row 11 does not exist \(10 complete rows\)/);
    expect(() => index.rangeOf(0)).toThrow(RangeError);
    await expect(readBack(file, index, [11])).rejects.toThrow(/row 11 does not exist/);
    await expect(readBack(file, index, [3, 2])).rejects.toThrow(/row numbers must ascend \(3 then 2\)/);
    await writeFile(file, copyText(10).slice(0, 100));
    await expect(readBack(file, index, [9])).rejects.toThrow(/was cut short or changed during the run/);
    await writeFile(file, copyText(10).replace('K2\t', 'K2\t\t'));
    await expect(readBack(file, index, [5])).rejects.toThrow(/does not hold row 5/);
  });

  it('does not count a row whose line feed has not arrived yet', () => {
    const index = createCopyLineIndex();
    index.addBytes(Buffer.from('a\tb\tc\nd\te'));
    expect(index.rowCount).toBe(1);
    index.addBytes(Buffer.from('\tf\n'));
    expect(index.rowCount).toBe(2);
    expect(index.rangeOf(2)).toEqual([6, 12]);
  });
});
