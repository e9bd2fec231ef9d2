// The ERP rows' spill: COPY's bytes as they came, gathered into large writes, with every row's place noted.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openErpCopySpill } from '../../../src/sync/erp-copy-spill.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'erp-spill-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('openErpCopySpill', () => {
  it('writes every byte in order, small chunks and one larger than its write size alike, and indexes every row', async () => {
    const rows = Array.from({ length: 40_000 }, (_, n) => `K${n + 1}\t${'v'.repeat(n % 97)}\n`);
    const small = Buffer.from(rows.slice(0, 30_000).join(''));
    const large = Buffer.from(rows.slice(30_000).join('')); // one chunk of ~0.5 MB
    const bigRow = Buffer.from(`K40001\t${'w'.repeat(3 << 20)}\n`); // larger than a write
    const spill = openErpCopySpill(path.join(dir, 'rows.copy'));
    spill.begin(['key', 'value']);
    for (let at = 0; at < small.length; at += 65_536) await spill.write(small.subarray(at, at + 65_536));
    await spill.write(large);
    await spill.write(bigRow);
    await spill.close();
    const written = await readFile(spill.path);
    expect(written.equals(Buffer.concat([small, large, bigRow]))).toBe(true);
    expect(spill.columns).toEqual(['key', 'value']);
    expect(spill.index.rowCount).toBe(40_001);
    const [start, end] = spill.index.rangeOf(40_000);
    expect(written.toString('utf8', start, end)).toBe(rows[39_999]);
  });

  it('fails naming its file when it cannot be written', async () => {
    const spill = openErpCopySpill(path.join(dir, 'no such dir', 'rows.copy'));
    spill.begin(['key']);
    await spill.write(Buffer.from('a\n'));
    await expect(spill.close()).rejects.toThrow(/could not write the ERP rows' spill file .*no such dir.*ENOENT/);
    await spill.remove();
  });
});
