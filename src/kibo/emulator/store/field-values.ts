// The emulator's own value rules per field kind: validation and canonical form on import, Kibo's
// spelling on export. Deliberately independent of the sync engine's normalization (see tenant-store.ts).
import type { BooleanSpelling, FieldSpec, ResourceSpec } from '../../resources/resource-types.ts';
import { canonicalizeDecimal, compareDecimals, formatDecimalFixed } from './decimal-text.ts';
import { formatKiboDate, formatKiboDateTime, parseKiboDateTime } from './datetime-text.ts';

export type ParsedValue = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly message: string };

const MONEY_SCALE = 4;
const DEFAULT_LIST_SEPARATOR = ',';
const TRUE_WORDS = new Set(['true', 'yes', '1']);
const FALSE_WORDS = new Set(['false', 'no', '0']);

const BOOLEAN_WORDS: Record<BooleanSpelling, readonly [string, string]> = {
  'True/False': ['True', 'False'],
  'Yes/No': ['Yes', 'No'],
  'TRUE/FALSE': ['TRUE', 'FALSE'],
};

function reject(field: FieldSpec, raw: string, expected: string): ParsedValue {
  return { ok: false, message: `'${raw}' is not a valid ${field.kind} for ${field.name}: expected ${expected}` };
}

function parseScalar(field: FieldSpec, raw: string): ParsedValue {
  const trimmed = raw.trim();
  switch (field.kind) {
    case 'integer': {
      const value = canonicalizeDecimal(trimmed);
      return value !== undefined && !value.includes('.') ? { ok: true, value } : reject(field, raw, 'a whole number such as 12');
    }
    case 'decimal':
    case 'money': {
      const value = canonicalizeDecimal(trimmed);
      return value !== undefined ? { ok: true, value } : reject(field, raw, 'a number such as 170.0000 (point as decimal separator)');
    }
    case 'boolean': {
      const word = trimmed.toLowerCase();
      if (TRUE_WORDS.has(word)) return { ok: true, value: 'true' };
      if (FALSE_WORDS.has(word)) return { ok: true, value: 'false' };
      return reject(field, raw, 'True/False, Yes/No or 1/0');
    }
    case 'date':
    case 'datetime': {
      const epochMs = parseKiboDateTime(trimmed);
      if (epochMs === undefined) return reject(field, raw, 'an ISO 8601 date or M/D/YYYY h:mm:ss AM|PM');
      const iso = new Date(epochMs).toISOString();
      return { ok: true, value: field.kind === 'date' ? iso.slice(0, 10) : iso };
    }
    case 'string':
    case 'list':
      return { ok: true, value: raw };
  }
}

function checkAllowed(field: FieldSpec, value: string): ParsedValue {
  const allowed = field.allowedValues;
  if (allowed === undefined || allowed.length === 0) return { ok: true, value };
  // Enumerations compare case-insensitively and store the registry's spelling.
  const found = allowed.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
  return found !== undefined
    ? { ok: true, value: found }
    : { ok: false, message: `'${value}' is not an allowed value for ${field.name}: expected one of ${allowed.join(', ')}` };
}

function checkLength(field: FieldSpec, value: string): ParsedValue {
  const length = [...value].length;
  if (field.maxLength === undefined || length <= field.maxLength) return { ok: true, value };
  return { ok: false, message: `${field.name} is ${length} characters long; Kibo allows at most ${field.maxLength}` };
}

function parseList(field: FieldSpec, raw: string): ParsedValue {
  const separator = field.listSeparator ?? DEFAULT_LIST_SEPARATOR;
  const items: string[] = [];
  for (const part of raw.split(separator)) {
    const item = part.trim();
    if (item === '') continue;
    const allowed = checkAllowed(field, item);
    if (!allowed.ok) return allowed;
    items.push(allowed.value);
  }
  // Unordered lists are stored sorted and without repeats, so every export spells them one way.
  const canonical = field.listUnordered ? [...new Set(items)].sort() : items;
  return checkLength(field, canonical.join(separator));
}

/** Validates one non-blank cell and returns the emulator's canonical form of it. */
export function parseFieldValue(field: FieldSpec, raw: string): ParsedValue {
  if (field.kind === 'list') return parseList(field, raw);
  const scalar = parseScalar(field, raw);
  if (!scalar.ok) return scalar;
  const allowed = checkAllowed(field, scalar.value);
  return allowed.ok ? checkLength(field, allowed.value) : allowed;
}

/** A stored canonical value spelled the way a Kibo export spells it. */
export function formatFieldValue(resource: ResourceSpec, field: FieldSpec, value: string): string {
  switch (field.kind) {
    case 'money':
      return formatDecimalFixed(value, field.scale ?? MONEY_SCALE);
    case 'decimal':
      return field.scale === undefined ? value : formatDecimalFixed(value, field.scale);
    case 'boolean': {
      const [yes, no] = BOOLEAN_WORDS[field.booleanSpelling ?? resource.booleanSpelling];
      return value === 'true' ? yes : no;
    }
    case 'datetime':
      return formatKiboDateTime(value);
    case 'date':
      return formatKiboDate(value);
    case 'integer':
    case 'string':
    case 'list':
      return value;
  }
}

/** Orders canonical values of one field: numbers numerically, instants chronologically, text by code unit. */
export function compareFieldValues(field: FieldSpec | undefined, left: string, right: string): number {
  const numeric = field?.kind === 'integer' || field?.kind === 'decimal' || field?.kind === 'money';
  if (numeric && left !== '' && right !== '') return compareDecimals(left, right);
  // ISO instants and dates order correctly as text; so does everything else in code-unit order.
  return left < right ? -1 : left > right ? 1 : 0;
}
