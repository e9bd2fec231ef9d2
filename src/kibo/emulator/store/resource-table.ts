// One resource's stored records, keyed by the registry key in the emulator's canonical form.
import { normalizeHeader } from '../../resources/resource-registry.ts';
import type { ResourceSpec } from '../../resources/resource-types.ts';
import { compareFieldValues } from './field-values.ts';

/** Canonical values by canonical field name; columns without a field by their header. */
export type StoredRecord = Record<string, string>;

export interface ResourceTable {
  readonly resource: ResourceSpec;
  readonly records: Map<string, StoredRecord>;
  /**
   * Headers of columns that have no field (the registry's extra columns, then dynamic columns in the
   * order they were first imported): export writes them in this order, so it is stable across runs.
   */
  readonly extraHeaders: string[];
}

export function createResourceTable(resource: ResourceSpec, extraHeaders: readonly string[] = []): ResourceTable {
  const table: ResourceTable = { resource, records: new Map(), extraHeaders: [...resource.extraColumns] };
  for (const header of extraHeaders) resolveExtraHeader(table, header);
  return table;
}

/** The identity of a record: its canonical key values, in key order. */
export function computeRecordKey(keyValues: readonly string[]): string {
  return JSON.stringify(keyValues);
}

export function readRecordKey(resource: ResourceSpec, record: StoredRecord): string {
  return computeRecordKey(resource.key.map((name) => record[name] ?? ''));
}

/** The spelling a column without a field is stored under: the first one seen (registry's for extras). */
export function resolveExtraHeader(table: ResourceTable, header: string): string {
  const normalized = normalizeHeader(header);
  const known = table.extraHeaders.find((candidate) => normalizeHeader(candidate) === normalized);
  if (known !== undefined) return known;
  table.extraHeaders.push(header);
  return header;
}

/** Records in export order: by key fields in key order (numbers numerically, instants chronologically, text by code unit). */
export function listSortedRecords(table: ResourceTable): StoredRecord[] {
  const keyFields = table.resource.key.map((name) => ({ name, field: table.resource.fields.find((field) => field.name === name) }));
  return [...table.records.values()].sort((left, right) => {
    for (const { name, field } of keyFields) {
      const order = compareFieldValues(field, left[name] ?? '', right[name] ?? '');
      if (order !== 0) return order;
    }
    return 0;
  });
}
