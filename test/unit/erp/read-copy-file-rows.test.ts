// Reading chosen rows back from COPY text kept on disk, by the byte ranges noted as it was written.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCopyFileRows, type CopyRowRanges } from '../../../src/erp/read-copy-file-rows.ts';

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

/** The file, and every row's byte range (the spill notes those of the rows it keeps: erp-copy-spill.ts). */
async function writeIndexed(name: string, text: string): Promise<{ file: string; index: CopyRowRanges }> {
  const bytes = Buffer.from(text, 'utf8');
  const ends: number[] = [];
  for (let at = bytes.indexOf(0x0a); at !== -1; at = bytes.indexOf(0x0a, at + 1)) ends.push(at + 1);
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  const rangeOf = (rowNumber: number): [number, number] => {
    if (rowNumber < 1 || rowNumber > ends.length) throw new RangeError(`row ${rowNumber} does not exist (${ends.length} rows)`);
    return [rowNumber === 1 ? 0 : ends[rowNumber - 2]!, ends[rowNumber - 1]!];
  };
  return { file, index: { rangeOf } };
}

async function readBack(file: string, index: CopyRowRanges, wanted: number[]): Promise<{ rowNumber: number; values: (string | null)[] }[]> {
  const rows: { rowNumber: number; values: (string | null)[] }[] = [];
  for await (const batch of readCopyFileRows(file, 3, index, Uint32Array.from(wanted))) rows.push(...batch);
  return rows;
}

describe('reading COPY rows back from a file', () => {
  it('reads back exactly the rows asked for', async () => {
    const { file, index } = await writeIndexed('rows.copy', copyText(300));
    const wanted = [1, 2, 3, 7, 150, 299, 300];
    expect(await readBack(file, index, wanted)).toEqual(wanted.map((n) => ({ rowNumber: n, values: expectedRow(n) })));
  });

  it('reads every row when every row is asked for (a window holds many), and rows far apart alone', async () => {
    // Rows of ~20 KB: gaps between far rows exceed what is read through, so those are separate reads.
    const { file, index } = await writeIndexed('wide.copy', copyText(200, 20_000));
    const all = Array.from({ length: 200 }, (_, at) => at + 1);
    expect(await readBack(file, index, all)).toEqual(all.map((n) => ({ rowNumber: n, values: expectedRow(n, 20_000) })));
    const sparse = [5, 90, 91, 200];
    expect(await readBack(file, index, sparse)).toEqual(sparse.map((n) => ({ rowNumber: n, values: expectedRow(n, 20_000) })));
  });

  it('refuses rows the index does not have, unordered row numbers, and a file changed since it was indexed', async () => {
    const { file, index } = await writeIndexed('checked.copy', copyText(10));
    await expect(readBack(file, index, [11])).rejects.toThrow(/row 11 does not exist/);
    await expect(readBack(file, index, [3, 2])).rejects.toThrow(/row numbers must ascend \(3 then 2\)/);
    await writeFile(file, copyText(10).slice(0, 100));
    await expect(readBack(file, index, [9])).rejects.toThrow(/was cut short or changed during the run/);
    await writeFile(file, copyText(10).replace('K2\t', 'K2\t\t'));
    await expect(readBack(file, index, [5])).rejects.toThrow(/does not hold row 5/);
  });
});
