// One identity per record on both sides: key values normalized by their field's kind, then encoded.
// Kibo exports `1/1/2026 12:00:00 AM` where the ERP transform wrote `2026-01-01T00:00:00.000Z`;
// both must land on the same key or every dated row would look removed and added again.
// This runs once per exported row (1M times in the bench), so the common case, a key of plain
// printable text, is encoded by hand; the result is always exactly encodeKey's (JSON.stringify).
import { normalizeValue, trimCellText, type ComparableField } from '../diff/normalize-value.ts';
import { encodeKey } from '../mapping/encode-key.ts';
import type { SyncMapping } from '../mapping/index.ts';

/** Builds the key of a row from the texts of its key fields; undefined when a key field is blank. */
export type KeyEncoder = (keyTexts: readonly (string | undefined)[]) => string | undefined;

const QUOTE = 34;
const BACKSLASH = 92;
const FIRST_PRINTABLE = 32;
const FIRST_SURROGATE = 0xd800;
const LAST_SURROGATE = 0xdfff;

export function createKeyEncoder(mapping: SyncMapping): KeyEncoder {
  const specs = mapping.keyFieldIndexes.map((index) => mapping.fields[index]!.spec);
  return (keyTexts) => {
    let encoded = '[';
    for (let i = 0; i < specs.length; i += 1) {
      const text = keyTexts[i];
      const value = normalizeValue(specs[i]!, text === undefined ? undefined : trimCellText(text));
      if (value === undefined) return undefined;
      if (!isJsonVerbatim(value)) return encodeKeyOf(specs.length, keyTexts, specs);
      encoded += i === 0 ? `"${value}"` : `,"${value}"`;
    }
    return `${encoded}]`;
  };
}

/** Whether JSON.stringify writes the text as is between quotes: no quote, backslash, control or surrogate. */
function isJsonVerbatim(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < FIRST_PRINTABLE || code === QUOTE || code === BACKSLASH || (code >= FIRST_SURROGATE && code <= LAST_SURROGATE)) return false;
  }
  return true;
}

/** The general path, for keys with characters JSON escapes. */
function encodeKeyOf(count: number, keyTexts: readonly (string | undefined)[], specs: readonly ComparableField[]): string | undefined {
  const normalized: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const value = normalizeValue(specs[i]!, keyTexts[i]?.trim());
    if (value === undefined) return undefined;
    normalized.push(value);
  }
  return encodeKey(normalized);
}
