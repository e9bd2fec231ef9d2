// Reference copy (oracle) of src/diff/normalize-value.ts as of 19f38c0, before the speed rewrite; kept verbatim
// (only the imports point here) so the differential test can prove the rewrite gives byte-identical output.

// Normalization for comparison: Kibo's export dialect and the mapping's transform output must meet
// in one form per field kind, so an unchanged value never reads as changed. This is the engine's own
// code on purpose: the emulator re-formats with separate code, so a shared bug cannot hide itself.
import type { FieldValueKind } from '../../../../src/kibo/resources/resource-types.ts';
import { normalizeDateTime } from './reference-normalize-date-time.ts';

export interface ComparableField {
  readonly name: string;
  readonly kind: FieldValueKind;
  /** Decimals Kibo keeps for decimal/money fields; both sides are rounded to it before comparing. */
  readonly scale?: number;
  readonly listSeparator?: string;
  readonly listUnordered?: boolean;
}

/** Prefix of a value that could not be read as its kind: it compares by exact text, never throws. */
export const UNPARSABLE_PREFIX = 'raw:';

/** Kibo exports money with 4 decimals; a money field without an explicit scale is compared at 4. */
export const MONEY_DEFAULT_SCALE = 4;

/** Separator assumed for a list field whose registry entry names none. */
export const DEFAULT_LIST_SEPARATOR = ',';

// Exponents beyond this are not prices or quantities; refusing them keeps the digit strings bounded.
const MAX_DECIMAL_EXPONENT = 400;
const DECIMAL_PATTERN = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const TRUE_SPELLINGS = new Set(['true', 'yes', 'y', 't', '1']);
const FALSE_SPELLINGS = new Set(['false', 'no', 'n', 'f', '0']);
// Joins normalized list items; a unit separator cannot come from a CSV cell's visible text.
const LIST_ITEM_JOINER = '\u001f';

/**
 * The comparable form of one cell. `undefined` means no value (blank cell). Never throws: a value
 * that does not parse as the field's kind becomes `raw:<text>`, which differs from every parsed form.
 */
export function normalizeValue(field: ComparableField, raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (field.kind === 'string') return raw.replace(/\r\n/g, '\n');
  const text = raw.trim();
  if (text === '') return undefined;
  switch (field.kind) {
    case 'integer':
      return normalizeDecimal(text, undefined);
    case 'decimal':
      return normalizeDecimal(text, field.scale);
    case 'money':
      return normalizeDecimal(text, field.scale ?? MONEY_DEFAULT_SCALE);
    case 'boolean':
      return normalizeBoolean(text);
    case 'date':
    case 'datetime':
      return normalizeDateTime(text, field.kind) ?? UNPARSABLE_PREFIX + text;
    case 'list':
      return normalizeList(raw, field.listSeparator ?? DEFAULT_LIST_SEPARATOR, field.listUnordered ?? false);
  }
}

function normalizeBoolean(text: string): string {
  const lower = text.toLowerCase();
  if (TRUE_SPELLINGS.has(lower)) return 'true';
  if (FALSE_SPELLINGS.has(lower)) return 'false';
  return UNPARSABLE_PREFIX + text;
}

/**
 * Items trimmed (separators are often followed by a space), blanks dropped; an unordered list becomes
 * a sorted set. `undefined` when no item is left, like a blank cell.
 */
function normalizeList(raw: string, separator: string, unordered: boolean): string | undefined {
  const items = raw
    .split(separator)
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0) return undefined;
  if (!unordered) return items.join(LIST_ITEM_JOINER);
  return [...new Set(items)].sort().join(LIST_ITEM_JOINER);
}

/**
 * Canonical decimal text: no leading or trailing zeros, no exponent, '-' only for non-zero values;
 * rounded half away from zero to `scale` decimals when given (how Kibo stores a longer value). Exact
 * digit arithmetic, never through a float: '0.1' stays '0.1'.
 */
export function normalizeDecimal(text: string, scale: number | undefined): string {
  const parsed = parseDecimalDigits(text);
  if (parsed === undefined) return UNPARSABLE_PREFIX + text;
  let { digits, exponent } = parsed;
  if (scale !== undefined && -exponent > scale) {
    ({ digits, exponent } = roundHalfAwayFromZero(digits, exponent, scale));
  }
  ({ digits, exponent } = stripZeros(digits, exponent));
  if (digits === '0') return '0';
  return (parsed.negative ? '-' : '') + placeDecimalPoint(digits, exponent);
}

interface DecimalDigits {
  readonly negative: boolean;
  /** The value is `digits × 10^exponent`. */
  readonly digits: string;
  readonly exponent: number;
}

function parseDecimalDigits(text: string): DecimalDigits | undefined {
  const match = DECIMAL_PATTERN.exec(text);
  if (match === null) return undefined;
  const [, sign, whole = '', fraction = '', exponentText] = match;
  if (whole === '' && fraction === '') return undefined;
  const exponent = (exponentText === undefined ? 0 : Number(exponentText)) - fraction.length;
  if (Math.abs(exponent) > MAX_DECIMAL_EXPONENT) return undefined;
  return { negative: sign === '-', digits: whole + fraction, exponent };
}

function roundHalfAwayFromZero(digits: string, exponent: number, scale: number): { digits: string; exponent: number } {
  const dropCount = -exponent - scale;
  const keep = digits.length > dropCount ? digits.slice(0, digits.length - dropCount) : '0';
  const firstDropped = digits.length >= dropCount ? digits.charAt(digits.length - dropCount) : '0';
  const rounded = firstDropped >= '5' ? incrementDigits(keep) : keep;
  return { digits: rounded, exponent: -scale };
}

function incrementDigits(digits: string): string {
  const chars = digits.split('');
  for (let i = chars.length - 1; i >= 0; i -= 1) {
    if (chars[i] !== '9') {
      chars[i] = String(Number(chars[i]) + 1);
      return chars.join('');
    }
    chars[i] = '0';
  }
  return '1' + chars.join('');
}

function stripZeros(digits: string, exponent: number): { digits: string; exponent: number } {
  const leading = digits.replace(/^0+/, '');
  if (leading === '') return { digits: '0', exponent: 0 };
  const trimmed = leading.replace(/0+$/, '');
  return { digits: trimmed, exponent: exponent + (leading.length - trimmed.length) };
}

function placeDecimalPoint(digits: string, exponent: number): string {
  if (exponent >= 0) return digits + '0'.repeat(exponent);
  const pointAt = digits.length + exponent;
  if (pointAt > 0) return `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  return `0.${'0'.repeat(-pointAt)}${digits}`;
}
