// The benchmark's catalog, as pure functions of (seed, row index, version): the ERP row, the same
// product as Kibo exports it, and which rows the ERP changed, added or removed. Each row is derived from
// its own hash, so either side can be generated alone, in any order, and always comes out the same.

export const BENCH_MASTER_CATALOG = 'Main Master Catalog';
/** Share of existing rows the ERP changes, in thousandths (10 = 1%). */
const CHANGED_PER_MILLE = 10;
/** Share of existing rows the ERP removes, in thousandths (5 = 0.5%). */
const REMOVED_PER_MILLE = 5;
/** Rows the ERP adds, relative to the existing rows (0.5%). */
const ADDED_FRACTION = 0.005;

export const ERP_COLUMNS = [
  'sku', 'title', 'description', 'short_text', 'product_type', 'list_price', 'sale_price', 'unit_cost',
  'taxable', 'weight_kg', 'length_cm', 'width_cm', 'height_cm', 'upc', 'fulfillment', 'map_start',
] as const;

/** products.csv columns as a real export with these fields asked for (required fields first). */
export const EXPORT_HEADER = [
  'MasterCatalogName', 'ProductCode', 'ProductType', 'ProductUsage', 'ProductName', 'Price',
  'VariationPricingMethod', 'PackageWeight', 'PackageLength', 'PackageWidth', 'PackageHeight', 'SalePrice',
  'Cost', 'MAPEffectiveStartDate', 'UPC', 'IsTaxable', 'FulfillmentTypes', 'ProductShortDescription',
  'ContentFullProductDescription', 'Ships by itself',
] as const;

export interface BenchProduct {
  readonly sku: string;
  readonly title: string;
  readonly description: string;
  readonly shortText: string;
  readonly productType: string;
  /** Cents, so money never goes through binary floating point. */
  readonly listPriceCents: number;
  readonly salePriceCents: number | undefined;
  /** Ten-thousandths. */
  readonly unitCostMicros: number;
  readonly taxable: boolean;
  /** Thousandths (grams, tenths of millimetres). */
  readonly weightMilli: number;
  readonly lengthMilli: number;
  readonly widthMilli: number;
  readonly heightMilli: number;
  readonly upc: string;
  readonly fulfillment: readonly string[];
  /** Epoch ms, whole seconds (Kibo's exports drop milliseconds). */
  readonly mapStartMs: number;
}

export type RowFate = 'same' | 'changed' | 'removed';

export interface BenchCounts {
  /** Rows in Kibo's export (the state before the ERP changes). */
  readonly existing: number;
  readonly changed: number;
  readonly removed: number;
  readonly added: number;
  /** Rows the ERP query returns. */
  readonly erpRows: number;
}

const WORDS = [
  'steel', 'oak', 'compact', 'deluxe', 'outdoor', 'kitchen', 'garden', 'travel', 'classic', 'modern', 'heavy',
  'light', 'blue', 'graphite', 'walnut', 'linen', 'ceramic', 'portable', 'wireless', 'organic', 'recycled',
  'folding', 'insulated', 'weatherproof', 'ergonomic', 'premium', 'everyday', 'vintage', 'cordless', 'smart',
];
const NOUNS = ['lamp', 'chair', 'kettle', 'backpack', 'blanket', 'drill', 'planter', 'speaker', 'jacket', 'mug', 'table', 'tent'];
const PRODUCT_TYPES = ['Base', 'Apparel', 'Hardgoods', 'Electronics', 'Home'];
const FULFILLMENT_SETS: readonly (readonly string[])[] = [['DirectShip'], ['DirectShip', 'InStorePickup'], ['InStorePickup'], ['DirectShip', 'InStorePickup', 'Delivery']];
const MAP_START_BASE_MS = Date.UTC(2024, 0, 1);
const DAY_MS = 86_400_000;

/** A 32-bit mix of the inputs (murmur3 finalizer over a simple combination): fast, well spread. */
export function hashInts(a: number, b: number, c = 0): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35) ^ Math.imul(c + 0x165667b1, 0x27d4eb2f);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32: a small seeded PRNG, one per row so rows are independent of generation order. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function computeBenchCounts(rows: number, seed: number): BenchCounts {
  let changed = 0;
  let removed = 0;
  for (let index = 0; index < rows; index += 1) {
    const fate = selectRowFate(seed, index);
    if (fate === 'changed') changed += 1;
    else if (fate === 'removed') removed += 1;
  }
  const added = countAddedRows(rows);
  return { existing: rows, changed, removed, added, erpRows: rows - removed + added };
}

export function countAddedRows(rows: number): number {
  return Math.round(rows * ADDED_FRACTION);
}

export function selectRowFate(seed: number, index: number): RowFate {
  const bucket = hashInts(seed, index, 1) % 1000;
  if (bucket < REMOVED_PER_MILLE) return 'removed';
  if (bucket < REMOVED_PER_MILLE + CHANGED_PER_MILLE) return 'changed';
  return 'same';
}

export function formatSku(index: number): string {
  return `P${String(index).padStart(8, '0')}`;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** ~200 characters with commas, quotes and, in about 1 row of 30, a line break. */
function buildDescription(random: () => number, title: string): string {
  const parts = [`The ${title.toLowerCase()}, built to last.`];
  while (parts.join(' ').length < 190) {
    const roll = random();
    if (roll < 0.15) parts.push(`"${pick(random, WORDS)}" finish,`);
    else if (roll < 0.2) parts.push(`${pick(random, WORDS)}\nand`);
    else parts.push(`${pick(random, WORDS)} ${pick(random, NOUNS)},`);
  }
  return `${parts.join(' ').slice(0, 200).trimEnd().replace(/,$/u, '')}.`;
}

/** The product as the ERP holds it; version 1 is the changed form of a 'changed' row. */
export function generateBenchProduct(seed: number, index: number, version: 0 | 1 = 0): BenchProduct {
  const random = createRandom(hashInts(seed, index, 2));
  const title = `${pick(random, WORDS)} ${pick(random, WORDS)} ${pick(random, NOUNS)} ${index}`;
  const listPriceCents = 100 + Math.floor(random() * 99_900);
  const base: BenchProduct = {
    sku: formatSku(index),
    title: title[0]!.toUpperCase() + title.slice(1),
    description: buildDescription(random, title),
    shortText: `${pick(random, WORDS)} ${pick(random, NOUNS)}, ${pick(random, WORDS)}`,
    productType: pick(random, PRODUCT_TYPES),
    listPriceCents,
    salePriceCents: random() < 0.3 ? Math.floor(listPriceCents * 0.8) : undefined,
    unitCostMicros: Math.floor(listPriceCents * 50 * (0.5 + random() * 0.3)),
    taxable: random() < 0.9,
    weightMilli: 50 + Math.floor(random() * 20_000),
    lengthMilli: 1_000 + Math.floor(random() * 99_000),
    widthMilli: 1_000 + Math.floor(random() * 99_000),
    heightMilli: 1_000 + Math.floor(random() * 99_000),
    upc: String(100_000_000_000 + Math.floor(random() * 899_999_999_999)),
    fulfillment: pick(random, FULFILLMENT_SETS),
    mapStartMs: MAP_START_BASE_MS + Math.floor(random() * 700) * DAY_MS + Math.floor(random() * 86_400) * 1000,
  };
  return version === 0 ? base : changeProduct(base, hashInts(seed, index, 3) % 6);
}

/** One field changed, always to a different value after normalization. */
function changeProduct(product: BenchProduct, which: number): BenchProduct {
  switch (which) {
    case 0:
      return { ...product, listPriceCents: product.listPriceCents + 100 };
    case 1:
      return { ...product, title: `${product.title} (new)` };
    case 2:
      return { ...product, description: `${product.description} Now with "more", too.` };
    case 3:
      return { ...product, taxable: !product.taxable };
    case 4:
      return { ...product, fulfillment: product.fulfillment.length === 1 ? ['DirectShip', 'Delivery'] : ['InStorePickup'].concat(product.fulfillment[0] === 'InStorePickup' ? ['Delivery'] : []) };
    default:
      return { ...product, mapStartMs: product.mapStartMs + DAY_MS };
  }
}

function fixed(value: number, scale: number): string {
  const divisor = 10 ** scale;
  const whole = Math.floor(value / divisor);
  return scale === 0 ? String(whole) : `${whole}.${String(value % divisor).padStart(scale, '0')}`;
}

function formatIsoUtc(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('T', ' ').replace('.000Z', '+00');
}

/** `M/D/YYYY h:mm:ss AM`, UTC, as Kibo's exports write datetimes. */
export function formatUsDateTime(epochMs: number): string {
  const date = new Date(epochMs);
  const hours = date.getUTCHours();
  const hour12 = hours % 12 === 0 ? 12 : hours % 12;
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${date.getUTCMonth() + 1}/${date.getUTCDate()}/${date.getUTCFullYear()} ${hour12}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${hours < 12 ? 'AM' : 'PM'}`;
}

/** Texts for Postgres COPY (text format), in ERP_COLUMNS order; undefined is NULL. */
export function formatErpValues(product: BenchProduct): (string | undefined)[] {
  return [
    product.sku, product.title, product.description, product.shortText, product.productType,
    fixed(product.listPriceCents, 2), product.salePriceCents === undefined ? undefined : fixed(product.salePriceCents, 2),
    fixed(product.unitCostMicros, 4), product.taxable ? 't' : 'f', fixed(product.weightMilli, 3),
    fixed(product.lengthMilli, 3), fixed(product.widthMilli, 3), fixed(product.heightMilli, 3), product.upc,
    `{${product.fulfillment.join(',')}}`, formatIsoUtc(product.mapStartMs),
  ];
}

/** One COPY text-format line (tab-separated, `\N` for NULL, backslash escapes). */
export function formatCopyLine(values: readonly (string | undefined)[]): string {
  return `${values.map((value) => (value === undefined ? '\\N' : value.replace(/[\\\t\n\r]/g, escapeCopyCharacter))).join('\t')}\n`;
}

function escapeCopyCharacter(character: string): string {
  return character === '\\' ? '\\\\' : character === '\t' ? '\\t' : character === '\n' ? '\\n' : '\\r';
}

/** The product's products.csv values in EXPORT_HEADER order, in Kibo's export dialect. */
export function formatExportValues(product: BenchProduct): string[] {
  return [
    BENCH_MASTER_CATALOG, product.sku, product.productType, 'Standard', product.title,
    fixed(product.listPriceCents * 100, 4), 'Differential', fixed(product.weightMilli, 3), fixed(product.lengthMilli, 3),
    fixed(product.widthMilli, 3), fixed(product.heightMilli, 3),
    product.salePriceCents === undefined ? '' : fixed(product.salePriceCents * 100, 4), fixed(product.unitCostMicros, 4),
    formatUsDateTime(product.mapStartMs), product.upc, product.taxable ? 'True' : 'False', product.fulfillment.join('&'),
    product.shortText, product.description, 'False',
  ];
}
