// Renders one resource the way a real Kibo export looks (NOTES.md "The export zip"): registry header
// spellings, required fields plus the requested optional ones, extra and dynamic columns after them,
// values re-spelled by kind, rows sorted by key.
import { formatKiboCsv } from '../../../csv/kibo-csv-writer.ts';
import { findField, normalizeHeader } from '../../resources/resource-registry.ts';
import type { FieldSpec } from '../../resources/resource-types.ts';
import { formatFieldValue } from './field-values.ts';
import { listSortedRecords } from './resource-table.ts';
import type { ResourceTable } from './resource-table.ts';

const ALL_FIELDS = '*';

/**
 * The fields an export writes, in registry order: required ones plus the requested optional ones
 * (`*` = all). Throws naming a requested name that is neither a field nor a column the resource has,
 * as Kibo fails such a job.
 */
export function selectExportFields(table: ResourceTable, requested: readonly string[] | undefined): FieldSpec[] {
  const { resource } = table;
  const wanted = new Set<string>();
  let all = false;
  for (const name of requested ?? []) {
    if (name.trim() === ALL_FIELDS) {
      all = true;
      continue;
    }
    const field = findField(resource, name);
    if (field !== undefined) wanted.add(field.name);
    else if (!table.extraHeaders.some((header) => normalizeHeader(header) === normalizeHeader(name))) {
      throw new Error(`Export of ${resource.name}: unknown field '${name}'. Known fields: ${resource.fields.map((known) => known.name).join(', ')}`);
    }
  }
  return resource.fields.filter((field) => field.required || all || wanted.has(field.name));
}

/** Extra fixed columns always; dynamic columns only while some record has a value for them. */
function selectExtraHeaders(table: ResourceTable): string[] {
  const records = [...table.records.values()];
  return table.extraHeaders.filter((header) => table.resource.extraColumns.includes(header) || records.some((record) => record[header] !== undefined));
}

export function renderResourceCsv(table: ResourceTable, requested: readonly string[] | undefined): string {
  const fields = selectExportFields(table, requested);
  const extras = selectExtraHeaders(table);
  const header = [...fields.map((field) => field.exportHeader), ...extras];
  const rows = listSortedRecords(table).map((record) => [
    ...fields.map((field) => {
      const value = record[field.name];
      return value === undefined ? '' : formatFieldValue(table.resource, field, value);
    }),
    ...extras.map((name) => record[name] ?? ''),
  ]);
  return formatKiboCsv(header, rows);
}
