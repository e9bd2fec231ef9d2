// The fast paths of normalizeValue / normalizeDecimal / normalizeDateTime must give exactly what the
// code before them gave (test/unit/diff/reference/ keeps a verbatim copy as the oracle), on ordinary and
// on adversarial cells of every kind. Seeded: a failure names its input and reproduces.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { normalizeDateTime } from '../../../src/diff/normalize-date-time.ts';
import { normalizeDecimal, normalizeValue, type ComparableField } from '../../../src/diff/normalize-value.ts';
import { normalizeDateTime as referenceNormalizeDateTime } from './reference/reference-normalize-date-time.ts';
import { normalizeDecimal as referenceNormalizeDecimal, normalizeValue as referenceNormalizeValue } from './reference/reference-normalize-value.ts';

const SEED = 20_251_123;
const RUNS = 20_000;
const options = { seed: SEED, numRuns: RUNS };

function assertSameValue(field: ComparableField, raw: string | undefined): void {
  const actual = normalizeValue(field, raw);
  const expected = referenceNormalizeValue(field, raw);
  if (actual !== expected) {
    throw new Error(`normalizeValue(${JSON.stringify(field)}, ${JSON.stringify(raw)}) gave ${JSON.stringify(actual)}, the reference ${JSON.stringify(expected)}`);
  }
}

/** Concatenation of 0..max pieces drawn from the pool. */
const joined = (pool: readonly string[], maxLength: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...pool), { maxLength }).map((pieces) => pieces.join(''));
const padding = fc.constantFrom('', '', '', ' ', '  ', '\t', '\u00a0', '\r\n', '\n', '\ufeff', '\u3000');
const padded = (text: fc.Arbitrary<string>): fc.Arbitrary<string> => fc.tuple(padding, text, padding).map(([left, middle, right]) => left + middle + right);
/** One character of the text replaced by a character that confuses parsers. */
const mutated = (text: fc.Arbitrary<string>, pool: readonly string[]): fc.Arbitrary<string> =>
  fc.tuple(text, fc.nat(), fc.constantFrom(...pool)).map(([value, at, character]) => {
    const index = value.length === 0 ? 0 : at % value.length;
    return value.slice(0, index) + character + value.slice(index + 1);
  });
/** The text cut short at any point (a truncated cell). */
const truncated = (text: fc.Arbitrary<string>): fc.Arbitrary<string> => fc.tuple(text, fc.nat()).map(([value, at]) => value.slice(0, at % (value.length + 1)));

const numberField = fc.record({
  name: fc.constant('Number'),
  kind: fc.constantFrom('integer' as const, 'decimal' as const, 'money' as const),
  scale: fc.constantFrom(undefined, 0, 1, 2, 3, 4, 5, 6),
});
const digits = (maxLength: number): fc.Arbitrary<string> => joined(['0', '0', '0', '1', '4', '5', '9', '9', '9'], maxLength);
const wellFormedNumber = fc
  .tuple(
    fc.constantFrom('', '', '', '-', '+'),
    digits(22),
    fc.constantFrom('', '.', '.', '.'),
    digits(12),
    fc.constantFrom('', '', '', '', 'e5', 'E-3', 'e+0', 'e-0', 'E+2', 'E400', 'e-401', 'e399', 'e99999999999999999999', 'E-0004'),
  )
  .map((parts) => parts.join(''));
const NUMBER_PIECES = ['0', '1', '5', '9', '00', '.', '-', '+', 'e', 'E', 'e+', 'E-', '400', ' ', '\t', '\u00a0', '\u0663', '\uff11', ',', 'x', '--', 'Infinity', 'NaN', '0x1'];
const anyNumber = fc.oneof(
  { weight: 4, arbitrary: wellFormedNumber },
  { weight: 1, arbitrary: padded(wellFormedNumber) },
  { weight: 2, arbitrary: joined(NUMBER_PIECES, 8) },
  { weight: 1, arbitrary: mutated(wellFormedNumber, NUMBER_PIECES) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('0.', '-.', '1.', '+9.'), fc.integer({ min: 395, max: 405 }), fc.constantFrom('1', '9', '5')).map(([head, length, digit]) => head + digit.repeat(length)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

describe('numbers: integer, decimal and money at scales 0..6 and none', () => {
  it('normalizeValue matches the reference', () => {
    fc.assert(fc.property(numberField, anyNumber, (field, raw) => assertSameValue(field, raw)), options);
  });

  it('normalizeDecimal matches the reference, untrimmed text and any scale included', () => {
    const scale = fc.constantFrom(undefined, 0, 1, 2, 3, 4, 5, 6, 7, 12, -1, 1.5);
    fc.assert(
      fc.property(anyNumber, scale, (text, decimals) => {
        const [actual, expected] = [normalizeDecimal(text, decimals), referenceNormalizeDecimal(text, decimals)];
        if (actual !== expected) throw new Error(`normalizeDecimal(${JSON.stringify(text)}, ${decimals}) gave ${actual}, the reference ${expected}`);
      }),
      options,
    );
  });
});

describe('booleans', () => {
  const spelling = fc.constantFrom('true', 'false', 'yes', 'no', 'y', 'n', 't', 'f', '1', '0', 'on', 'tru', 'yess', 'maybe', 'i', 'ye\u017f');
  const anyCase = fc.tuple(spelling, fc.array(fc.boolean(), { minLength: 6, maxLength: 6 })).map(([word, upper]) =>
    [...word].map((character, index) => (upper[index] ? character.toUpperCase() : character)).join(''),
  );
  it('normalizeValue matches the reference for any spelling, case and padding', () => {
    const field: ComparableField = { name: 'IsTaxable', kind: 'boolean' };
    const raw = fc.oneof({ weight: 6, arbitrary: padded(anyCase) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) }, { weight: 1, arbitrary: fc.constantFrom('\u0130', 'YES\u0307', '\u212a', '') });
    fc.assert(fc.property(raw, (text) => assertSameValue(field, text)), options);
  });
});

const two = (value: number): string => String(value).padStart(2, '0');
const yearText = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(0, 1, 4, 99, 100, 400, 999, 1000, 1600, 1700, 1900, 2000, 2023, 2024, 2100, 2400, 9999).map((year) => String(year).padStart(4, '0')) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 9999 }).map((year) => String(year).padStart(4, '0')) },
  { weight: 1, arbitrary: fc.constantFrom('999', '10000', '20x4', '') },
);
const dayOfMonth = fc.oneof(fc.integer({ min: 0, max: 32 }), fc.constantFrom(28, 29, 30, 31));
const monthNumber = fc.oneof(fc.integer({ min: 0, max: 13 }), fc.constant(2));
const oneOrTwoDigits = (value: number, pad: boolean): string => (pad ? two(value) : String(value));
const fractionDigits = fc.integer({ min: 0, max: 9 }).chain((length) => fc.array(fc.constantFrom('0', '1', '5', '9'), { minLength: length, maxLength: length }));
const fraction = fc.oneof(fc.constant(''), fc.tuple(fc.constantFrom('.', '.', ','), fractionDigits).map(([point, value]) => point + value.join('')));

const usDateTime = fc
  .record({
    month: monthNumber, day: dayOfMonth, year: yearText, padMonth: fc.boolean(), padDay: fc.boolean(),
    time: fc.boolean(), gap: fc.constantFrom(' ', ' ', ' ', '  ', '\t', 'T', ''),
    hour: fc.integer({ min: 0, max: 24 }), padHour: fc.boolean(), minute: fc.integer({ min: 0, max: 60 }), second: fc.option(fc.integer({ min: 0, max: 60 })),
    fraction, meridiem: fc.constantFrom('', ' AM', ' PM', ' AM', ' PM', 'AM', 'pm', ' am', ' Pm', '  PM', ' XM', ' A'),
  })
  .map((p) => {
    const date = `${oneOrTwoDigits(p.month, p.padMonth)}/${oneOrTwoDigits(p.day, p.padDay)}/${p.year}`;
    if (!p.time) return date;
    const seconds = p.second === null ? '' : `:${two(p.second)}${p.fraction}`;
    return `${date}${p.gap}${oneOrTwoDigits(p.hour, p.padHour)}:${two(p.minute)}${seconds}${p.meridiem}`;
  });

const isoDateTime = fc
  .record({
    year: yearText, month: monthNumber, day: dayOfMonth, time: fc.boolean(), separator: fc.constantFrom('T', 'T', ' ', 't', '', 'TT'),
    hour: fc.integer({ min: 0, max: 24 }), minute: fc.integer({ min: 0, max: 60 }), second: fc.option(fc.integer({ min: 0, max: 60 })), fraction,
    zone: fc.constantFrom('', '', '', 'Z', 'Z', 'Z', 'z', ' Z', '+00', '-00', '+05:30', '-0800', '+0530', '+5', '+99:99', '+14:00', '-12:00', '+01:3', 'ZZ'),
  })
  .map((p) => {
    const date = `${p.year}-${two(p.month)}-${two(p.day)}`;
    if (!p.time) return date + (p.zone === 'ZZ' ? 'Z' : '');
    const seconds = p.second === null ? '' : `:${two(p.second)}${p.fraction}`;
    return `${date}${p.separator}${two(p.hour)}:${two(p.minute)}${seconds}${p.zone}`;
  });

const DATE_PIECES = ['0', '9', '/', '-', ':', ' ', 'T', 'Z', '.', 'A', 'P', 'M', 'x', '\u0660', '+', ''];
const anyDate = fc.oneof(
  { weight: 4, arbitrary: usDateTime },
  { weight: 4, arbitrary: isoDateTime },
  { weight: 1, arbitrary: padded(fc.oneof(usDateTime, isoDateTime)) },
  { weight: 1, arbitrary: truncated(fc.oneof(usDateTime, isoDateTime)) },
  { weight: 2, arbitrary: mutated(fc.oneof(usDateTime, isoDateTime), DATE_PIECES) },
  { weight: 1, arbitrary: fc.string({ maxLength: 26 }) },
);
const dateKind = fc.constantFrom('date' as const, 'datetime' as const);

describe('dates and datetimes: US, ISO, Postgres forms, invalid days, leap years, years < 1000, any fraction', () => {
  it('normalizeValue matches the reference', () => {
    fc.assert(fc.property(dateKind, anyDate, (kind, raw) => assertSameValue({ name: 'When', kind }, raw)), options);
  });

  it('normalizeDateTime matches the reference on untrimmed text', () => {
    fc.assert(
      fc.property(dateKind, anyDate, (kind, text) => {
        const [actual, expected] = [normalizeDateTime(text, kind), referenceNormalizeDateTime(text, kind)];
        if (actual !== expected) throw new Error(`normalizeDateTime(${JSON.stringify(text)}, ${kind}) gave ${actual}, the reference ${expected}`);
      }),
      options,
    );
  });

  it('every valid instant of years 0..9999, in the ISO, Postgres and US forms', () => {
    const instant = fc.date({ min: new Date('0000-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true });
    fc.assert(
      fc.property(instant, dateKind, (date, kind) => {
        const iso = date.toISOString();
        const hours = date.getUTCHours();
        const us = `${date.getUTCMonth() + 1}/${date.getUTCDate()}/${iso.slice(0, 4)} ${hours % 12 || 12}:${iso.slice(14, 19)} ${hours < 12 ? 'AM' : 'PM'}`;
        for (const text of [iso, iso.slice(0, 19), iso.slice(0, 10), `${iso.slice(0, 10)} ${iso.slice(11, 19)}+00`, us]) assertSameValue({ name: 'When', kind }, text);
      }),
      options,
    );
  });
});

describe('lists', () => {
  const ITEMS = ['a', 'b', 'A', 'B', 'DirectShip', 'InStorePickup', 'Delivery', '', ' ', ' a ', 'a b', '\u00a0c', '\u00e9', 'e\u0301', '\ud83d\ude00', '\ud800', 'Z', '0', '10', '9', '\r', '\r\n'];
  const SEPARATORS = [',', '&', '|', '\n', ' & ', '', ';'];
  const field = fc.record({
    name: fc.constant('Values'),
    kind: fc.constant('list' as const),
    listSeparator: fc.constantFrom(undefined, ...SEPARATORS),
    listUnordered: fc.constantFrom(undefined, true, false),
  });
  it('normalizeValue matches the reference: blanks, duplicates, padding, ordered and unordered, any separator', () => {
    const raw = (separator: string): fc.Arbitrary<string> =>
      fc.oneof(
        { weight: 5, arbitrary: fc.array(fc.constantFrom(...ITEMS), { maxLength: 7 }).map((items) => items.join(separator)) },
        { weight: 1, arbitrary: fc.array(fc.constantFrom(...ITEMS), { minLength: 15, maxLength: 40 }).map((items) => items.join(separator)) },
        { weight: 2, arbitrary: fc.array(fc.tuple(fc.constantFrom(...ITEMS), fc.constantFrom(separator, separator, ...SEPARATORS, '\r\n')), { maxLength: 7 }).map((pairs) => pairs.flat().join('')) },
        { weight: 1, arbitrary: fc.string({ maxLength: 16 }) },
      );
    fc.assert(fc.property(field.chain((list) => fc.tuple(fc.constant(list), raw(list.listSeparator ?? ','))), ([list, text]) => assertSameValue(list, text)), options);
  });
});

describe('strings and every kind on any text', () => {
  it('strings with CR/LF mixes are unchanged but for CRLF', () => {
    const field: ComparableField = { name: 'Text', kind: 'string' };
    const raw = joined(['\r', '\n', '\r\n', '\r\r\n', 'a', ' ', '\t', '\u00e9', '\u2028', '\ud800', ''], 12);
    fc.assert(fc.property(fc.oneof(raw, fc.string({ maxLength: 20, unit: 'binary' })), (text) => assertSameValue(field, text)), options);
  });

  it('any kind, any text (also undefined and blanks)', () => {
    const kind = fc.constantFrom('string', 'integer', 'decimal', 'money', 'boolean', 'date', 'datetime', 'list') as fc.Arbitrary<ComparableField['kind']>;
    const raw = fc.option(fc.oneof(fc.string({ maxLength: 24 }), fc.string({ maxLength: 24, unit: 'binary' }), padding), { nil: undefined });
    fc.assert(fc.property(kind, fc.constantFrom(undefined, 0, 2, 4), raw, (fieldKind, scale, text) => assertSameValue({ name: 'Any', kind: fieldKind, scale }, text)), options);
  });
});
