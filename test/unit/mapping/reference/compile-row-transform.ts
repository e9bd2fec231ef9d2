// Reference copy (verbatim, only import paths changed) of src/mapping as of 6d2215c, before the fast paths:
// the oracle of reference-transform.test.ts. Never edit it to match new behaviour.
// Turns a mapping into a fast row function: converters, const cells and column positions are worked
// out once, so each ERP row costs one pass over the mapped fields.
import { encodeKey } from '../../../../src/mapping/encode-key.ts';
import type { CellValue, ColumnIndex, MappedField, RowProblem, RowTransform, RowTransformResult, SourceRow, SyncMapping } from '../../../../src/mapping/mapping-types.ts';
import { CLEAR, SKIP } from '../../../../src/mapping/mapping-types.ts';
import { createTemporalFormatter } from './temporal-text.ts';
import type { TemporalFormatter } from './temporal-text.ts';
import type { FieldConverter } from './value-converters.ts';
import { createFieldConverter, isConversionFailure } from './value-converters.ts';

const VALUE_EXCERPT_CHARS = 80;

interface FieldPlan {
  readonly field: MappedField;
  /** Set for a const: the same cell for every row. */
  readonly constCell?: CellValue;
  readonly convert: FieldConverter;
  readonly nullCell: CellValue;
}

export function compileRowTransform(mapping: SyncMapping): RowTransform {
  const temporal = createTemporalFormatter(mapping.timezone);
  const plans = mapping.fields.map((field) => planField(field, temporal));
  const keyIndexes = mapping.keyFieldIndexes;
  let lastIndex: ColumnIndex | undefined;
  let positions: readonly number[] = [];
  return (row, columnIndex) => {
    if (Array.isArray(row)) {
      if (columnIndex === undefined) throw new Error(`sync ${mapping.sync}: an array row needs the column index (the batch's column names)`);
      if (columnIndex !== lastIndex) {
        positions = resolvePositions(mapping, columnIndex);
        lastIndex = columnIndex;
      }
    }
    return transformRow(plans, keyIndexes, row, positions);
  };
}

function planField(field: MappedField, temporal: TemporalFormatter): FieldPlan {
  const convert = createFieldConverter(field, temporal);
  const nullCell: CellValue = field.onNull === 'clear' ? CLEAR : SKIP;
  if (field.column !== undefined) return { field, convert, nullCell };
  const constValue = field.constValue ?? null;
  const converted = constValue === null ? undefined : convert(constValue);
  if (isConversionFailure(converted)) {
    // parseMapping checks every const with this converter; reaching here means a hand-built mapping.
    throw new Error(`sync mapping ${field.path}: const ${String(constValue)} is invalid: ${converted.reason}`);
  }
  return { field, convert, nullCell, constCell: converted ?? nullCell };
}

function resolvePositions(mapping: SyncMapping, columnIndex: ColumnIndex): number[] {
  const index = Array.isArray(columnIndex) ? new Map(columnIndex.map((name: string, position: number) => [name, position])) : (columnIndex as ReadonlyMap<string, number>);
  return mapping.fields.map((field) => {
    if (field.column === undefined) return -1;
    const position = index.get(field.column);
    if (position === undefined) {
      throw new Error(`sync ${mapping.sync}: ${field.name} reads column ${field.column}, which the source rows do not have; check the mapping with assertSourceColumns first`);
    }
    return position;
  });
}

function transformRow(plans: readonly FieldPlan[], keyIndexes: readonly number[], row: SourceRow, positions: readonly number[]): RowTransformResult {
  const isArrayRow = Array.isArray(row);
  const cells: CellValue[] = new Array<CellValue>(plans.length);
  let problems: RowProblem[] | undefined;
  for (let index = 0; index < plans.length; index += 1) {
    const plan = plans[index] as FieldPlan;
    if (plan.constCell !== undefined) {
      cells[index] = plan.constCell;
      continue;
    }
    const value = isArrayRow ? (row as readonly unknown[])[positions[index] ?? -1] : (row as Readonly<Record<string, unknown>>)[plan.field.column ?? ''];
    if (value === null || value === undefined) {
      cells[index] = plan.nullCell;
      continue;
    }
    const converted = plan.convert(value);
    if (typeof converted === 'string') {
      cells[index] = converted;
    } else if (converted === undefined) {
      cells[index] = plan.nullCell;
    } else {
      (problems ??= []).push(rowProblem(plan.field, value, converted.reason));
      cells[index] = SKIP;
    }
  }
  return finishRow(plans, keyIndexes, row, positions, cells, problems ?? []);
}

function finishRow(plans: readonly FieldPlan[], keyIndexes: readonly number[], row: SourceRow, positions: readonly number[], cells: CellValue[], problems: RowProblem[]): RowTransformResult {
  const keyValues: string[] = [];
  for (const fieldIndex of keyIndexes) {
    const cell = cells[fieldIndex];
    const field = (plans[fieldIndex] as FieldPlan).field;
    if (typeof cell === 'string' && cell.trim().length > 0) {
      keyValues.push(cell);
    } else if (!problems.some((problem) => problem.field === field.name)) {
      const value = field.column === undefined ? null : Array.isArray(row) ? (row as readonly unknown[])[positions[fieldIndex] ?? -1] : (row as Readonly<Record<string, unknown>>)[field.column];
      problems.push(rowProblem(field, value, 'key is null'));
    }
  }
  const complete = keyValues.length === keyIndexes.length;
  return { ok: problems.length === 0, key: complete ? encodeKey(keyValues) : '', keyValues, cells, problems };
}

function rowProblem(field: MappedField, value: unknown, reason: string): RowProblem {
  return { field: field.name, ...(field.column === undefined ? {} : { column: field.column }), value: excerpt(value), reason };
}

function excerpt(value: unknown): string {
  let text: string;
  if (value === null || value === undefined) text = '';
  else if (typeof value === 'string') text = value;
  else if (value instanceof Date) text = Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  else if (Array.isArray(value)) text = JSON.stringify(value);
  else text = String(value);
  return text.length > VALUE_EXCERPT_CHARS ? `${text.slice(0, VALUE_EXCERPT_CHARS - 1)}…` : text;
}
