import { describe, expect, it } from 'vitest';
import { normalizeDecimal, normalizeValue } from '../../../src/diff/normalize-value.ts';
import type { ComparableField } from '../../../src/diff/normalize-value.ts';

const money: ComparableField = { name: 'Price', kind: 'money', scale: 4 };
const moneyNoScale: ComparableField = { name: 'Price', kind: 'money' };
const dimension: ComparableField = { name: 'PackageWeight', kind: 'decimal', scale: 3 };
const plainDecimal: ComparableField = { name: 'Value', kind: 'decimal' };
const integer: ComparableField = { name: 'DisplayOrder', kind: 'integer' };
const boolean: ComparableField = { name: 'IsTaxable', kind: 'boolean' };
const datetime: ComparableField = { name: 'StartDate', kind: 'datetime' };
const date: ComparableField = { name: 'BirthDate', kind: 'date' };
const text: ComparableField = { name: 'ProductName', kind: 'string' };
const fulfillment: ComparableField = { name: 'FulfillmentTypes', kind: 'list', listSeparator: '&', listUnordered: true };
const orderedLines: ComparableField = { name: 'Values', kind: 'list', listSeparator: '\n' };

function sameAfterNormalizing(field: ComparableField, left: string, right: string): boolean {
  return normalizeValue(field, left) === normalizeValue(field, right);
}

describe('normalizeValue: numbers', () => {
  it.each([
    [money, '170.0000', '170'],
    [money, '170.0000', '170.00'],
    [money, '170', '1.7E+2'],
    [money, '170.5000', '170.5'],
    [money, '0.1000', '.1'],
    [money, '-12.3400', '-12.34'],
    [money, '0.0000', '-0'],
    [money, '170.12345', '170.1235'], // ERP has more decimals than Kibo keeps: compared at Kibo's 4
    [money, '-0.00005', '-0.0001'], // half away from zero, symmetric for negatives
    [moneyNoScale, '9.99999', '10.0000'], // money without a registry scale is compared at 4 decimals
    [dimension, '1.000', '1'],
    [dimension, '2.5', '2.500'],
    [dimension, '0.0005', '0.001'],
    [plainDecimal, '9.78E+12', '9780000000000'],
    [plainDecimal, '1.5e-3', '0.0015'],
    [plainDecimal, ' 42.10 ', '42.1'],
    [plainDecimal, '+7', '7'],
    [plainDecimal, '0000123.4500', '123.45'],
    [integer, '12', '12.0'],
    [integer, '12', '1.2E+1'],
    [integer, '-0', '0'],
  ])('%s: %j equals %j', (field, left, right) => {
    expect(sameAfterNormalizing(field, left, right)).toBe(true);
  });

  it.each([
    [money, '170.0000', '170.0001'],
    [money, '170', '-170'],
    [money, '170.00004', '170.0001'],
    [plainDecimal, '0.1', '0.10000000000000001'], // would be equal through a float
    [plainDecimal, '9.78E+12', '9780000000001'],
    [integer, '12', '12.5'],
    [dimension, '1.0004', '1.001'],
  ])('%s: %j differs from %j', (field, left, right) => {
    expect(sameAfterNormalizing(field, left, right)).toBe(false);
  });

  it('gives the canonical text', () => {
    expect(normalizeDecimal('00170.5000', undefined)).toBe('170.5');
    expect(normalizeDecimal('1.7E+2', undefined)).toBe('170');
    expect(normalizeDecimal('-1.25E-3', undefined)).toBe('-0.00125');
    expect(normalizeDecimal('0.995', 2)).toBe('1');
    expect(normalizeDecimal('99.995', 2)).toBe('100');
    expect(normalizeDecimal('-0.004', 2)).toBe('0');
  });

  it.each(['abc', '1,5', '1.2.3', '.', 'E5', '1e', '--1', '12 34', '1E+99999'])(
    'keeps the unparsable number %j as raw text, unequal to any number',
    (value) => {
      const normalized = normalizeValue(plainDecimal, value);
      expect(normalized).toBe(`raw:${value}`);
      expect(normalized).not.toBe(normalizeValue(plainDecimal, '1'));
    },
  );
});

describe('normalizeValue: booleans', () => {
  it.each(['True', 'TRUE', 'true', 'Yes', 'YES', 'yes', 'Y', 'y', '1', 't', 'T', ' True '])('%j is true', (value) => {
    expect(normalizeValue(boolean, value)).toBe('true');
  });
  it.each(['False', 'FALSE', 'false', 'No', 'NO', 'no', 'N', 'n', '0', 'f', 'F'])('%j is false', (value) => {
    expect(normalizeValue(boolean, value)).toBe('false');
  });
  it('keeps an unknown spelling as raw text', () => {
    expect(normalizeValue(boolean, 'maybe')).toBe('raw:maybe');
  });
});

describe('normalizeValue: dates and datetimes', () => {
  it.each([
    ['6/8/2016 7:35:23 PM', '2016-06-08T19:35:23.000Z'],
    ['6/8/2016 7:35:23 PM', '2016-06-08T19:35:23Z'],
    ['6/8/2016 7:35:23 PM', '2016-06-08 19:35:23+00'],
    ['6/8/2016 7:35:23 PM', '2016-06-08T21:35:23+02:00'],
    ['6/8/2016 7:35:23 PM', '2016-06-08T14:35:23-0500'],
    ['06/08/2016 19:35:23', '2016-06-08T19:35:23'],
    ['1/5/2026 12:00:00 AM', '2026-01-05'],
    ['1/5/2026 12:30:00 PM', '2026-01-05T12:30:00.000Z'],
    ['1/5/2026', '2026-01-05T00:00:00Z'],
    ['2026-01-05T10:00:00.123456Z', '2026-01-05T10:00:00.123Z'],
    ['2/29/2024 1:02:03 am', '2024-02-29T01:02:03.000Z'],
  ])('datetime %j equals %j', (left, right) => {
    expect(sameAfterNormalizing(datetime, left, right)).toBe(true);
  });

  it('normalizes to the ISO instant', () => {
    expect(normalizeValue(datetime, '6/8/2016 7:35:23 PM')).toBe('2016-06-08T19:35:23.000Z');
    expect(normalizeValue(datetime, '2016-06-08')).toBe('2016-06-08T00:00:00.000Z');
  });

  it.each([
    ['6/8/2016 7:35:23 PM', '6/8/2016 7:35:24 PM'],
    ['6/8/2016 7:35:23 PM', '6/8/2016 7:35:23 AM'],
    ['6/8/2016', '8/6/2016'], // month first, as Kibo's US exports write it
    ['2026-01-05T10:00:00Z', '2026-01-05T10:00:00+01:00'],
  ])('datetime %j differs from %j', (left, right) => {
    expect(sameAfterNormalizing(datetime, left, right)).toBe(false);
  });

  it('compares a date field by its UTC day, whatever form either side wrote', () => {
    expect(normalizeValue(date, '6/8/2016 12:00:00 AM')).toBe('2016-06-08');
    expect(sameAfterNormalizing(date, '6/8/2016', '2016-06-08')).toBe(true);
    expect(sameAfterNormalizing(date, '6/8/2016 12:00:00 AM', '2016-06-08T00:00:00.000Z')).toBe(true);
    expect(sameAfterNormalizing(date, '6/8/2016', '2016-06-09')).toBe(false);
  });

  it.each(['2/30/2024', '13/1/2024', '2023-02-29', '2024-01-01T24:00:00Z', '0/1/2024 1:00:00 PM', '1/1/2024 13:00:00 PM', 'yesterday'])(
    'keeps the invalid date %j as raw text',
    (value) => {
      expect(normalizeValue(datetime, value)).toBe(`raw:${value}`);
    },
  );
});

describe('normalizeValue: lists', () => {
  it('compares an unordered list as a set', () => {
    expect(sameAfterNormalizing(fulfillment, 'DirectShip&InStorePickup', 'InStorePickup&DirectShip')).toBe(true);
    expect(sameAfterNormalizing(fulfillment, 'DirectShip&InStorePickup', 'InStorePickup & DirectShip &')).toBe(true);
    expect(sameAfterNormalizing(fulfillment, 'DirectShip&DirectShip', 'DirectShip')).toBe(true);
    expect(sameAfterNormalizing(fulfillment, 'DirectShip', 'DirectShip&InStorePickup')).toBe(false);
  });

  it('keeps the order of an ordered list and drops blank items', () => {
    expect(sameAfterNormalizing(orderedLines, 'red\r\nblue\r\n', 'red\nblue')).toBe(true);
    expect(sameAfterNormalizing(orderedLines, 'red\nblue', 'blue\nred')).toBe(false);
  });

  it('treats a list of only blanks as no value', () => {
    expect(normalizeValue(fulfillment, ' & ')).toBeUndefined();
  });

  it('does not mistake a joined item for two', () => {
    const comma: ComparableField = { name: 'Tags', kind: 'list', listSeparator: ',', listUnordered: true };
    expect(sameAfterNormalizing(comma, 'a,b', 'a b')).toBe(false);
  });
});

describe('normalizeValue: strings and blanks', () => {
  it('treats CRLF and LF as the same line break and nothing else', () => {
    expect(sameAfterNormalizing(text, 'line one\r\nline two', 'line one\nline two')).toBe(true);
    expect(sameAfterNormalizing(text, 'Widget', 'widget')).toBe(false);
    expect(sameAfterNormalizing(text, 'Widget', 'Widget ')).toBe(false);
    expect(sameAfterNormalizing(text, 'Straße', 'Strasse')).toBe(false);
  });

  it('returns undefined for a blank cell of any kind', () => {
    for (const field of [money, integer, boolean, datetime, date, text, fulfillment]) {
      expect(normalizeValue(field, undefined)).toBeUndefined();
      expect(normalizeValue(field, '')).toBeUndefined();
    }
    expect(normalizeValue(money, '   ')).toBeUndefined();
    expect(normalizeValue(text, '   ')).toBe('   ');
  });
});
