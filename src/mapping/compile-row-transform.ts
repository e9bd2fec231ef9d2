// Turns a mapping into a fast row function: converters, const cells and column positions are worked
// out once, so each ERP row costs a copy of the const cells and one pass over the column fields. The
// converters take the common Postgres shapes on fast paths; test/unit/mapping/reference/ holds the code
// before them, which the fast paths must match exactly (transform-matches-reference.test.ts).
import { encodeKey } from './encode-key.ts';
import type { CellValue, ColumnIndex, MappedField, RowProblem, RowTransform, RowTransformResult, SourceRow, SyncMapping } from './mapping-types.ts';
import { CLEAR, SKIP } from './mapping-types.ts';
import { createTemporalFormatter } from './temporal-text.ts';
import type { TemporalFormatter } from './temporal-text.ts';
import type { FieldConverter } from './value-converters.ts';
import { createFieldConverter, isConversionFailure } from './value-converters.ts';

const VALUE_EXCERPT_CHARS = 80;
/** Shared by every row without a problem; frozen, so no caller can add to another row's list. */
const NO_PROBLEMS: readonly RowProblem[] = Object.freeze([]);

interface CompiledPlans {
  readonly plans: readonly FieldPlan[];
  readonly constCells: readonly CellValue[];
  /** Indexes of the fields read from a column, in field order. */
  readonly columnFields: readonly number[];
}

interface FieldPlan {
  readonly field: MappedField;
  /** Set for a const: the same cell for every row. */
  readonly constCell?: CellValue;
  readonly convert: FieldConverter;
  readonly nullCell: CellValue;
  /** A text field without limits: a non-empty string value is its own cell, no converter call needed. */
  readonly textAsIs: boolean;
}

/**
 * A row's result. `key` is worked out only when read: the engine keys rows from their normalized key
 * values instead, so encoding every row's key here would be wasted work.
 */
class TransformedRow implements RowTransformResult {
  constructor(
    readonly ok: boolean,
    readonly keyValues: readonly string[],
    readonly cells: readonly CellValue[],
    readonly problems: readonly RowProblem[],
    private readonly keyComplete: boolean,
  ) {}

  get key(): string {
    return this.keyComplete ? encodeKey(this.keyValues) : '';
  }
}

export function compileRowTransform(mapping: SyncMapping): RowTransform {
  const temporal = createTemporalFormatter(mapping.timezone);
  const plans = mapping.fields.map((field) => planField(field, temporal));
  const keyIndexes = mapping.keyFieldIndexes;
  const compiled: CompiledPlans = {
    plans,
    // Every row starts as a copy of the const cells; only the column fields are then visited.
    constCells: plans.map((plan) => plan.constCell ?? SKIP),
    columnFields: plans.flatMap((plan, index) => (plan.constCell === undefined ? [index] : [])),
  };
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
    return transformRow(compiled, keyIndexes, row, positions);
  };
}

function planField(field: MappedField, temporal: TemporalFormatter): FieldPlan {
  const convert = createFieldConverter(field, temporal);
  const nullCell: CellValue = field.onNull === 'clear' ? CLEAR : SKIP;
  const textAsIs = field.type === 'string' && field.maxLength === undefined && field.spec.allowedValues === undefined;
  if (field.column !== undefined) return { field, convert, nullCell, textAsIs };
  const constValue = field.constValue ?? null;
  const converted = constValue === null ? undefined : convert(constValue);
  if (isConversionFailure(converted)) {
    // parseMapping checks every const with this converter; reaching here means a hand-built mapping.
    throw new Error(`sync mapping ${field.path}: const ${String(constValue)} is invalid: ${converted.reason}`);
  }
  return { field, convert, nullCell, textAsIs, constCell: converted ?? nullCell };
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

function transformRow(compiled: CompiledPlans, keyIndexes: readonly number[], row: SourceRow, positions: readonly number[]): RowTransformResult {
  const { plans, columnFields } = compiled;
  const isArrayRow = Array.isArray(row);
  const cells = compiled.constCells.slice();
  let problems: RowProblem[] | undefined;
  for (let column = 0; column < columnFields.length; column += 1) {
    const index = columnFields[column] as number;
    const plan = plans[index] as FieldPlan;
    const value = isArrayRow ? (row as readonly unknown[])[positions[index] ?? -1] : (row as Readonly<Record<string, unknown>>)[plan.field.column ?? ''];
    if (plan.textAsIs && typeof value === 'string' && value.length > 0) {
      cells[index] = value;
      continue;
    }
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
  return finishRow(plans, keyIndexes, row, positions, cells, problems);
}

function finishRow(plans: readonly FieldPlan[], keyIndexes: readonly number[], row: SourceRow, positions: readonly number[], cells: CellValue[], found: RowProblem[] | undefined): RowTransformResult {
  let problems = found;
  // Sized up front: a growing [] gets a backing store for 17 values on its first push.
  const keyValues = new Array<string>(keyIndexes.length);
  let keyCount = 0;
  for (let key = 0; key < keyIndexes.length; key += 1) {
    const fieldIndex = keyIndexes[key] as number;
    const cell = cells[fieldIndex];
    const field = (plans[fieldIndex] as FieldPlan).field;
    if (typeof cell === 'string' && !isBlank(cell)) {
      keyValues[keyCount] = cell;
      keyCount += 1;
    } else if (problems === undefined || !problems.some((problem) => problem.field === field.name)) {
      const value = field.column === undefined ? null : Array.isArray(row) ? (row as readonly unknown[])[positions[fieldIndex] ?? -1] : (row as Readonly<Record<string, unknown>>)[field.column];
      (problems ??= []).push(rowProblem(field, value, 'key is null'));
    }
  }
  if (keyCount < keyValues.length) keyValues.length = keyCount;
  return new TransformedRow(problems === undefined, keyValues, cells, problems ?? NO_PROBLEMS, keyCount === keyIndexes.length);
}

/** cell.trim() === '', without trimming when the first character is printable ASCII (the usual key). */
function isBlank(cell: string): boolean {
  const first = cell.charCodeAt(0);
  return first > 0x20 && first < 0x7f ? false : cell.trim().length === 0;
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
