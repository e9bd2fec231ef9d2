// The registry of Kibo Import/Export resources: the seed's field lists (catalog-field-lists.ts,
// customer-field-lists.ts), the B2B template (b2b-field-lists.ts), per-field rules (field-rules.ts),
// header spellings (export-headers.ts) and per-resource facts (resource-definitions.ts), assembled once
// into frozen ResourceSpecs.
import { B2B_SHEETS, type B2bSheet } from './b2b-field-lists.ts';
import { CATALOG_FIELD_LISTS } from './catalog-field-lists.ts';
import { CUSTOMER_FIELD_LISTS } from './customer-field-lists.ts';
import { EXPORT_HEADERS_BY_RESOURCE } from './export-headers.ts';
import { resolveFieldRule } from './field-rules.ts';
import { CATALOG_DEFINITIONS, CUSTOMER_DEFINITIONS, type ResourceDefinition } from './resource-definitions.ts';
import type { FieldSpec, KiboDomain, ResourceSpec } from './resource-types.ts';
import type { SeedFieldList } from './seed-field-list.ts';

interface FieldSource {
  readonly name: string;
  readonly required: boolean;
  readonly header?: string;
}

function buildField(resourceName: string, source: FieldSource): FieldSpec {
  const rule = resolveFieldRule(resourceName, source.name);
  const exportHeader = EXPORT_HEADERS_BY_RESOURCE[resourceName]?.[source.name] ?? source.header ?? source.name;
  const field: FieldSpec = { kind: 'string', ...rule, name: source.name, required: source.required, exportHeader };
  if (field.allowedValues) Object.freeze(field.allowedValues);
  return Object.freeze(field);
}

function seedFieldSources(list: SeedFieldList): FieldSource[] {
  return [
    ...list.required.map((name) => ({ name, required: true })),
    ...list.optional.map((name) => ({ name, required: false })),
  ];
}

function b2bFieldSources(sheet: B2bSheet): FieldSource[] {
  return sheet.columns.map((column) => ({
    name: column.name,
    header: column.header,
    required: sheet.required.includes(column.name),
  }));
}

function buildResource(
  name: string,
  domain: KiboDomain,
  source: ResourceSpec['source'],
  fieldSources: readonly FieldSource[],
  definition: ResourceDefinition | undefined,
): ResourceSpec {
  if (!definition) throw new Error(`Resource registry: no definition (key, import order) for ${name}.`);
  const spec: ResourceSpec = {
    name,
    domain,
    fileName: `${name.toLowerCase()}.csv`,
    fields: Object.freeze(fieldSources.map((fieldSource) => buildField(name, fieldSource))),
    key: Object.freeze([...definition.key]),
    keyNote: definition.keyNote,
    importOrder: definition.importOrder,
    booleanSpelling: definition.booleanSpelling,
    extraColumns: Object.freeze([...(definition.extraColumns ?? [])]),
    ...(definition.dynamicColumns ? { dynamicColumns: definition.dynamicColumns } : {}),
    source,
  };
  const unknownKeys = spec.key.filter((keyName) => !spec.fields.some((field) => field.name === keyName));
  if (unknownKeys.length > 0) {
    throw new Error(`Resource registry: ${name} key names fields it does not have: ${unknownKeys.join(', ')}.`);
  }
  return Object.freeze(spec);
}

function buildRegistry(): readonly ResourceSpec[] {
  const catalog = Object.entries(CATALOG_FIELD_LISTS).map(([name, list]) =>
    buildResource(name, 'catalog', 'catalog-fields', seedFieldSources(list), CATALOG_DEFINITIONS[name]),
  );
  const customer = Object.entries(CUSTOMER_FIELD_LISTS).map(([name, list]) =>
    buildResource(name, 'customer', 'customer-fields', seedFieldSources(list), CUSTOMER_DEFINITIONS[name]),
  );
  // The B2B template does not say which import domain its sheets belong to; they are customer data
  // (accounts, contacts, purchase orders, users), so they go with the customer domain.
  const b2b = Object.entries(B2B_SHEETS).map(([name, sheet]) =>
    buildResource(name, 'customer', 'b2b-template', b2bFieldSources(sheet), CUSTOMER_DEFINITIONS[name]),
  );
  return Object.freeze(sortByImportOrder([...catalog, ...customer, ...b2b].map((resource) => ({ resource }))).map(
    (item) => item.resource,
  ));
}

const DOMAIN_ORDER: Readonly<Record<KiboDomain, number>> = { catalog: 0, customer: 1 };

/** Catalog before customer, then importOrder; items with equal position keep their order. */
export function sortByImportOrder<T extends { resource: ResourceSpec }>(items: readonly T[]): T[] {
  return [...items].sort(
    (left, right) =>
      DOMAIN_ORDER[left.resource.domain] - DOMAIN_ORDER[right.resource.domain] ||
      left.resource.importOrder - right.resource.importOrder,
  );
}

/** Every resource, in import order (catalog first); frozen down to each field. */
export const KIBO_RESOURCES: readonly ResourceSpec[] = buildRegistry();

/** Lowercase with all whitespace removed: `Master Catalog Name` → `mastercatalogname`. */
export function normalizeHeader(header: string): string {
  return header.replace(/\s+/gu, '').toLowerCase();
}

function normalizeResourceName(name: string): string {
  return normalizeHeader(name).replace(/\.csv$/u, '');
}

/** Accepts `Products`, `products`, `products.csv`, `PRODUCTS.CSV`, `Pricelist Entries`. */
export function findResource(name: string): ResourceSpec | undefined {
  const wanted = normalizeResourceName(name);
  return KIBO_RESOURCES.find((resource) => normalizeHeader(resource.name) === wanted);
}

export function getResource(name: string): ResourceSpec {
  const resource = findResource(name);
  if (!resource) {
    throw new Error(
      `Unknown Kibo resource "${name}". Use one of: ${listResourceNames().join(', ')} ` +
        '(case and spaces do not matter; a ".csv" suffix is accepted).',
    );
  }
  return resource;
}

export function listResourceNames(): readonly string[] {
  return KIBO_RESOURCES.map((resource) => resource.name);
}

/** The field a header names, by canonical name or export spelling, ignoring case and spaces. */
export function findField(resource: ResourceSpec, header: string): FieldSpec | undefined {
  const wanted = normalizeHeader(header);
  return resource.fields.find(
    (field) => normalizeHeader(field.name) === wanted || normalizeHeader(field.exportHeader) === wanted,
  );
}

export interface HeaderColumn {
  readonly index: number;
  readonly header: string;
  /** Absent for columns outside the field list (extra columns, dynamic columns, unknown names). */
  readonly field?: FieldSpec;
}

export interface HeaderMatch {
  readonly columns: readonly HeaderColumn[];
  /** Key fields (canonical names) that no column names. */
  readonly missingKeyFields: readonly string[];
  /** Fields (canonical names) that more than one column names; each such column carries the field. */
  readonly duplicateFields: readonly string[];
}

export function matchHeader(resource: ResourceSpec, header: readonly string[]): HeaderMatch {
  const columns: HeaderColumn[] = header.map((text, index) => {
    const field = findField(resource, text);
    return field ? { index, header: text, field } : { index, header: text };
  });
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const column of columns) {
    if (!column.field) continue;
    if (seen.has(column.field.name)) duplicates.add(column.field.name);
    seen.add(column.field.name);
  }
  return {
    columns,
    missingKeyFields: resource.key.filter((name) => !seen.has(name)),
    duplicateFields: [...duplicates],
  };
}
