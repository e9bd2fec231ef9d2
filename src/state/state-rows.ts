// Conversions between database rows and records: nulls to undefined, int8 strings to numbers,
// camelCase counts to the snake_case keys stored in jsonb and columns.
import { RUN_COUNT_NAMES, RUN_COUNT_SNAKE_NAMES as COUNT_COLUMNS, type RunCounts } from './state-types.ts';

export function optionalString(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

export function optionalNumber(value: unknown): number | undefined {
  return value === null || value === undefined ? undefined : Number(value);
}

export function optionalDate(value: unknown): Date | undefined {
  return value === null || value === undefined ? undefined : toDate(value);
}

export function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

/** Only the counts given, under their stored (snake_case) names. */
export function formatCountsForStorage(counts: Partial<RunCounts>): Record<string, number> {
  const stored: Record<string, number> = {};
  for (const name of RUN_COUNT_NAMES) {
    const value = counts[name];
    if (value !== undefined) stored[COUNT_COLUMNS[name]] = assertCount(name, value);
  }
  return stored;
}

/** Every count, zero where not given: the shape of run_resources' columns. */
export function formatCountColumns(counts: Partial<RunCounts>): Record<string, number> {
  const columns: Record<string, number> = {};
  for (const name of RUN_COUNT_NAMES) columns[COUNT_COLUMNS[name]] = assertCount(name, counts[name] ?? 0);
  return columns;
}

export function parseStoredCounts(stored: unknown): Partial<RunCounts> {
  const source = (stored ?? {}) as Record<string, unknown>;
  const counts: Partial<Record<keyof RunCounts, number>> = {};
  for (const name of RUN_COUNT_NAMES) {
    const value = source[COUNT_COLUMNS[name]];
    if (value !== undefined && value !== null) counts[name] = Number(value);
  }
  return counts;
}

export function parseCountColumns(row: Record<string, unknown>): RunCounts {
  const counts = parseStoredCounts(row);
  return {
    source: counts.source ?? 0,
    exported: counts.exported ?? 0,
    added: counts.added ?? 0,
    changed: counts.changed ?? 0,
    unchanged: counts.unchanged ?? 0,
    removed: counts.removed ?? 0,
    deleted: counts.deleted ?? 0,
    rejectedByUs: counts.rejectedByUs ?? 0,
    rejectedByKibo: counts.rejectedByKibo ?? 0,
  };
}

function assertCount(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`Run count "${name}" must be a whole number of rows, not ${value}.`);
  }
  return value;
}
