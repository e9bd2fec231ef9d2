import { describe, expect, it } from 'vitest';
import { createTenantStore } from '../../../src/kibo/emulator/tenant-store.ts';
import { PRODUCT_REQUIRED_HEADER, productRow, productsCsv } from './store-fixtures.ts';
import { buildZip } from './zip-test-helpers.ts';

const PRODUCTS = [{ resource: 'Products', deleteOmitted: false }] as const;

describe('TenantStore.applyImport: zip limits', () => {
  it('refuses more than 200 entries before reading them', async () => {
    const entries = Array.from({ length: 201 }, (_, index) => ({ name: `junk-${index}.txt`, content: 'x' }));
    const outcome = await createTenantStore().applyImport(await buildZip(entries), PRODUCTS);
    expect(outcome.fatalError).toMatch(/201 entries.*200 \(maxEntries\)/u);
  });

  it('refuses an entry that expands like a zip bomb (2 MiB of zeros)', async () => {
    const zip = await buildZip([{ name: 'products.csv', content: Buffer.alloc(2 * 1024 * 1024) }]);
    expect(zip.length).toBeLessThan(10_000);
    const outcome = await createTenantStore().applyImport(zip, PRODUCTS);
    expect(outcome.fatalError).toMatch(/products\.csv expands \d+:1.*maxCompressionRatio/u);
  });

  it('refuses a zip whose total uncompressed size passes the limit, and imports below it', async () => {
    const csv = productsCsv(PRODUCT_REQUIRED_HEADER, [productRow('A', 'A', '1')]);
    const zip = await buildZip([{ name: 'products.csv', content: csv }], { store: true });
    const tight = createTenantStore(undefined, { zipLimits: { maxTotalUncompressedBytes: csv.length - 1 } });
    expect((await tight.applyImport(zip, PRODUCTS)).fatalError).toMatch(/maxTotalUncompressedBytes/u);
    expect(tight.countRecords('Products')).toBe(0);
    const roomy = createTenantStore(undefined, { zipLimits: { maxTotalUncompressedBytes: csv.length } });
    expect((await roomy.applyImport(zip, PRODUCTS)).resources[0]).toMatchObject({ inserted: 1 });
  });

  it('refuses an entry whose data outgrows the size its directory declares', async () => {
    const csv = productsCsv(PRODUCT_REQUIRED_HEADER, [productRow('A', 'A', '1')]);
    const zip = await buildZip([{ name: 'products.csv', content: csv }]);
    // Shrink the declared uncompressed size in the central directory (offset 24 of its header).
    const central = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt32LE(10, central + 24);
    const outcome = await createTenantStore().applyImport(zip, PRODUCTS);
    expect(outcome.fatalError ?? outcome.log[0]?.message).toMatch(/products\.csv/u);
    expect(outcome.resources[0]?.inserted).toBe(0);
  });
});
