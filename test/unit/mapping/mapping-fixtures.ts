// Mapping file text shared by the mapping tests: a valid Products file (every required field mapped)
// that tests edit one line at a time.
import { parseMapping } from '../../../src/mapping/parse-mapping.ts';
import type { SyncMapping } from '../../../src/mapping/mapping-types.ts';

export const PRODUCTS_YAML = `sync: products
resource: Products
schedule: "*/30 * * * *"
source:
  query: select * from erp.items
fields:
  MasterCatalogName: { const: Master }
  ProductCode: sku
  ProductType: { const: Standard }
  ProductUsage: { const: Standard }
  ProductName: title
  Price: { column: list_price, type: decimal, scale: 2 }
  SalePrice: { column: sale_price, type: decimal, scale: 2, onNull: clear }
  VariationPricingMethod: { const: Differential }
  PackageWeight: weight_kg
  PackageLength: { const: 1 }
  PackageWidth: { const: 1 }
  PackageHeight: { const: 1 }
  IsTaxable: { column: taxable, type: boolean }
  FulfillmentTypes: { column: fulfillment, type: list }
  MAPEffectiveStartDate: { column: map_start, type: datetime, onNull: clear }
`;

/** A small mapping of any resource, for set-level tests. */
export function pricelistsYaml(sync: string, after: readonly string[] = []): string {
  return `sync: ${sync}
resource: Pricelists
${after.length > 0 ? `after: [${after.join(', ')}]\n` : ''}source:
  table: erp.price_lists
fields:
  MasterCatalogName: { const: Master }
  PriceListCode: code
  PriceListName: name
  Enabled: { const: true }
  ValidForAllSites: { const: true }
  ValidSites: { const: "1" }
`;
}

export function parseValid(text: string, file = 'products.yaml'): SyncMapping {
  const { mapping, problems } = parseMapping(text, file);
  if (mapping === undefined) throw new Error(`expected a valid mapping, got:\n${JSON.stringify(problems, null, 2)}`);
  return mapping;
}

/** PRODUCTS_YAML with one line replaced (the line must exist). */
export function editProducts(find: string, replace: string): string {
  if (!PRODUCTS_YAML.includes(find)) throw new Error(`fixture has no ${JSON.stringify(find)}`);
  return PRODUCTS_YAML.replace(find, replace);
}
