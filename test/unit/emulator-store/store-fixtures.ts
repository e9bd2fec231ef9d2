// Small Kibo-shaped CSVs for the store tests. Products' required columns, in registry order.
import { createTenantStore } from '../../../src/kibo/emulator/tenant-store.ts';
import type { ImportOutcome, ImportResourceRequest, TenantStore } from '../../../src/kibo/emulator/tenant-store.ts';
import { buildZip, csvLines } from './zip-test-helpers.ts';

export const PRODUCT_REQUIRED_HEADER = [
  'MasterCatalogName', 'ProductCode', 'ProductType', 'ProductUsage', 'ProductName', 'Price',
  'VariationPricingMethod', 'PackageWeight', 'PackageLength', 'PackageWidth', 'PackageHeight',
];

/** A products row with the required values; `price` and `name` vary per test. */
export function productRow(code: string, name: string, price: string): string[] {
  return ['Master', code, 'Base', 'Standard', name, price, 'Fixed', '1', '2', '3', '4'];
}

export function productsCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return csvLines(header.join(','), ...rows.map((row) => row.join(',')));
}

/** Imports `files` (entry name → CSV text) as one zip for the given resources. */
export async function importFiles(
  store: TenantStore,
  files: Record<string, string | Buffer>,
  resources: readonly ImportResourceRequest[],
): Promise<ImportOutcome> {
  const zip = await buildZip(Object.entries(files).map(([name, content]) => ({ name, content })));
  return store.applyImport(zip, resources);
}

export async function createStoreWithProducts(codes: readonly string[]): Promise<TenantStore> {
  const store = createTenantStore();
  const rows = codes.map((code) => productRow(code, `Product ${code}`, '10'));
  const outcome = await importFiles(store, { 'products.csv': productsCsv(PRODUCT_REQUIRED_HEADER, rows) }, [{ resource: 'Products', deleteOmitted: false }]);
  if (outcome.resources[0]?.inserted !== codes.length) throw new Error(`fixture import failed: ${JSON.stringify(outcome)}`);
  return store;
}
