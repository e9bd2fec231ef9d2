// One converter per mapped field, built once per mapping: ERP value (raw pg text or a JS value, never
// null here) → the exact CSV cell text, or a failure reason. Null handling (onNull) is the caller's.
import type { BooleanSpelling } from '../kibo/resources/resource-types.ts';
import { formatDecimalCanonical, formatDecimalWithScale, formatPlainDecimal, isIntegralDecimal, parseDecimalText } from './decimal-text.ts';
import type { MappedField } from './mapping-types.ts';
import { joinPlainPgArrayText, parsePgArrayText } from './pg-array-text.ts';
import type { TemporalFormatter } from './temporal-text.ts';

export interface ConversionFailure {
  readonly reason: string;
}

/** `undefined` means "no value" (blank text, empty list): the caller applies onNull. */
export type FieldConverter = (value: unknown) => string | undefined | ConversionFailure;

const BOOLEAN_WORDS: ReadonlyMap<string, boolean> = new Map([
  ['t', true], ['true', true], ['yes', true], ['y', true], ['1', true],
  ['f', false], ['false', false], ['no', false], ['n', false], ['0', false],
]);

/** Distinct plain list texts remembered per list field; beyond them, each value is joined again. */
const JOINED_LIST_CACHE_ENTRIES = 256;

const BOOLEAN_SPELLINGS: Readonly<Record<BooleanSpelling, readonly [string, string]>> = {
  'True/False': ['True', 'False'],
  'Yes/No': ['Yes', 'No'],
  'TRUE/FALSE': ['TRUE', 'FALSE'],
};

export function isConversionFailure(value: unknown): value is ConversionFailure {
  return typeof value === 'object' && value !== null && 'reason' in value;
}

export function createFieldConverter(field: MappedField, temporal: TemporalFormatter): FieldConverter {
  const base = createTypeConverter(field, temporal);
  const limits = createValueLimits(field);
  if (limits === undefined) return base;
  return (value) => {
    const cell = base(value);
    return typeof cell === 'string' ? limits(cell) : cell;
  };
}

function createTypeConverter(field: MappedField, temporal: TemporalFormatter): FieldConverter {
  switch (field.type) {
    case 'string':
      return convertString;
    case 'integer':
      return convertInteger;
    case 'decimal':
      return createDecimalConverter(field.scale);
    case 'boolean':
      return createBooleanConverter(field.booleanSpelling);
    case 'date':
      return (value) => toCell(temporal.formatDate(value));
    case 'datetime':
      return (value) => toCell(temporal.formatDateTime(value));
    case 'list':
      return createListConverter(field);
  }
}

/** maxLength applies to the final text; allowedValues to the text, or to each element of a list. */
function createValueLimits(field: MappedField): ((cell: string) => string | ConversionFailure) | undefined {
  const { maxLength } = field;
  const allowed = field.spec.allowedValues;
  if (maxLength === undefined && allowed === undefined) return undefined;
  // Enumerations match case-insensitively and are written in Kibo's spelling.
  const canonical = new Map((allowed ?? []).map((value) => [value.toLowerCase(), value]));
  const checkAllowed = (text: string): string | ConversionFailure =>
    canonical.get(text.toLowerCase()) ?? { reason: `not one of the allowed values ${(allowed ?? []).join(', ')}` };
  const separator = field.type === 'list' ? field.targetSeparator : undefined;
  return (cell) => {
    let text = cell;
    if (allowed !== undefined) {
      const elements = separator === undefined ? [text] : text.split(separator);
      const checked: string[] = [];
      for (const element of elements) {
        const result = checkAllowed(element);
        if (typeof result !== 'string') return result;
        checked.push(result);
      }
      text = checked.join(separator ?? '');
    }
    // UTF-16 units ≥ characters, so a text within the limit in units needs no count.
    if (maxLength !== undefined && text.length > maxLength) {
      const length = countCharacters(text);
      if (length > maxLength) return { reason: `${length} characters, more than the maximum ${maxLength}` };
    }
    return text;
  };
}

function convertString(value: unknown): string | undefined | ConversionFailure {
  if (typeof value === 'string') return value.length === 0 ? undefined : value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : { reason: 'not a finite number' };
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? { reason: 'invalid Date' } : value.toISOString();
  return { reason: `expected text, got ${describeType(value)}` };
}

function numericText(value: unknown): string | ConversionFailure {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : { reason: 'not a finite number' };
  return { reason: `expected a number, got ${describeType(value)}` };
}

function convertInteger(value: unknown): string | ConversionFailure {
  if (typeof value === 'string') {
    const plain = formatPlainDecimal(value, undefined, true);
    if (plain !== undefined) return plain;
  }
  const text = numericText(value);
  if (typeof text !== 'string') return text;
  const parsed = parseDecimalText(text);
  if (parsed === undefined) return { reason: 'not a number' };
  if (!isIntegralDecimal(parsed)) return { reason: 'not a whole number' };
  return formatDecimalCanonical(parsed);
}

function createDecimalConverter(scale: number | undefined): FieldConverter {
  return (value) => {
    if (typeof value === 'string') {
      const plain = formatPlainDecimal(value, scale);
      if (plain !== undefined) return plain;
    }
    const text = numericText(value);
    if (typeof text !== 'string') return text;
    const parsed = parseDecimalText(text);
    if (parsed === undefined) return { reason: 'not a decimal number (use digits, an optional sign, "." and an optional exponent)' };
    return scale === undefined ? formatDecimalCanonical(parsed) : formatDecimalWithScale(parsed, scale);
  };
}

function createBooleanConverter(spelling: BooleanSpelling): FieldConverter {
  const [yes, no] = BOOLEAN_SPELLINGS[spelling];
  return (value) => {
    // Postgres prints booleans as t/f: no trim, lower-casing or Map lookup for those.
    if (value === 't' || value === true) return yes;
    if (value === 'f' || value === false) return no;
    let flag: boolean | undefined;
    if (typeof value === 'boolean') flag = value;
    else if (typeof value === 'string') flag = BOOLEAN_WORDS.get(value.trim().toLowerCase());
    else if (typeof value === 'number' || typeof value === 'bigint') flag = value == 1 ? true : value == 0 ? false : undefined;
    if (flag === undefined) return { reason: 'not a boolean (use t/f, true/false, yes/no, y/n or 1/0)' };
    return flag ? yes : no;
  };
}

function createListConverter(field: MappedField): FieldConverter {
  const target = field.targetSeparator ?? ',';
  const explicitSource = field.sourceSeparator;
  const sourceSeparator = explicitSource ?? target;
  // List columns usually hold a few distinct arrays ('{DirectShip,InStorePickup}'): their joins are kept.
  const joinedTexts = new Map<string, string>();
  return (value) => {
    if (explicitSource === undefined && typeof value === 'string') {
      let plain = joinedTexts.get(value);
      if (plain === undefined) {
        plain = joinPlainPgArrayText(value, target);
        if (plain !== undefined && joinedTexts.size < JOINED_LIST_CACHE_ENTRIES) joinedTexts.set(value, plain);
      }
      if (plain !== undefined) return plain.length === 0 ? undefined : plain;
    }
    const elements = splitListValue(value, sourceSeparator, explicitSource === undefined);
    if (isConversionFailure(elements)) return elements;
    const texts: string[] = [];
    for (const element of elements) {
      if (element === null || element === undefined) continue;
      const text = convertString(element);
      if (text === undefined) continue;
      if (typeof text !== 'string') return text;
      if (text.includes(target)) return { reason: `the value ${JSON.stringify(text)} contains the list separator ${JSON.stringify(target)}` };
      texts.push(text);
    }
    return texts.length === 0 ? undefined : texts.join(target);
  };
}

/**
 * Arrays are taken as they are; '{…}' text is a Postgres array (unless the mapping names a
 * `separator`, which says the column is delimited text); other text is split on the separator,
 * each element trimmed (delimited text usually has spaces after the delimiter).
 */
function splitListValue(value: unknown, separator: string, acceptPgArray: boolean): readonly unknown[] | ConversionFailure {
  if (Array.isArray(value)) return value;
  if (typeof value !== 'string') return [value];
  if (acceptPgArray && value.startsWith('{') && value.endsWith('}')) {
    const parsed = parsePgArrayText(value);
    return parsed instanceof Error ? { reason: parsed.message } : parsed;
  }
  return value.split(separator).map((element) => element.trim());
}

function toCell(result: string | Error): string | ConversionFailure {
  return typeof result === 'string' ? result : { reason: result.message };
}

function countCharacters(text: string): number {
  let count = 0;
  for (const _char of text) count += 1;
  return count;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'binary data';
  return typeof value;
}
