// Round trip: one value, written the way Kibo's export writes it and the way the ERP side (pg raw text
// and the mapping's transforms) writes it, must compare equal; two different values must not.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeValue } from '../../../src/diff/normalize-value.ts';
import type { ComparableField } from '../../../src/diff/normalize-value.ts';

/** `units × 10^-decimals` as fixed text with exactly `decimals` decimals ('170.0000'). */
function formatFixed(units: bigint, decimals: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals);
  return `${negative ? '-' : ''}${whole}${decimals > 0 ? `.${fraction}` : ''}`;
}

/** The same value in shortest form ('170.5'), as a transform without scale writes it. */
function formatCanonical(units: bigint, decimals: number): string {
  const fixed = formatFixed(units, decimals);
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

/** Excel-style scientific notation of the exact value ('1.705E+2'). */
function formatScientific(units: bigint, decimals: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString();
  const exponent = digits.length - 1 - decimals;
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${negative ? '-' : ''}${mantissa}E${exponent >= 0 ? '+' : ''}${exponent}`;
}

const moneyUnits = fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n });

function formatUsDateTime(instant: Date): string {
  const hours = instant.getUTCHours();
  const hour12 = hours % 12 === 0 ? 12 : hours % 12;
  const pad = (value: number): string => String(value).padStart(2, '0');
  return (
    `${instant.getUTCMonth() + 1}/${instant.getUTCDate()}/${instant.getUTCFullYear()} ` +
    `${hour12}:${pad(instant.getUTCMinutes())}:${pad(instant.getUTCSeconds())} ${hours < 12 ? 'AM' : 'PM'}`
  );
}

function formatPgTimestamptz(instant: Date, offsetMinutes: number): string {
  const local = new Date(instant.getTime() + offsetMinutes * 60_000).toISOString();
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${local.slice(0, 10)} ${local.slice(11, 19)}${zone}`;
}

// Kibo's US form has whole seconds; years 1900–2200 cover any catalog date.
const wholeSecondInstant = fc
  .integer({ min: Date.UTC(1900, 0, 1) / 1000, max: Date.UTC(2200, 0, 1) / 1000 })
  .map((seconds) => new Date(seconds * 1000));

describe('Kibo export form and ERP form of the same value compare equal', () => {
  it('money: 170.0000 (Kibo) vs scale-2 text, canonical text, pg numeric(14,6) text, Excel notation', () => {
    const field: ComparableField = { name: 'Price', kind: 'money', scale: 4 };
    fc.assert(
      fc.property(moneyUnits, (cents) => {
        const units = cents * 100n; // a price with at most 2 decimals, in 10^-4 units
        const kibo = formatFixed(units, 4);
        const expected = normalizeValue(field, kibo);
        for (const erp of [formatFixed(cents, 2), formatCanonical(units, 4), formatFixed(units * 100n, 6), formatScientific(units, 4)]) {
          expect(normalizeValue(field, erp), `${kibo} vs ${erp}`).toBe(expected);
        }
      }),
    );
  });

  it('money: an ERP value with more decimals than Kibo keeps equals Kibo rounded half away from zero', () => {
    const field: ComparableField = { name: 'Price', kind: 'money', scale: 4 };
    fc.assert(
      fc.property(moneyUnits, fc.integer({ min: 0, max: 99 }), (units, extra) => {
        const erpUnits = units * 100n + (units < 0n ? -BigInt(extra) : BigInt(extra));
        const roundedUp = extra >= 50;
        const kiboUnits = roundedUp ? units + (units < 0n ? -1n : 1n) : units;
        expect(normalizeValue(field, formatFixed(erpUnits, 6))).toBe(normalizeValue(field, formatFixed(kiboUnits, 4)));
      }),
    );
  });

  it('decimal scale 3: 1.000 (Kibo) vs canonical and Excel text', () => {
    const field: ComparableField = { name: 'PackageWeight', kind: 'decimal', scale: 3 };
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 9n), max: 10n ** 9n }), (units) => {
        const kibo = formatFixed(units, 3);
        expect(normalizeValue(field, formatCanonical(units, 3))).toBe(normalizeValue(field, kibo));
        expect(normalizeValue(field, formatScientific(units, 3))).toBe(normalizeValue(field, kibo));
      }),
    );
  });

  it('booleans in any spelling of the same truth value', () => {
    const field: ComparableField = { name: 'IsTaxable', kind: 'boolean' };
    const spellings = { true: ['True', 'Yes', 'TRUE', 'true', 't', '1', 'Y'], false: ['False', 'No', 'FALSE', 'false', 'f', '0', 'N'] };
    fc.assert(
      fc.property(fc.boolean(), fc.nat(), fc.nat(), (value, i, j) => {
        const options = spellings[value ? 'true' : 'false'];
        const kibo = options[i % options.length];
        const erp = options[j % options.length];
        expect(normalizeValue(field, erp)).toBe(normalizeValue(field, kibo));
      }),
    );
  });

  it('datetimes: US export form vs ISO UTC, pg timestamptz with any offset', () => {
    const field: ComparableField = { name: 'StartDate', kind: 'datetime' };
    fc.assert(
      fc.property(wholeSecondInstant, fc.integer({ min: -12 * 4, max: 14 * 4 }), (instant, quarterHours) => {
        const kibo = formatUsDateTime(instant);
        const expected = normalizeValue(field, kibo);
        expect(expected).toBe(instant.toISOString());
        expect(normalizeValue(field, instant.toISOString())).toBe(expected);
        expect(normalizeValue(field, formatPgTimestamptz(instant, quarterHours * 15))).toBe(expected);
      }),
    );
  });

  it('dates: US export form (with or without midnight) vs YYYY-MM-DD', () => {
    const field: ComparableField = { name: 'BirthDate', kind: 'date' };
    fc.assert(
      fc.property(wholeSecondInstant, (instant) => {
        const day = new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), instant.getUTCDate()));
        const erp = day.toISOString().slice(0, 10);
        expect(normalizeValue(field, formatUsDateTime(day))).toBe(normalizeValue(field, erp));
        expect(normalizeValue(field, formatUsDateTime(day).split(' ')[0])).toBe(normalizeValue(field, erp));
      }),
    );
  });

  it('unordered lists in any order; ordered lists with CRLF or LF', () => {
    const unordered: ComparableField = { name: 'FulfillmentTypes', kind: 'list', listSeparator: '&', listUnordered: true };
    const ordered: ComparableField = { name: 'Values', kind: 'list', listSeparator: '\n' };
    const item = fc.string({ minLength: 1, maxLength: 12 }).filter((value) => value.trim() === value && !/[&\r\n]/.test(value));
    fc.assert(
      fc.property(fc.uniqueArray(item, { minLength: 1, maxLength: 6 }), (items) => {
        const shuffled = [...items].reverse();
        expect(normalizeValue(unordered, shuffled.join('&'))).toBe(normalizeValue(unordered, items.join('&')));
        expect(normalizeValue(ordered, items.join('\r\n'))).toBe(normalizeValue(ordered, items.join('\n')));
      }),
    );
  });

  it('strings: ERP text with CRLF vs the export with LF', () => {
    const field: ComparableField = { name: 'ProductName', kind: 'string' };
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 10 }).filter((line) => !line.includes('\r')), { minLength: 1, maxLength: 4 }), (lines) => {
        fc.pre(lines.join('') !== '');
        expect(normalizeValue(field, lines.join('\r\n'))).toBe(normalizeValue(field, lines.join('\n')));
      }),
    );
  });
});

describe('different values never compare equal', () => {
  it('two different money amounts at Kibo scale', () => {
    const field: ComparableField = { name: 'Price', kind: 'money', scale: 4 };
    fc.assert(
      fc.property(moneyUnits, moneyUnits, (left, right) => {
        const same = normalizeValue(field, formatFixed(left, 4)) === normalizeValue(field, formatScientific(right, 4));
        expect(same).toBe(left === right);
      }),
    );
  });

  it('two different instants', () => {
    const field: ComparableField = { name: 'StartDate', kind: 'datetime' };
    fc.assert(
      fc.property(wholeSecondInstant, wholeSecondInstant, (left, right) => {
        const same = normalizeValue(field, formatUsDateTime(left)) === normalizeValue(field, right.toISOString());
        expect(same).toBe(left.getTime() === right.getTime());
      }),
    );
  });
});
