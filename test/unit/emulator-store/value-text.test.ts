import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FieldSpec, ResourceSpec } from '../../../src/kibo/resources/resource-types.ts';
import { canonicalizeDecimal, compareDecimals, formatDecimalFixed } from '../../../src/kibo/emulator/store/decimal-text.ts';
import { formatKiboDate, formatKiboDateTime, parseKiboDateTime } from '../../../src/kibo/emulator/store/datetime-text.ts';
import { formatFieldValue, parseFieldValue } from '../../../src/kibo/emulator/store/field-values.ts';

describe('canonicalizeDecimal', () => {
  it.each([
    ['170', '170'],
    ['170.5', '170.5'],
    ['170.0000', '170'],
    ['-3', '-3'],
    ['+3.10', '3.1'],
    ['9.78E+12', '9780000000000'],
    ['1.5e-3', '0.0015'],
    ['.5', '0.5'],
    ['5.', '5'],
    ['-0.000', '0'],
    ['007', '7'],
    [' 12 ', '12'],
  ])('%s → %s', (text, canonical) => {
    expect(canonicalizeDecimal(text)).toBe(canonical);
  });

  it.each(['abc', '1,5', '', '.', '1.2.3', '1e999', '12abc', '$5'])('rejects %j', (text) => {
    expect(canonicalizeDecimal(text)).toBeUndefined();
  });

  it('agrees with the number it names for ordinary decimals', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }), fc.integer({ min: 0, max: 6 }), (units, scale) => {
        const text = (units / 10 ** scale).toFixed(scale);
        expect(Number(canonicalizeDecimal(text))).toBe(Number(text));
      }),
    );
  });
});

describe('formatDecimalFixed and compareDecimals', () => {
  it.each([
    ['170', 4, '170.0000'],
    ['170.5', 4, '170.5000'],
    ['1.23456', 4, '1.2346'],
    ['-1.23455', 4, '-1.2346'],
    ['-0.00001', 4, '0.0000'],
    ['1', 3, '1.000'],
    ['2.5', 0, '3'],
    ['0.05', 1, '0.1'],
  ])('%s at scale %i → %s', (canonical, scale, text) => {
    expect(formatDecimalFixed(canonical, scale)).toBe(text);
  });

  it('orders numerically, not as text', () => {
    expect(compareDecimals('9', '10')).toBe(-1);
    expect(compareDecimals('-2', '-10')).toBe(1);
    expect(compareDecimals('1.5', '1.50')).toBe(0);
  });
});

describe('Kibo date text', () => {
  const instant = (text: string): string | undefined => {
    const epochMs = parseKiboDateTime(text);
    return epochMs === undefined ? undefined : new Date(epochMs).toISOString();
  };

  it.each([
    ['2016-06-08T19:35:23Z', '2016-06-08T19:35:23.000Z'],
    ['2016-06-08T19:35:23.5+02:00', '2016-06-08T17:35:23.500Z'],
    ['2016-06-08 19:35', '2016-06-08T19:35:00.000Z'],
    ['2016-06-08', '2016-06-08T00:00:00.000Z'],
    ['6/8/2016 7:35:23 PM', '2016-06-08T19:35:23.000Z'],
    ['6/8/2016 12:05:00 AM', '2016-06-08T00:05:00.000Z'],
    ['6/8/2016 12:05:00 pm', '2016-06-08T12:05:00.000Z'],
    ['06/08/2016', '2016-06-08T00:00:00.000Z'],
    ['6/8/2016 19:35', '2016-06-08T19:35:00.000Z'],
  ])('%s is %s', (text, iso) => {
    expect(instant(text)).toBe(iso);
  });

  it.each(['2/30/2020', '2020-13-01', '13:00', 'yesterday', '6/8/2016 13:00:00 PM', '2016-06-08T24:00:00Z', ''])('rejects %j', (text) => {
    expect(parseKiboDateTime(text)).toBeUndefined();
  });

  it('formats as the template shows, in UTC, without leading zeros', () => {
    expect(formatKiboDateTime('2016-06-08T19:35:23.000Z')).toBe('6/8/2016 7:35:23 PM');
    expect(formatKiboDateTime('2026-01-01T00:00:09.900Z')).toBe('1/1/2026 12:00:09 AM');
    expect(formatKiboDateTime('2026-12-31T12:30:00.000Z')).toBe('12/31/2026 12:30:00 PM');
    expect(formatKiboDate('2016-06-08')).toBe('6/8/2016');
  });
});

describe('field values by kind', () => {
  const field = (overrides: Partial<FieldSpec>): FieldSpec => ({ name: 'F', required: false, kind: 'string', exportHeader: 'F', ...overrides });
  const resource = { booleanSpelling: 'Yes/No' } as ResourceSpec;

  it('accepts the boolean words Kibo files use and re-spells them per file or field', () => {
    const flag = field({ kind: 'boolean' });
    for (const word of ['True', 'yes', 'TRUE', '1']) expect(parseFieldValue(flag, word)).toEqual({ ok: true, value: 'true' });
    for (const word of ['False', 'NO', 'false', '0']) expect(parseFieldValue(flag, word)).toEqual({ ok: true, value: 'false' });
    expect(parseFieldValue(flag, 'maybe').ok).toBe(false);
    expect(formatFieldValue(resource, flag, 'true')).toBe('Yes');
    expect(formatFieldValue(resource, field({ kind: 'boolean', booleanSpelling: 'TRUE/FALSE' }), 'false')).toBe('FALSE');
  });

  it('names the field and the bad value when a value is rejected', () => {
    const result = parseFieldValue(field({ name: 'Price', kind: 'money' }), 'abc');
    expect(result).toEqual({ ok: false, message: expect.stringContaining("'abc'") });
    expect(result.ok || result.message).toContain('Price');
  });

  it('keeps integers whole and allowed values closed', () => {
    expect(parseFieldValue(field({ kind: 'integer' }), '12').ok).toBe(true);
    expect(parseFieldValue(field({ kind: 'integer' }), '1.5').ok).toBe(false);
    const role = field({ kind: 'integer', allowedValues: ['1', '2', '3'] });
    expect(parseFieldValue(role, '03')).toEqual({ ok: true, value: '3' });
    expect(parseFieldValue(role, '4').ok).toBe(false);
    expect(parseFieldValue(field({ allowedValues: ['Shipping', 'Billing'] }), 'billing')).toEqual({ ok: true, value: 'Billing' });
  });

  it('counts maxLength in characters, not bytes', () => {
    const address = field({ maxLength: 3 });
    expect(parseFieldValue(address, 'äöü').ok).toBe(true);
    expect(parseFieldValue(address, 'abcd').ok).toBe(false);
  });

  it('stores unordered lists sorted and re-joins them with the field separator', () => {
    const list = field({ kind: 'list', listSeparator: '&', listUnordered: true });
    expect(parseFieldValue(list, 'InStorePickup& DirectShip&DirectShip')).toEqual({ ok: true, value: 'DirectShip&InStorePickup' });
    expect(parseFieldValue(field({ kind: 'list', listSeparator: '\n' }), 'b\na')).toEqual({ ok: true, value: 'b\na' });
  });

  it('exports money with 4 decimals, decimals with their scale, datetimes in the US format', () => {
    expect(formatFieldValue(resource, field({ kind: 'money' }), '170')).toBe('170.0000');
    expect(formatFieldValue(resource, field({ kind: 'decimal', scale: 3 }), '1')).toBe('1.000');
    expect(formatFieldValue(resource, field({ kind: 'decimal' }), '1.25')).toBe('1.25');
    expect(formatFieldValue(resource, field({ kind: 'datetime' }), '2016-06-08T19:35:23.000Z')).toBe('6/8/2016 7:35:23 PM');
    expect(formatFieldValue(resource, field({}), ' verbatim\ntext ')).toBe(' verbatim\ntext ');
  });
});
