// Exact decimal arithmetic on text: parsing, canonical form, half-up rounding. Values never pass
// through a JS number, so '0.1', '170.50' and 30-digit ERP numerics come out exactly as written.

/** A decimal as sign + integer digits + fraction digits, with no exponent left. */
export interface DecimalText {
  readonly negative: boolean;
  /** Integer digits without leading zeros ('' for zero). */
  readonly integer: string;
  /** Fraction digits without trailing zeros ('' for none). */
  readonly fraction: string;
}

/** Exponents beyond this would expand into absurdly long digit strings: refused as a problem. */
export const MAX_DECIMAL_EXPONENT = 1000;

const DECIMAL_PATTERN = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Parses '170.50', '-0.5', '.5', '5.', '+12', Excel's '9.78E+12' (surrounding whitespace ignored).
 * Returns undefined for anything else ('abc', '1,5', '', 'NaN', 'Infinity').
 */
export function parseDecimalText(text: string): DecimalText | undefined {
  const match = DECIMAL_PATTERN.exec(text.trim());
  if (match === null) return undefined;
  const [, sign = '', integerDigits = '', fractionDigits = '', exponentText] = match;
  if (integerDigits.length === 0 && fractionDigits.length === 0) return undefined;
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > MAX_DECIMAL_EXPONENT) return undefined;
  const digits = integerDigits + fractionDigits;
  const point = integerDigits.length + exponent;
  let integer: string;
  let fraction: string;
  if (point <= 0) {
    integer = '';
    fraction = '0'.repeat(-point) + digits;
  } else if (point >= digits.length) {
    integer = digits + '0'.repeat(point - digits.length);
    fraction = '';
  } else {
    integer = digits.slice(0, point);
    fraction = digits.slice(point);
  }
  integer = integer.replace(/^0+/, '');
  fraction = fraction.replace(/0+$/, '');
  const isZero = integer.length === 0 && fraction.length === 0;
  return { negative: sign === '-' && !isZero, integer, fraction };
}

/** Shortest exact text: no exponent, no leading or trailing zeros, never '-0'. */
export function formatDecimalCanonical(value: DecimalText): string {
  const integer = value.integer.length === 0 ? '0' : value.integer;
  const body = value.fraction.length === 0 ? integer : `${integer}.${value.fraction}`;
  return value.negative ? `-${body}` : body;
}

/**
 * Exactly `scale` decimals, rounding half away from zero ('2.345' → '2.35', '-2.345' → '-2.35'),
 * the commercial "half-up" rounding; a result that rounds to zero is written without a sign.
 */
export function formatDecimalWithScale(value: DecimalText, scale: number): string {
  let integer = value.integer;
  let fraction = value.fraction;
  if (fraction.length > scale) {
    const roundUp = (fraction.charCodeAt(scale) - 48) >= 5;
    fraction = fraction.slice(0, scale);
    if (roundUp) {
      const incremented = incrementDigits(integer + fraction);
      const integerLength = incremented.length - scale;
      integer = incremented.slice(0, integerLength);
      fraction = incremented.slice(integerLength);
    }
  } else {
    fraction = fraction.padEnd(scale, '0');
  }
  integer = integer.replace(/^0+/, '');
  const isZero = integer.length === 0 && /^0*$/.test(fraction);
  const body = `${integer.length === 0 ? '0' : integer}${scale > 0 ? `.${fraction}` : ''}`;
  return value.negative && !isZero ? `-${body}` : body;
}

/** Whether the value has no fractional part. */
export function isIntegralDecimal(value: DecimalText): boolean {
  return value.fraction.length === 0;
}

function incrementDigits(digits: string): string {
  const out = digits.split('');
  for (let index = out.length - 1; index >= 0; index -= 1) {
    if (out[index] === '9') {
      out[index] = '0';
    } else {
      out[index] = String.fromCharCode((out[index] ?? '0').charCodeAt(0) + 1);
      return out.join('');
    }
  }
  return `1${out.join('')}`;
}

// Fast path: what Postgres and most ERPs print ('170.50', '-3', '0012.5', '.5'), read in one scan of char
// codes instead of the regex, the DecimalText object and the replace/pad calls above. Anything else
// (spaces, exponents, stray characters) is left to parseDecimalText, which also words the failures.

const CHAR_0 = 48;
const CHAR_5 = 53;
const CHAR_9 = 57;
const CHAR_PLUS = 43;
const CHAR_MINUS = 45;
const CHAR_POINT = 46;

/** Positions in the text of a plain decimal: [sign][integer digits][.fraction digits]. */
interface PlainDecimal {
  readonly negative: boolean;
  readonly signed: boolean;
  /** First integer digit that is not a leading zero (= integerEnd when the integer part is zero). */
  readonly integerStart: number;
  readonly integerEnd: number;
  /** Just after the point (= text.length when there is no point). */
  readonly fractionStart: number;
  /** Just after the last non-zero fraction digit (= fractionStart when there is none). */
  readonly fractionEnd: number;
  readonly hasPoint: boolean;
}

function scanPlainDecimal(text: string): PlainDecimal | undefined {
  const length = text.length;
  const first = text.charCodeAt(0);
  const signed = first === CHAR_MINUS || first === CHAR_PLUS;
  let index = signed ? 1 : 0;
  const digitsStart = index;
  let integerStart = -1;
  for (; index < length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === CHAR_POINT) break;
    if (code < CHAR_0 || code > CHAR_9) return undefined;
    if (integerStart < 0 && code !== CHAR_0) integerStart = index;
  }
  const integerEnd = index;
  const hasPoint = index < length;
  const fractionStart = hasPoint ? index + 1 : length;
  let fractionEnd = fractionStart;
  for (index = fractionStart; index < length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < CHAR_0 || code > CHAR_9) return undefined;
    if (code !== CHAR_0) fractionEnd = index + 1;
  }
  if (integerEnd === digitsStart && fractionStart === length) return undefined; // no digit at all: '', '-', '.'
  if (integerStart < 0) integerStart = integerEnd;
  const isZero = integerStart === integerEnd && fractionEnd === fractionStart;
  return { negative: first === CHAR_MINUS && !isZero, signed, integerStart, integerEnd, fractionStart, fractionEnd, hasPoint };
}

/**
 * formatDecimalCanonical/formatDecimalWithScale of parseDecimalText(text), for plain decimal text only;
 * undefined for any other text (the caller then takes the general path). `wholeOnly` (integers) also
 * gives undefined when the value has a fraction, so that path words the failure.
 */
export function formatPlainDecimal(text: string, scale: number | undefined, wholeOnly = false): string | undefined {
  if (scale !== undefined && isScaledDecimalText(text, scale)) return text;
  const plain = scanPlainDecimal(text);
  if (plain === undefined) return undefined;
  const fractionDigits = plain.fractionEnd - plain.fractionStart;
  if (wholeOnly && fractionDigits > 0) return undefined;
  if (scale === undefined) {
    if (!plain.signed && plain.integerStart === 0 && !plain.hasPoint && plain.integerEnd > 0) return text; // already canonical
    const integer = plain.integerStart === plain.integerEnd ? '0' : text.slice(plain.integerStart, plain.integerEnd);
    const body = fractionDigits === 0 ? integer : `${integer}.${text.slice(plain.fractionStart, plain.fractionEnd)}`;
    return plain.negative ? `-${body}` : body;
  }
  if (fractionDigits > scale) return formatRoundedPlainDecimal(text, plain, scale);
  if (isAlreadyScaled(text, plain, scale)) return text;
  const integer = plain.integerStart === plain.integerEnd ? '0' : text.slice(plain.integerStart, plain.integerEnd);
  const body = scale === 0 ? integer : `${integer}.${text.slice(plain.fractionStart, plain.fractionEnd)}${'0'.repeat(scale - fractionDigits)}`;
  return plain.negative ? `-${body}` : body;
}

/**
 * What a numeric(p, scale) column prints ('170.50', '-3.000', '0.25'): then the text is its own output.
 * Checked without allocating, since it is by far the most common case.
 */
function isScaledDecimalText(text: string, scale: number): boolean {
  const length = text.length;
  const pointAt = scale === 0 ? length : length - scale - 1;
  const negative = text.charCodeAt(0) === CHAR_MINUS;
  const integerStart = negative ? 1 : 0;
  if (pointAt <= integerStart || (pointAt - integerStart > 1 && text.charCodeAt(integerStart) === CHAR_0)) return false;
  let nonZero = false;
  for (let index = integerStart; index < length; index += 1) {
    const code = text.charCodeAt(index);
    if (index === pointAt) {
      if (code !== CHAR_POINT) return false;
    } else if (code < CHAR_0 || code > CHAR_9) {
      return false;
    } else if (code !== CHAR_0) {
      nonZero = true;
    }
  }
  return nonZero || !negative; // '-0.00' is written '0.00'
}

/** The text is exactly its own output: no '+', no '-0', no leading zero, `scale` fraction digits. */
function isAlreadyScaled(text: string, plain: PlainDecimal, scale: number): boolean {
  if (plain.signed && !plain.negative) return false;
  const integerDigits = plain.integerEnd - (plain.signed ? 1 : 0);
  const integerOk = plain.integerStart < plain.integerEnd ? integerDigits === plain.integerEnd - plain.integerStart : integerDigits === 1;
  return integerOk && (scale === 0 ? !plain.hasPoint : text.length - plain.fractionStart === scale);
}

/** More fraction digits than `scale`: keep `scale` of them, adding one unit when the next digit is 5 or more. */
function formatRoundedPlainDecimal(text: string, plain: PlainDecimal, scale: number): string {
  const kept = text.slice(plain.integerStart, plain.integerEnd) + text.slice(plain.fractionStart, plain.fractionStart + scale);
  const roundUp = text.charCodeAt(plain.fractionStart + scale) >= CHAR_5;
  let digits = kept;
  if (roundUp) {
    let last = kept.length - 1;
    while (last >= 0 && kept.charCodeAt(last) === CHAR_9) last -= 1;
    const zeros = '0'.repeat(kept.length - 1 - last);
    digits = last < 0 ? `1${zeros}` : `${kept.slice(0, last)}${String.fromCharCode(kept.charCodeAt(last) + 1)}${zeros}`;
  }
  const integerLength = digits.length - scale;
  const integer = integerLength === 0 ? '0' : digits.slice(0, integerLength);
  const body = scale === 0 ? integer : `${integer}.${digits.slice(integerLength)}`;
  const isZero = !roundUp && /^[0.]*$/.test(body);
  return plain.negative && !isZero ? `-${body}` : body;
}
