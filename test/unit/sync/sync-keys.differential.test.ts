// createKeyEncoder writes plain keys by hand; every key must still be exactly what the code before it
// gave (normalizeValue + encodeKey, kept in test/unit/diff/reference/), whatever characters it holds.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { parseMapping, type SyncMapping } from '../../../src/mapping/index.ts';
import { createKeyEncoder } from '../../../src/sync/sync-keys.ts';
import { createKeyEncoder as createReferenceKeyEncoder } from '../diff/reference/reference-sync-keys.ts';

const SEED = 20_251_123;
const BENCH_MAPPING = fileURLToPath(new URL('../../../bench/mappings/bench-products.yaml', import.meta.url));

function loadBenchMapping(key: string): SyncMapping {
  const yaml = readFileSync(BENCH_MAPPING, 'utf8').replace(/^key: .*$/m, `key: ${key}`);
  const { mapping, problems } = parseMapping(yaml, BENCH_MAPPING);
  if (!mapping) throw new Error(`${BENCH_MAPPING}: ${JSON.stringify(problems)}`);
  return mapping;
}

const PIECES = [
  'P0001', 'Main Master Catalog', ' ', '\t', '\u00a0', '"', '\\', '\u0000', '\u001f', '\u007f', '\u2028', '\r\n', '\r', '\n',
  '\ud83d\ude00', '\ud800', '\udfff', '\u00e9', '170.0000', '-0', '6/8/2016 7:35:23 PM', '2016-06-08T19:35:23.000Z', 'True', 'e5', '/',
];
const keyText = fc.oneof(
  { weight: 6, arbitrary: fc.array(fc.constantFrom(...PIECES), { maxLength: 4 }).map((pieces) => pieces.join('')) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12, unit: 'binary' }) },
  { weight: 1, arbitrary: fc.constantFrom(undefined, '') },
);

describe('createKeyEncoder matches the reference encoder', () => {
  it.each([
    ['the resource key (two text fields)', '[MasterCatalogName, ProductCode]'],
    ['a key with a datetime, a money and a boolean field', '[ProductCode, MAPEffectiveStartDate, Price, IsTaxable]'],
  ])('%s', (_name, key) => {
    const mapping = loadBenchMapping(key);
    const [encode, encodeReference] = [createKeyEncoder(mapping), createReferenceKeyEncoder(mapping)];
    const texts = fc.array(keyText, { minLength: mapping.keyFieldIndexes.length, maxLength: mapping.keyFieldIndexes.length });
    fc.assert(
      fc.property(texts, (keyTexts) => {
        const [actual, expected] = [encode(keyTexts), encodeReference(keyTexts)];
        if (actual !== expected) throw new Error(`key of ${JSON.stringify(keyTexts)} is ${JSON.stringify(actual)}, the reference ${JSON.stringify(expected)}`);
      }),
      { seed: SEED, numRuns: 20_000 },
    );
  });
});
