// Reference copy (verbatim, only import paths changed) of src/mapping as of 6d2215c, before the fast paths:
// the oracle of reference-transform.test.ts. Never edit it to match new behaviour.
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
