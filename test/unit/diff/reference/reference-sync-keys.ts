// Reference copy (oracle) of src/sync/sync-keys.ts as of 19f38c0, before the speed rewrite; kept verbatim
// (only the imports point here) so the differential test can prove the rewrite gives byte-identical keys.

// One identity per record on both sides: key values normalized by their field's kind, then encoded.
// Kibo exports `1/1/2026 12:00:00 AM` where the ERP transform wrote `2026-01-01T00:00:00.000Z`;
// both must land on the same key or every dated row would look removed and added again.
import { normalizeValue } from './reference-normalize-value.ts';
import { encodeKey, type SyncMapping } from '../../../../src/mapping/index.ts';

/** Builds the key of a row from the texts of its key fields; undefined when a key field is blank. */
export type KeyEncoder = (keyTexts: readonly (string | undefined)[]) => string | undefined;

export function createKeyEncoder(mapping: SyncMapping): KeyEncoder {
  const specs = mapping.keyFieldIndexes.map((index) => mapping.fields[index]!.spec);
  return (keyTexts) => {
    const normalized: string[] = [];
    for (let i = 0; i < specs.length; i += 1) {
      const value = normalizeValue(specs[i]!, keyTexts[i]?.trim());
      if (value === undefined) return undefined;
      normalized.push(value);
    }
    return encodeKey(normalized);
  };
}
