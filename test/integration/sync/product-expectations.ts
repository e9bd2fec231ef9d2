// What the products mapping promises, written out independently of the engine: each ERP item as the
// Kibo product it must become, and the emulator's stored record reduced to the same comparable shape
// (money and measures as numbers, booleans as booleans, lists as sorted sets, absent = undefined).

export interface ErpItemRow {
  readonly sku: string;
  readonly title: string;
  readonly description: string | null;
  readonly short_text: string | null;
  readonly product_type: string;
  readonly list_price: string;
  readonly sale_price: string | null;
  readonly unit_cost: string | null;
  readonly taxable: boolean;
  readonly weight_kg: string;
  readonly length_cm: string;
  readonly width_cm: string;
  readonly height_cm: string;
  readonly upc: string | null;
  readonly fulfillment: string[];
}

export type ComparableProduct = Record<string, string | number | boolean | string[] | undefined>;

const NUMERIC_FIELDS = ['Price', 'SalePrice', 'Cost', 'PackageWeight', 'PackageLength', 'PackageWidth', 'PackageHeight'];
const MAPPED_FIELDS = [
  'MasterCatalogName', 'ProductCode', 'ProductType', 'ProductUsage', 'ProductName', 'Price', 'SalePrice', 'Cost',
  'VariationPricingMethod', 'PackageWeight', 'PackageLength', 'PackageWidth', 'PackageHeight', 'IsTaxable', 'UPC',
  'FulfillmentTypes', 'ContentFullProductDescription', 'ProductShortDescription',
];

function numberOrUndefined(text: string | null | undefined): number | undefined {
  return text === null || text === undefined || text === '' ? undefined : Number(text);
}

function textOrUndefined(text: string | null | undefined): string | undefined {
  return text === null || text === undefined || text === '' ? undefined : text;
}

/** The product an ERP item must be in Kibo (mappings/products.yaml, read by a person). */
export function expectedProductRecord(item: ErpItemRow): ComparableProduct {
  return {
    MasterCatalogName: 'Main Master Catalog',
    ProductCode: item.sku,
    ProductType: item.product_type,
    ProductUsage: 'Standard',
    ProductName: item.title,
    Price: Number(item.list_price),
    SalePrice: numberOrUndefined(item.sale_price),
    Cost: numberOrUndefined(item.unit_cost),
    VariationPricingMethod: 'Differential',
    PackageWeight: Number(item.weight_kg),
    PackageLength: Number(item.length_cm),
    PackageWidth: Number(item.width_cm),
    PackageHeight: Number(item.height_cm),
    IsTaxable: item.taxable,
    UPC: textOrUndefined(item.upc),
    FulfillmentTypes: [...new Set(item.fulfillment)].sort(),
    ContentFullProductDescription: textOrUndefined(item.description),
    ProductShortDescription: textOrUndefined(item.short_text),
  };
}

/** An emulator Products record (canonical field names) reduced to the mapped fields, comparably typed. */
export function normalizeProductRecord(record: Readonly<Record<string, string>>): ComparableProduct {
  const comparable: ComparableProduct = {};
  for (const field of MAPPED_FIELDS) {
    const value = record[field];
    if (NUMERIC_FIELDS.includes(field)) comparable[field] = numberOrUndefined(value);
    else if (field === 'IsTaxable') comparable[field] = value === undefined ? undefined : /^(true|yes|1)$/i.test(value);
    else if (field === 'FulfillmentTypes') comparable[field] = value === undefined ? undefined : [...new Set(value.split('&').map((part) => part.trim()))].sort();
    else comparable[field] = textOrUndefined(value);
  }
  return comparable;
}
