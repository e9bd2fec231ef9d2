// A small Products sync over a test table, for tests that need rows Kibo accepts and rows it refuses:
// clearing the required ProductName of an existing product (title set to NULL sends `~delete~`) is
// refused by Kibo for that row alone.
export const STAGED_MASTER_CATALOG = 'Main Master Catalog';

export const STAGED_PRODUCTS_MAPPING = `sync: staged-products
resource: Products
source:
  query: select sku, title, price from erp.staged_items order by position
fields:
  MasterCatalogName: { const: ${STAGED_MASTER_CATALOG} }
  ProductCode: sku
  ProductType: { const: Base }
  ProductUsage: { const: Standard }
  ProductName: { column: title, type: string, onNull: clear }
  Price: { column: price, type: decimal, scale: 2 }
  VariationPricingMethod: { const: Differential }
  PackageWeight: { const: 1 }
  PackageLength: { const: 1 }
  PackageWidth: { const: 1 }
  PackageHeight: { const: 1 }
deletes: ignore
`;

export const CREATE_STAGED_ITEMS_SQL =
  'create table erp.staged_items (position integer primary key, sku text not null, title text, price numeric(12, 2) not null)';
