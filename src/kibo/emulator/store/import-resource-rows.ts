// Applies one resource's CSV to its table the way Kibo imports: upsert by key, blank leaves a value
// unchanged, `~delete~` clears it, a bad row is rejected alone, deleteOmitted makes the file a snapshot.
import type { CsvRecord } from '../../../csv/kibo-csv-reader.ts';
import { matchHeader } from '../../resources/resource-registry.ts';
import type { FieldSpec } from '../../resources/resource-types.ts';
import type { ImportLogEntry } from '../tenant-store.ts';
import { parseFieldValue } from './field-values.ts';
import { computeRecordKey, resolveExtraHeader } from './resource-table.ts';
import type { ResourceTable, StoredRecord } from './resource-table.ts';

export const DELETE_SENTINEL = '~delete~';

export interface RowCounts {
  rowsRead: number;
  inserted: number;
  updated: number;
  unchanged: number;
  deleted: number;
  rejected: number;
}

export interface ResourceImportResult {
  readonly status: 'complete' | 'errored';
  readonly counts: RowCounts;
  readonly log: ImportLogEntry[];
  /** Why the resource errored or what was skipped, for stateDetails. */
  readonly note?: string;
}

interface ColumnPlan {
  readonly index: number;
  /** Canonical field name, or the stored header of a column without a field. */
  readonly storedName: string;
  readonly field?: FieldSpec;
}

interface RowProblem {
  readonly field: string;
  readonly message: string;
}

type KeyResult = { readonly ok: true; readonly key: string; readonly values: readonly string[] } | { readonly ok: false; readonly problems: RowProblem[] };

export function createRowCounts(rowsRead = 0): RowCounts {
  return { rowsRead, inserted: 0, updated: 0, unchanged: 0, deleted: 0, rejected: 0 };
}

function readKey(keyColumns: readonly ColumnPlan[], row: CsvRecord): KeyResult {
  const values: string[] = [];
  const problems: RowProblem[] = [];
  for (const column of keyColumns) {
    // Key text is compared trimmed: ` P1 ` and `P1` are the same record.
    const cell = (row.values[column.index] ?? '').trim();
    if (cell === '') problems.push({ field: column.storedName, message: `${column.storedName} is required (key field is blank)` });
    else if (cell === DELETE_SENTINEL) problems.push({ field: column.storedName, message: `${column.storedName} is a key field and cannot be cleared with ${DELETE_SENTINEL}` });
    else {
      const parsed = parseFieldValue(column.field!, cell);
      if (parsed.ok) values.push(parsed.value);
      else problems.push({ field: column.storedName, message: parsed.message });
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, key: computeRecordKey(values), values };
}

function applyCell(column: ColumnPlan, cell: string, next: StoredRecord, problems: RowProblem[]): void {
  const trimmed = cell.trim();
  if (trimmed === '') return;
  if (trimmed === DELETE_SENTINEL) {
    if (column.field?.required) problems.push({ field: column.storedName, message: `${column.storedName} is required and cannot be cleared with ${DELETE_SENTINEL}` });
    else delete next[column.storedName];
    return;
  }
  if (column.field === undefined) {
    next[column.storedName] = cell;
    return;
  }
  const parsed = parseFieldValue(column.field, cell);
  if (parsed.ok) next[column.storedName] = parsed.value;
  else problems.push({ field: column.storedName, message: parsed.message });
}

function fillRequired(table: ResourceTable, next: StoredRecord, problems: RowProblem[]): void {
  for (const field of table.resource.fields) {
    // A field whose cell was already rejected is reported once, for its bad value.
    if (!field.required || next[field.name] !== undefined || problems.some((problem) => problem.field === field.name)) continue;
    const fallback = field.defaultValue === undefined ? undefined : parseFieldValue(field, field.defaultValue);
    if (fallback?.ok) next[field.name] = fallback.value;
    else problems.push({ field: field.name, message: `${field.name} is required for a new record and is missing` });
  }
}

function sameRecord(left: StoredRecord, right: StoredRecord): boolean {
  const leftNames = Object.keys(left);
  return leftNames.length === Object.keys(right).length && leftNames.every((name) => left[name] === right[name]);
}

interface FilePlan {
  readonly keyColumns: readonly ColumnPlan[];
  readonly valueColumns: readonly ColumnPlan[];
}

function planColumns(table: ResourceTable, header: readonly string[]): FilePlan | RowProblem {
  const match = matchHeader(table.resource, header);
  const missing = match.missingKeyFields[0];
  if (missing !== undefined) {
    return { field: missing, message: `The header has no ${match.missingKeyFields.join(', ')} column (key of ${table.resource.name}); every row of this file is rejected` };
  }
  const duplicate = match.duplicateFields[0];
  if (duplicate !== undefined) {
    return { field: duplicate, message: `The header names ${match.duplicateFields.join(', ')} more than once; every row of this file is rejected` };
  }
  // A column with a blank header (a trailing comma) has no name to store or export under.
  const named = match.columns.filter((column) => column.field !== undefined || column.header.trim() !== '');
  const columns = named.map((column): ColumnPlan =>
    column.field ? { index: column.index, storedName: column.field.name, field: column.field } : { index: column.index, storedName: resolveExtraHeader(table, column.header) },
  );
  const keyColumns = table.resource.key.map((name) => columns.find((column) => column.field?.name === name)!);
  return { keyColumns, valueColumns: columns.filter((column) => !table.resource.key.includes(column.field?.name ?? '')) };
}

interface ImportRun {
  readonly table: ResourceTable;
  readonly plan: FilePlan;
  readonly counts: RowCounts;
  readonly log: ImportLogEntry[];
  /** Keys present in the file, including rejected rows: a bad row must never cause a deletion. */
  readonly seenKeys: Set<string>;
  unreadableKeyRow?: number;
}

function importRow(run: ImportRun, row: CsvRecord, logAs: string): void {
  const { table, plan, counts } = run;
  const logKey = plan.keyColumns.map((column) => (row.values[column.index] ?? '').trim()).join('|');
  const reportProblems = (problems: readonly RowProblem[]): void => {
    counts.rejected += 1;
    for (const problem of problems) run.log.push({ resource: logAs, rowNumber: row.rowNumber, key: logKey, ...problem });
  };
  const key = readKey(plan.keyColumns, row);
  if (!key.ok) {
    run.unreadableKeyRow ??= row.rowNumber;
    return reportProblems(key.problems);
  }
  const repeated = run.seenKeys.has(key.key);
  run.seenKeys.add(key.key);
  const existing = table.records.get(key.key);
  const next: StoredRecord = { ...existing };
  plan.keyColumns.forEach((column, position) => (next[column.storedName] = key.values[position]!));
  const problems: RowProblem[] = [];
  for (const column of plan.valueColumns) applyCell(column, row.values[column.index] ?? '', next, problems);
  if (existing === undefined) fillRequired(table, next, problems);
  if (problems.length > 0) return reportProblems(problems);
  table.records.set(key.key, next);
  // A key repeated in one file is an update of the earlier row (Kibo applies rows in order), silently.
  if (existing === undefined) counts.inserted += 1;
  else if (repeated || !sameRecord(existing, next)) counts.updated += 1;
  else counts.unchanged += 1;
}

function deleteOmitted(run: ImportRun, logAs: string): string | undefined {
  if (run.unreadableKeyRow !== undefined) {
    const note = `deleteOmitted skipped: row ${run.unreadableKeyRow} has no readable key, so the records it meant cannot be told apart from omitted ones`;
    run.log.push({ resource: logAs, rowNumber: run.unreadableKeyRow, key: '', field: '', message: note });
    return note;
  }
  for (const key of run.table.records.keys()) {
    if (run.seenKeys.has(key)) continue;
    run.table.records.delete(key);
    run.counts.deleted += 1;
  }
  return undefined;
}

/** Applies the parsed CSV (header + data rows) to `table`; `logAs` is the resource name for the log. */
export function importResourceRows(
  table: ResourceTable,
  csv: { readonly header: readonly string[]; readonly rows: readonly CsvRecord[] },
  options: { readonly deleteOmitted: boolean; readonly logAs: string },
): ResourceImportResult {
  const counts = createRowCounts(csv.rows.length);
  const plan = planColumns(table, csv.header);
  if (!('keyColumns' in plan)) {
    counts.rejected = csv.rows.length;
    return { status: 'errored', counts, log: [{ resource: options.logAs, rowNumber: 1, key: '', ...plan }], note: plan.message };
  }
  const run: ImportRun = { table, plan, counts, log: [], seenKeys: new Set() };
  for (const row of csv.rows) importRow(run, row, options.logAs);
  const note = options.deleteOmitted ? deleteOmitted(run, options.logAs) : undefined;
  return note === undefined ? { status: 'complete', counts, log: run.log } : { status: 'complete', counts, log: run.log, note };
}
