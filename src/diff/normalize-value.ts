// Normalization for comparison: Kibo's export dialect and the mapping's transform output must meet
// in one form per field kind, so an unchanged value never reads as changed. This is the engine's own
// code on purpose: the emulator re-formats with separate code, so a shared bug cannot hide itself.
// It runs for every compared cell of every row on both sides (19M calls for 1M products), so each kind
// has a fast path for the shapes both sides actually write and falls back to the general code for
// anything else; test/unit/diff/normalize-value.differential.test.ts proves the output is unchanged.
import type { FieldValueKind } from '../kibo/resources/resource-types.ts';
import { normalizeDateTime } from './normalize-date-time.ts';

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
const SPACE = 32;
const DELETE = 127;
const DIGIT_0 = 48;
const DIGIT_5 = 53;
const DIGIT_9 = 57;
const PLUS = 43;
const MINUS = 45;
const POINT = 46;
const TRUE_SPELLINGS = new Set(['true', 'yes', 'y', 't', '1']);
const FALSE_SPELLINGS = new Set(['false', 'no', 'n', 'f', '0']);
// Joins normalized list items; a unit separator cannot come from a CSV cell's visible text.
const LIST_ITEM_JOINER = '\u001f';
const INSERTION_SORT_MAX_ITEMS = 16;

/**
 * The comparable form of one cell. `undefined` means no value (blank cell). Never throws: a value
 * that does not parse as the field's kind becomes `raw:<text>`, which differs from every parsed form.
 */
export function normalizeValue(field: ComparableField, raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (field.kind === 'string') return raw.indexOf('\r') === -1 ? raw : raw.replace(/\r\n/g, '\n');
  const text = trimCellText(raw);
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
      return normalizeList(raw, text, field.listSeparator ?? DEFAULT_LIST_SEPARATOR, field.listUnordered ?? false);
  }
}

/**
 * `text.trim()`, without the call when both ends are printable ASCII (every character trim removes
 * is a control character, a space, or beyond U+007F), which is nearly every cell.
 */
export function trimCellText(text: string): string {
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(text.length - 1);
  return first > SPACE && first < DELETE && last > SPACE && last < DELETE ? text : text.trim();
}

function normalizeBoolean(text: string): string {
  // The spellings the two sides write, before a lower-casing copy of the text.
  switch (text) {
    case 'True':
    case 'Yes':
    case 'true':
    case 'TRUE':
    case 't':
    case '1':
      return 'true';
    case 'False':
    case 'No':
    case 'false':
    case 'FALSE':
    case 'f':
    case '0':
      return 'false';
  }
  const lower = text.toLowerCase();
  if (TRUE_SPELLINGS.has(lower)) return 'true';
  if (FALSE_SPELLINGS.has(lower)) return 'false';
  return UNPARSABLE_PREFIX + text;
}

/**
 * Items trimmed (separators are often followed by a space), blanks dropped; an unordered list becomes
 * a sorted set. `undefined` when no item is left, like a blank cell.
 */
function normalizeList(raw: string, text: string, separator: string, unordered: boolean): string | undefined {
  if (separator.length !== 1) return normalizeListBySplit(raw, separator, unordered);
  // One item (most cells): it is the trimmed cell.
  if (raw.indexOf(separator) === -1) return text;
  const items: string[] = [];
  for (let start = 0; ; ) {
    const end = raw.indexOf(separator, start);
    const item = trimCellText(raw.slice(start, end === -1 ? raw.length : end));
    if (item !== '') items.push(item);
    if (end === -1) break;
    start = end + 1;
  }
  if (unordered && items.length > 1) sortUniqueItems(items);
  if (items.length <= 1) return items[0];
  return items.join(LIST_ITEM_JOINER);
}

/**
 * In place, what `[...new Set(items)].sort()` gives (code-unit order, like `<`): insertion sort for
 * the handful of items a cell holds, the built-in sort beyond that; then duplicates dropped.
 */
function sortUniqueItems(items: string[]): void {
  if (items.length > INSERTION_SORT_MAX_ITEMS) {
    items.sort();
  } else {
    for (let index = 1; index < items.length; index += 1) {
      const item = items[index]!;
      let at = index;
      for (; at > 0 && item < items[at - 1]!; at -= 1) items[at] = items[at - 1]!;
      items[at] = item;
    }
  }
  let kept = 1;
  for (let index = 1; index < items.length; index += 1) {
    if (items[index] !== items[kept - 1]) items[kept++] = items[index]!;
  }
  items.length = kept;
}

/** The general path: any separator, including multi-character ones and '' (splits into characters). */
function normalizeListBySplit(raw: string, separator: string, unordered: boolean): string | undefined {
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
  return normalizePlainDecimal(text, scale) ?? normalizeAnyDecimal(text, scale);
}

/**
 * The shape both sides write, `[+-]digits[.digits]`, scanned once: the canonical text is a slice of
 * the input (or two). `undefined` hands everything else to the general path: exponents, other
 * characters, no digits, fractions past MAX_DECIMAL_EXPONENT, a negative or fractional scale, and a
 * rounding that carries upward (rare: a value with more decimals than the scale, rounded up).
 */
function normalizePlainDecimal(text: string, scale: number | undefined): string | undefined {
  if (scale !== undefined && !(Number.isInteger(scale) && scale >= 0)) return undefined;
  const first = text.charCodeAt(0);
  const negative = first === MINUS;
  const wholeStart = negative || first === PLUS ? 1 : 0;
  const wholeEnd = skipDigits(text, wholeStart);
  let fractionEnd = wholeEnd;
  if (wholeEnd < text.length) {
    if (text.charCodeAt(wholeEnd) !== POINT) return undefined;
    fractionEnd = skipDigits(text, wholeEnd + 1);
    if (fractionEnd < text.length) return undefined;
  }
  const fractionStart = Math.min(wholeEnd + 1, fractionEnd);
  const fractionLength = fractionEnd - fractionStart;
  if ((wholeEnd === wholeStart && fractionLength === 0) || fractionLength > MAX_DECIMAL_EXPONENT) return undefined;
  if (scale !== undefined && fractionLength > scale) {
    if (text.charCodeAt(fractionStart + scale) >= DIGIT_5) return undefined;
    fractionEnd = fractionStart + scale;
  }
  return formatCanonicalSlices(text, negative, wholeStart, wholeEnd, fractionStart, fractionEnd);
}

function skipDigits(text: string, from: number): number {
  let index = from;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code < DIGIT_0 || code > DIGIT_9) break;
    index += 1;
  }
  return index;
}

/** Whole digits without leading zeros ('0' when none), fraction digits without trailing zeros. */
function formatCanonicalSlices(text: string, negative: boolean, wholeStart: number, wholeEnd: number, fractionStart: number, fractionEnd: number): string {
  let integerStart = wholeStart;
  while (integerStart < wholeEnd && text.charCodeAt(integerStart) === DIGIT_0) integerStart += 1;
  let significantEnd = fractionEnd;
  while (significantEnd > fractionStart && text.charCodeAt(significantEnd - 1) === DIGIT_0) significantEnd -= 1;
  const hasFraction = significantEnd > fractionStart;
  if (integerStart === wholeEnd) {
    if (!hasFraction) return '0';
    return (negative ? '-0.' : '0.') + text.slice(fractionStart, significantEnd);
  }
  const end = hasFraction ? significantEnd : wholeEnd;
  // The sign is the text's first character: keep it in the slice when no zero or '+' sits between.
  if (negative && integerStart === 1) return text.slice(0, end);
  return negative ? '-' + text.slice(integerStart, end) : text.slice(integerStart, end);
}

/** The general path: any text the pattern accepts, exponents included, in exact digit arithmetic. */
function normalizeAnyDecimal(text: string, scale: number | undefined): string {
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
