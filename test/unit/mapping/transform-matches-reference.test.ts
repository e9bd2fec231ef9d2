// The fast paths of src/mapping must give exactly what the code before them gave (kept verbatim in
// ./reference/): same cell text, same failure reason, for every input. Seeded, so a failure reproduces;
// each failing input is printed with both results.
import { readFileSync } from 'node:fs';
import { inspect, isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { FieldSpec } from '../../../src/kibo/resources/resource-types.ts';
import { compileRowTransform } from '../../../src/mapping/compile-row-transform.ts';
import type { MappedField, RowTransformResult } from '../../../src/mapping/mapping-types.ts';
import { createTemporalFormatter } from '../../../src/mapping/temporal-text.ts';
import { createFieldConverter } from '../../../src/mapping/value-converters.ts';
import { parseValid } from './mapping-fixtures.ts';
import { compileRowTransform as compileReferenceTransform } from './reference/compile-row-transform.ts';
import { createRandom, pick, randomBooleanValue, randomListValue, randomNumericValue, randomStringValue, randomTemporalValue, type Random } from './reference/random-erp-values.ts';
import { createTemporalFormatter as createReferenceTemporalFormatter } from './reference/temporal-text.ts';
import { createFieldConverter as createReferenceFieldConverter } from './reference/value-converters.ts';

const CASES = 6000;
const SHOWN_MISMATCHES = 8;
const TIMEZONES = ['UTC', 'Etc/UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata'];

function field(options: Partial<MappedField> & Pick<MappedField, 'type'>, spec: Partial<FieldSpec> = {}): MappedField {
  const fullSpec: FieldSpec = { name: 'Field', required: false, kind: 'string', exportHeader: 'Field', ...spec };
  return { name: fullSpec.name, header: fullSpec.exportHeader, path: 'fields.Field', spec: fullSpec, column: 'col', booleanSpelling: 'True/False', onNull: 'skip', ...options };
}

const show = (value: unknown): string => inspect(value, { breakLength: Infinity });

/** Runs both converters over CASES seeded values; returns the inputs whose results differ. */
function findMismatches(mapped: MappedField, seed: number, generate: (random: Random) => unknown, timezone = 'UTC'): string[] {
  const current = createFieldConverter(mapped, createTemporalFormatter(timezone));
  const reference = createReferenceFieldConverter(mapped, createReferenceTemporalFormatter(timezone));
  const random = createRandom(seed);
  const mismatches: string[] = [];
  for (let index = 0; index < CASES; index += 1) {
    const value = generate(random);
    const expected = reference(value);
    const actual = current(value);
    if (!isDeepStrictEqual(actual, expected)) mismatches.push(`seed ${seed} case ${index}: ${show(value)} → expected ${show(expected)}, got ${show(actual)}`);
  }
  return mismatches;
}

describe('converters match the reference on seeded random and adversarial values', () => {
  it.each([undefined, 0, 1, 2, 3, 4, 5, 6, 30])('decimal, scale %s', (scale) => {
    expect(findMismatches(field({ type: 'decimal', ...(scale === undefined ? {} : { scale }) }), 100 + (scale ?? 99), randomNumericValue).slice(0, SHOWN_MISMATCHES)).toEqual([]);
  });

  it('decimal with a maxLength, integer, and integer with allowedValues', () => {
    expect(findMismatches(field({ type: 'decimal', scale: 2, maxLength: 5 }), 201, randomNumericValue).slice(0, SHOWN_MISMATCHES)).toEqual([]);
    expect(findMismatches(field({ type: 'integer' }, { kind: 'integer' }), 202, randomNumericValue).slice(0, SHOWN_MISMATCHES)).toEqual([]);
    const role = field({ type: 'integer' }, { kind: 'integer', allowedValues: ['1', '2', '3'] });
    expect(findMismatches(role, 203, (random) => (random() < 0.5 ? pick(random, ['1', '2.0', '03', '+3', '-1', '4', ' 2 ', '2e0']) : randomNumericValue(random))).slice(0, SHOWN_MISMATCHES)).toEqual([]);
  });

  it.each(['True/False', 'Yes/No', 'TRUE/FALSE'] as const)('boolean, %s', (spelling) => {
    expect(findMismatches(field({ type: 'boolean', booleanSpelling: spelling }), 300 + spelling.length, randomBooleanValue).slice(0, SHOWN_MISMATCHES)).toEqual([]);
  });

  it.each(TIMEZONES)('date and datetime in %s', (timezone) => {
    const seed = 400 + timezone.length;
    expect(findMismatches(field({ type: 'datetime' }), seed, randomTemporalValue, timezone).slice(0, SHOWN_MISMATCHES)).toEqual([]);
    expect(findMismatches(field({ type: 'date' }), seed + 1, randomTemporalValue, timezone).slice(0, SHOWN_MISMATCHES)).toEqual([]);
  });

  it.each(['&', ',', '|', '\n', '; '])('list joined with %j, from Postgres arrays, delimited text and arrays', (target) => {
    const list = field({ type: 'list', targetSeparator: target }, { kind: 'list', listSeparator: target });
    expect(findMismatches(list, 500 + target.charCodeAt(0), randomListValue).slice(0, SHOWN_MISMATCHES)).toEqual([]);
    const delimited = field({ type: 'list', targetSeparator: target, sourceSeparator: ';' }, { kind: 'list', listSeparator: target });
    expect(findMismatches(delimited, 600 + target.charCodeAt(0), randomListValue).slice(0, SHOWN_MISMATCHES)).toEqual([]);
  });

  it('list with allowedValues and maxLength', () => {
    const limited = field({ type: 'list', targetSeparator: '&', maxLength: 12 }, { kind: 'list', listSeparator: '&', allowedValues: ['DirectShip', 'Delivery', 'A', 'ß'] });
    expect(findMismatches(limited, 701, randomListValue).slice(0, SHOWN_MISMATCHES)).toEqual([]);
  });

  it.each([undefined, 0, 1, 3, 8])('string with maxLength %s, and with allowedValues', (maxLength) => {
    const limits = maxLength === undefined ? {} : { maxLength };
    expect(findMismatches(field({ type: 'string', ...limits }), 800 + (maxLength ?? 99), randomStringValue).slice(0, SHOWN_MISMATCHES)).toEqual([]);
    const enumerated = field({ type: 'string', ...limits }, { allowedValues: ['Shipping', 'Billing', 'ß', '🍮'] });
    expect(findMismatches(enumerated, 900 + (maxLength ?? 99), randomStringValue).slice(0, SHOWN_MISMATCHES)).toEqual([]);
  });
});

const BENCH_MAPPING = readFileSync(new URL('../../../bench/mappings/bench-products.yaml', import.meta.url), 'utf8');
const COLUMNS = ['sku', 'title', 'description', 'short_text', 'product_type', 'list_price', 'sale_price', 'unit_cost', 'taxable', 'weight_kg', 'length_cm', 'width_cm', 'height_cm', 'upc', 'fulfillment', 'map_start'];

function randomRow(random: Random): unknown[] {
  const orNull = (value: () => unknown): unknown => (random() < 0.1 ? null : value());
  const sku = random() < 0.9 ? `P${String(Math.floor(random() * 1e8)).padStart(8, '0')}` : pick(random, [null, '', '   ', ' P1 ', '\u00a0', 'é1', '🍮']);
  return COLUMNS.map((column) => {
    if (column === 'sku') return sku;
    if (/price|cost|_kg|_cm/.test(column)) return orNull(() => randomNumericValue(random));
    if (column === 'taxable') return orNull(() => randomBooleanValue(random));
    if (column === 'fulfillment') return orNull(() => randomListValue(random));
    if (column === 'map_start') return orNull(() => randomTemporalValue(random));
    return orNull(() => randomStringValue(random));
  });
}

function resultOf(result: RowTransformResult): unknown {
  return { ok: result.ok, key: result.key, keyValues: result.keyValues, cells: result.cells, problems: result.problems };
}

describe('compileRowTransform matches the reference on whole rows', () => {
  it.each(['UTC', 'America/New_York'])('the bench mapping in %s, array rows and object rows', (timezone) => {
    const mapping = parseValid(`${BENCH_MAPPING.replace('timezone: UTC', `timezone: ${timezone}`)}`, 'bench-products.yaml');
    const current = compileRowTransform(mapping);
    const reference = compileReferenceTransform(mapping);
    const random = createRandom(1000 + timezone.length);
    const mismatches: string[] = [];
    for (let index = 0; index < CASES; index += 1) {
      const row = randomRow(random);
      const record = Object.fromEntries(COLUMNS.map((column, position) => [column, row[position]]));
      const expected = resultOf(reference(row, COLUMNS));
      for (const actual of [resultOf(current(row, COLUMNS)), resultOf(current(record))]) {
        if (!isDeepStrictEqual(actual, expected)) mismatches.push(`case ${index}: ${show(row)} → expected ${show(expected)}, got ${show(actual)}`);
      }
    }
    expect(mismatches.slice(0, SHOWN_MISMATCHES)).toEqual([]);
  });
});
