import { describe, expect, it } from 'vitest';
import type { FieldSpec } from '../../../src/kibo/resources/resource-types.ts';
import type { MappedField } from '../../../src/mapping/mapping-types.ts';
import { createTemporalFormatter } from '../../../src/mapping/temporal-text.ts';
import { createFieldConverter } from '../../../src/mapping/value-converters.ts';

// Field specs as the registry describes them; built here so each converter rule is tested on its own.
function field(options: Partial<MappedField> & Pick<MappedField, 'type'>, spec: Partial<FieldSpec> = {}): MappedField {
  const fullSpec: FieldSpec = { name: 'Field', required: false, kind: 'string', exportHeader: 'Field', ...spec };
  return { name: fullSpec.name, header: fullSpec.exportHeader, path: 'fields.Field', spec: fullSpec, column: 'col', booleanSpelling: 'True/False', onNull: 'skip', ...options };
}
const convert = (mapped: MappedField, value: unknown, timezone = 'UTC'): unknown => createFieldConverter(mapped, createTemporalFormatter(timezone))(value);
const failure = expect.objectContaining({ reason: expect.any(String) });

describe('string', () => {
  const text = field({ type: 'string' });
  it('keeps text verbatim: unicode, quotes, commas, newlines, surrounding spaces', () => {
    for (const value of ['Crème brûlée 🍮', 'say "hi", then\nleave', '  padded  ', '00123', 'a\r\nb']) expect(convert(text, value)).toBe(value);
  });
  it('treats empty text as no value (a blank cell cannot hold an empty string)', () => {
    expect(convert(text, '')).toBeUndefined();
  });
  it('formats JS scalars', () => {
    expect(convert(text, 12)).toBe('12');
    expect(convert(text, 12n)).toBe('12');
    expect(convert(text, true)).toBe('true');
    expect(convert(text, new Date('2026-01-05T10:00:00Z'))).toBe('2026-01-05T10:00:00.000Z');
    expect(convert(text, { a: 1 })).toEqual(failure);
  });
  it('enforces maxLength in characters (not UTF-16 units)', () => {
    const limited = field({ type: 'string', maxLength: 3 });
    expect(convert(limited, '🍮🍮🍮')).toBe('🍮🍮🍮');
    expect(convert(limited, 'abcd')).toEqual({ reason: '4 characters, more than the maximum 3' });
  });
  it('matches allowedValues case-insensitively and writes Kibo\'s spelling', () => {
    const enumerated = field({ type: 'string' }, { allowedValues: ['Shipping', 'Billing'] });
    expect(convert(enumerated, 'shipping')).toBe('Shipping');
    expect(convert(enumerated, 'Home')).toEqual({ reason: 'not one of the allowed values Shipping, Billing' });
  });
});

describe('integer', () => {
  const integer = field({ type: 'integer' }, { kind: 'integer' });
  it.each([['12', '12'], [12, '12'], ['12.0', '12'], [12n, '12'], ['-0', '0'], ['9.78E+12', '9780000000000'], ['9007199254740993', '9007199254740993']])('%s → %s', (input, expected) => {
    expect(convert(integer, input)).toBe(expected);
  });
  it.each(['12.5', 'abc', '', 12.5, true, Number.NaN])('rejects %j', (input) => {
    expect(convert(integer, input)).toEqual(failure);
  });
  it('applies allowedValues to integers (RoleList 1–3)', () => {
    const role = field({ type: 'integer' }, { kind: 'integer', allowedValues: ['1', '2', '3'] });
    expect(convert(role, '2.0')).toBe('2');
    expect(convert(role, 4)).toEqual(failure);
  });
});

describe('decimal', () => {
  it('writes exact canonical text without a scale, rounds half-up with one', () => {
    expect(convert(field({ type: 'decimal' }), '170.50')).toBe('170.5');
    expect(convert(field({ type: 'decimal', scale: 2 }), '170.5')).toBe('170.50');
    expect(convert(field({ type: 'decimal', scale: 2 }), '2.675')).toBe('2.68');
    expect(convert(field({ type: 'decimal', scale: 2 }), 2.675)).toBe('2.68');
    expect(convert(field({ type: 'decimal' }), 0.1)).toBe('0.1');
    expect(convert(field({ type: 'decimal' }), 1e-7)).toBe('0.0000001');
    expect(convert(field({ type: 'decimal' }), '9.78E+12')).toBe('9780000000000');
    expect(convert(field({ type: 'decimal' }), '12345678901234567890.12345678901234567890')).toBe('12345678901234567890.1234567890123456789');
  });
  it.each(['abc', '1,5', '', 'NaN', Number.POSITIVE_INFINITY, false])('rejects %j', (input) => {
    expect(convert(field({ type: 'decimal', scale: 2 }), input)).toEqual(failure);
  });
});

describe('boolean', () => {
  it.each([
    ['True/False', 't', 'True'], ['True/False', 'f', 'False'], ['Yes/No', 'TRUE', 'Yes'], ['Yes/No', 'no', 'No'],
    ['TRUE/FALSE', 'Y', 'TRUE'], ['TRUE/FALSE', 'n', 'FALSE'], ['Yes/No', '1', 'Yes'], ['Yes/No', '0', 'No'],
    ['True/False', true, 'True'], ['Yes/No', false, 'No'], ['Yes/No', 1, 'Yes'], ['TRUE/FALSE', 0n, 'FALSE'],
  ] as const)('%s: %s → %s', (spelling, input, expected) => {
    expect(convert(field({ type: 'boolean', booleanSpelling: spelling }), input)).toBe(expected);
  });
  it.each(['maybe', '', '2', 2])('rejects %j', (input) => {
    expect(convert(field({ type: 'boolean' }), input)).toEqual(failure);
  });
});

describe('date and datetime', () => {
  it('formats raw pg text and JS Dates', () => {
    expect(convert(field({ type: 'date' }), '2026-01-05')).toBe('2026-01-05');
    expect(convert(field({ type: 'datetime' }), '2026-01-05 10:00:00+00')).toBe('2026-01-05T10:00:00.000Z');
    expect(convert(field({ type: 'datetime' }), '2026-01-05 10:00:00', 'Europe/Berlin')).toBe('2026-01-05T09:00:00.000Z');
    expect(convert(field({ type: 'datetime' }), new Date(Date.UTC(2026, 0, 5)))).toBe('2026-01-05T00:00:00.000Z');
    expect(convert(field({ type: 'date' }), 'soon')).toEqual(failure);
  });
});

describe('list', () => {
  const products = field({ type: 'list', targetSeparator: '&' }, { kind: 'list', listSeparator: '&' });
  it('joins arrays, pg array text and delimited text with the registry separator', () => {
    expect(convert(products, ['DirectShip', 'InStorePickup'])).toBe('DirectShip&InStorePickup');
    expect(convert(products, '{DirectShip,"In Store"}')).toBe('DirectShip&In Store');
    expect(convert(products, 'DirectShip & InStorePickup')).toBe('DirectShip&InStorePickup');
    expect(convert(products, '{a,NULL,b}')).toBe('a&b');
  });
  it('splits delimited text on an explicit source separator (even text that starts with "{")', () => {
    const semicolon = field({ type: 'list', targetSeparator: ',', sourceSeparator: ';' }, { kind: 'list', listSeparator: ',' });
    expect(convert(semicolon, 'a; b;c')).toBe('a,b,c');
    expect(convert(semicolon, '{x};y')).toBe('{x},y');
  });
  it('treats an empty list as no value', () => {
    expect(convert(products, '{}')).toBeUndefined();
    expect(convert(products, [])).toBeUndefined();
  });
  it('rejects a value that contains the separator, and malformed arrays', () => {
    expect(convert(products, ['a&b', 'c'])).toEqual({ reason: 'the value "a&b" contains the list separator "&"' });
    expect(convert(products, '{"a}')).toEqual(failure);
  });
  it('checks allowedValues per element', () => {
    const roles = field({ type: 'list', targetSeparator: ',' }, { kind: 'list', listSeparator: ',', allowedValues: ['1', '2', '3'] });
    expect(convert(roles, '{1,3}')).toBe('1,3');
    expect(convert(roles, '{1,4}')).toEqual(failure);
  });
});
