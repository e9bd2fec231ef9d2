// Exact decimal arithmetic on text, so money never passes through a binary float: `170.0000`,
// `170`, `1.7E+2` and `170.` all canonicalize to `170`, and export rounding is half away from zero.

/** Exponents beyond this are not prices or quantities; refusing them keeps canonical strings short. */
const MAX_DECIMAL_EXPONENT = 40;

const DECIMAL_PATTERN = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/u;

/**
 * The canonical text of a decimal number (`-3`, `170.5`, `9780000000000`, `0`), or undefined when
 * the text is not a plain decimal (`abc`, `1,5`, `1e999`). Accepts Excel's `9.78E+12` notation.
 */
export function canonicalizeDecimal(text: string): string | undefined {
  const match = DECIMAL_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const [, sign = '', integerDigits = '', fractionDigits = '', exponentText = '0'] = match;
  if (integerDigits.length + fractionDigits.length === 0) return undefined;
  const exponent = Number(exponentText);
  if (Math.abs(exponent) > MAX_DECIMAL_EXPONENT) return undefined;
  const digits = integerDigits + fractionDigits;
  const pointAt = integerDigits.length + exponent;
  const padded = pointAt > digits.length ? digits.padEnd(pointAt, '0') : digits;
  const leftPad = pointAt < 0 ? '0'.repeat(-pointAt) : '';
  const whole = (pointAt <= 0 ? '' : padded.slice(0, pointAt)).replace(/^0+/u, '') || '0';
  const fraction = (leftPad + (pointAt <= 0 ? padded : padded.slice(pointAt))).replace(/0+$/u, '');
  const magnitude = fraction.length > 0 ? `${whole}.${fraction}` : whole;
  return magnitude === '0' || sign !== '-' ? magnitude : `-${magnitude}`;
}

/** A canonical decimal as a scaled integer: `170.5` at scale 4 → 1705000n (half away from zero). */
function toScaledInteger(canonical: string, scale: number): bigint {
  const negative = canonical.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? canonical.slice(1) : canonical).split('.');
  const kept = fraction.slice(0, scale).padEnd(scale, '0');
  let scaled = BigInt(whole + kept);
  if ((fraction[scale] ?? '0') >= '5') scaled += 1n;
  return negative ? -scaled : scaled;
}

/** `170` at scale 4 → `170.0000`; `1.23456` at scale 4 → `1.2346`; scale 0 → an integer. */
export function formatDecimalFixed(canonical: string, scale: number): string {
  const scaled = toScaledInteger(canonical, scale);
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const text = scale > 0 ? `${whole}.${digits.slice(digits.length - scale)}` : whole;
  return negative ? `-${text}` : text;
}

/** Orders two canonical decimals numerically. */
export function compareDecimals(left: string, right: string): number {
  const scale = Math.max(fractionLength(left), fractionLength(right));
  const difference = toScaledInteger(left, scale) - toScaledInteger(right, scale);
  return difference === 0n ? 0 : difference < 0n ? -1 : 1;
}

function fractionLength(canonical: string): number {
  const point = canonical.indexOf('.');
  return point < 0 ? 0 : canonical.length - point - 1;
}
