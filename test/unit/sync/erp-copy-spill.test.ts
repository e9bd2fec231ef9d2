// The ERP rows' spill: COPY's bytes as they came, of the rows kept while they were classified only,
// gathered into large writes, with each kept row's place noted.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openErpCopySpill, type ErpCopySpill } from '../../../src/sync/erp-copy-spill.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'erp-spill-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * Writes `chunks` as read-erp-rows.ts does: after each chunk, the rows it completed are classified
 * (here: kept when `keep(rowNumber)`), before the next chunk comes.
 */
async function streamInto(spill: ErpCopySpill, chunks: readonly Buffer[], keep: (rowNumber: number) => boolean): Promise<void> {
  let classified = 0;
  for (const chunk of chunks) {
    await spill.write(chunk);
    for (; classified < spill.index.rowCount; classified += 1) if (keep(classified + 1)) spill.keep(classified + 1);
  }
  await spill.close();
}

describe('openErpCopySpill', () => {
  it('writes exactly the kept rows, in order, whatever the chunks cut, and finds each of them', async () => {
    const rows = Array.from({ length: 40_000 }, (_, n) => `K${n + 1}\t${'v'.repeat(n % 97)}\u00e9\n`);
    rows.push(`K40001\t${'w'.repeat(3 << 20)}\n`); // a row larger than a write, cut by many chunks
    const all = Buffer.from(rows.join(''));
    const chunks: Buffer[] = [];
    // Chunks of uneven sizes, cutting rows (and the two-byte é) anywhere; one of ~0.5 MB.
    for (let at = 0, size = 1; at < all.length; at += size, size = size === 1 ? 7_919 : size > 500_000 ? 65_536 : size * 3) chunks.push(all.subarray(at, at + size));
    const kept = (rowNumber: number): boolean => rowNumber % 7 === 1 || rowNumber === 40_001 || rowNumber === 40_000;
    const spill = openErpCopySpill(path.join(dir, 'rows.copy'));
    spill.begin(['key', 'value']);
    await streamInto(spill, chunks, kept);

    const keptRows = rows.map((text, index) => ({ text, rowNumber: index + 1 })).filter(({ rowNumber }) => kept(rowNumber));
    const written = await readFile(spill.path);
    expect(written.equals(Buffer.from(keptRows.map(({ text }) => text).join('')))).toBe(true);
    expect(spill.columns).toEqual(['key', 'value']);
    expect(spill.index.rowCount).toBe(40_001);
    for (const { text, rowNumber } of [keptRows[0]!, keptRows[1]!, ...keptRows.slice(-3)]) {
      const [start, end] = spill.index.rangeOf(rowNumber);
      expect(written.toString('utf8', start, end)).toBe(text);
    }
    expect(() => spill.index.rangeOf(2)).toThrow(/ERP row 2 was not kept in the spill/);
  });

  it('refuses to keep a row twice, out of order, not yet complete, or already dropped', async () => {
    const spill = openErpCopySpill(path.join(dir, 'order.copy'));
    spill.begin(['key']);
    await spill.write(Buffer.from('a\nb\nc\nd'));
    spill.keep(2);
    expect(() => spill.keep(2)).toThrow(/kept once, in ascending order/);
    expect(() => spill.keep(1)).toThrow(/kept once, in ascending order/);
    expect(() => spill.keep(4)).toThrow(/rows 1–3 are open/); // 'd' has no line feed yet
    await spill.write(Buffer.from('\ne\n'));
    expect(() => spill.keep(3)).toThrow(/kept once, in ascending order/); // decided (dropped) when this chunk came
    spill.keep(5);
    await spill.close();
    expect((await readFile(spill.path)).toString()).toBe('b\ne\n');
  });

  it('fails naming its file when it cannot be written', async () => {
    const spill = openErpCopySpill(path.join(dir, 'no such dir', 'rows.copy'));
    spill.begin(['key']);
    await spill.write(Buffer.from('a\n'));
    spill.keep(1);
    await expect(spill.close()).rejects.toThrow(/could not write the ERP rows' spill file .*no such dir.*ENOENT/);
    await spill.remove();
  });
});
