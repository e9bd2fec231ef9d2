import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDecimalCanonical, formatDecimalWithScale, parseDecimalText } from '../../../src/mapping/decimal-text.ts';

const canonical = (text: string): string | undefined => {
  const parsed = parseDecimalText(text);
  return parsed === undefined ? undefined : formatDecimalCanonical(parsed);
};
const scaled = (text: string, scale: number): string | undefined => {
  const parsed = parseDecimalText(text);
  return parsed === undefined ? undefined : formatDecimalWithScale(parsed, scale);
};

/** Reference: the value times 10^shift as an exact BigInt (shift ≥ the text's decimals). */
function toScaledBigInt(text: string, shift: number): bigint {
  const negative = text.startsWith('-');
  const [integer = '', fraction = ''] = text.replace(/^[+-]/, '').split('.');
  const digits = BigInt((integer || '0') + fraction.padEnd(shift, '0'));
  return negative ? -digits : digits;
}

describe('parseDecimalText / formatDecimalCanonical', () => {
  it.each([
    ['170.50', '170.5'],
    ['0.1', '0.1'],
    ['-0.000', '0'],
    ['+12', '12'],
    ['.5', '0.5'],
    ['5.', '5'],
    ['007.0100', '7.01'],
    ['9.78E+12', '9780000000000'],
    ['1.5e-3', '0.0015'],
    ['-2E2', '-200'],
    ['123456789012345678901234567890.123456789', '123456789012345678901234567890.123456789'],
    [' 42 ', '42'],
  ])('%s → %s', (input, expected) => {
    expect(canonical(input)).toBe(expected);
  });

  it.each(['abc', '1,5', '', ' ', '.', 'NaN', 'Infinity', '1e', '1.2.3', '--1', '1e5000', '0x10'])('rejects %j', (input) => {
    expect(parseDecimalText(input)).toBeUndefined();
  });
});

describe('formatDecimalWithScale (round half away from zero)', () => {
  it.each([
    ['170.5', 2, '170.50'],
    ['170', 2, '170.00'],
    ['2.345', 2, '2.35'],
    ['2.344999', 2, '2.34'],
    ['-2.345', 2, '-2.35'],
    ['9.995', 2, '10.00'],
    ['99.5', 0, '100'],
    ['0.5', 0, '1'],
    ['0.4', 0, '0'],
    ['-0.004', 2, '0.00'],
    ['1.00000000000000000001', 4, '1.0000'],
    ['9.78E+12', 4, '9780000000000.0000'],
  ])('%s scale %i → %s', (input, scale, expected) => {
    expect(scaled(input, scale)).toBe(expected);
  });
});

const decimalString = fc
  .tuple(fc.constantFrom('', '-', '+'), fc.stringMatching(/^[0-9]{1,30}$/), fc.option(fc.stringMatching(/^[0-9]{0,30}$/), { nil: undefined }))
  .map(([sign, integer, fraction]) => `${sign}${integer}${fraction === undefined ? '' : `.${fraction}`}`);

describe('decimal properties', () => {
  it('canonical text is numerically identical to the input (no precision lost)', () => {
    fc.assert(
      fc.property(decimalString, (text) => {
        const out = canonical(text);
        expect(out).toBeDefined();
        const shift = 31;
        expect(toScaledBigInt(out ?? '', shift)).toBe(toScaledBigInt(text.replace(/^\+/, ''), shift));
        expect(canonical(out ?? '')).toBe(out);
      }),
      { numRuns: 500 },
    );
  });

  it('scaled text equals exact half-away-from-zero rounding', () => {
    fc.assert(
      fc.property(decimalString, fc.integer({ min: 0, max: 8 }), (text, scale) => {
        const out = scaled(text, scale) ?? '';
        expect(out.split('.')[1]?.length ?? 0).toBe(scale);
        const exact = toScaledBigInt(text.replace(/^\+/, ''), 31);
        const unit = 10n ** BigInt(31 - scale);
        const magnitude = exact < 0n ? -exact : exact;
        let rounded = magnitude / unit;
        if ((magnitude % unit) * 2n >= unit) rounded += 1n;
        const expected = exact < 0n ? -rounded : rounded;
        expect(toScaledBigInt(out, scale)).toBe(expected);
        if (expected === 0n) expect(out.startsWith('-')).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('a scale at least the input\'s decimals only pads zeros', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9][0-9]{0,20}\.[0-9]{1,6}$/), (text) => {
        const out = scaled(text, 6) ?? '';
        expect(out.startsWith(text)).toBe(true);
        expect(out.slice(text.length)).toMatch(/^0*$/);
      }),
    );
  });
});
