// `fields:` → MappedField[]: each entry resolved against the registry field it names, its type taken
// from the entry or from the field's kind, its options checked against that type, a const checked by
// the very converter that will format it.
import type { FieldSpec, FieldValueKind, ResourceSpec } from '../kibo/resources/resource-types.ts';
import { findField } from '../kibo/resources/resource-registry.ts';
import { findClosestName } from './closest-name.ts';
import type { ProblemSink } from './mapping-problems.ts';
import { quoteForMessage } from './mapping-problems.ts';
import { FIELD_OPTION_FIXES, FIELD_OPTIONS_SCHEMA } from './mapping-schema.ts';
import type { FieldOptions } from './mapping-schema.ts';
import type { MappedField, TransformType } from './mapping-types.ts';
import type { TemporalFormatter } from './temporal-text.ts';
import { createFieldConverter, isConversionFailure } from './value-converters.ts';

/**
 * Which transform types can feed a field of each kind. A bare column name takes the first one:
 * money and decimal fields get `decimal` with no forced scale (the value is written exactly as the
 * ERP holds it; Kibo's export pads to 4/3 decimals, which the diff compares numerically). Add
 * `scale:` to round.
 */
const TYPES_FOR_KIND: Readonly<Record<FieldValueKind, readonly TransformType[]>> = {
  string: ['string', 'integer', 'decimal', 'boolean', 'date', 'datetime'],
  integer: ['integer'],
  decimal: ['decimal', 'integer'],
  money: ['decimal', 'integer'],
  boolean: ['boolean'],
  date: ['date'],
  datetime: ['datetime', 'date'],
  list: ['list', 'string'],
};

/** Used only when the registry leaves a list field's separator unset. */
const FALLBACK_LIST_SEPARATOR = ',';

export function resolveFields(
  resource: ResourceSpec,
  rawFields: Readonly<Record<string, unknown>>,
  constSources: ReadonlyMap<string, string>,
  temporal: TemporalFormatter,
  sink: ProblemSink,
): MappedField[] {
  const fields: MappedField[] = [];
  const seen = new Map<string, string>();
  for (const [key, value] of Object.entries(rawFields)) {
    const spec = findField(resource, key);
    if (spec === undefined) {
      reportUnknownField(resource, key, sink);
      continue;
    }
    const earlier = seen.get(spec.name);
    if (earlier !== undefined) {
      sink.add(['fields', key], `maps Kibo field ${spec.name} a second time (also as \`${earlier}\`)`, 'keep one entry per Kibo field');
      continue;
    }
    seen.set(spec.name, key);
    const options = readFieldOptions(key, value, sink);
    if (options === undefined) continue;
    const constText = constSources.get(key);
    const field = buildMappedField(resource, spec, key, constText === undefined ? options : { ...options, const: constText }, sink);
    if (field !== undefined && checkConst(field, temporal, sink)) fields.push(field);
  }
  return fields;
}

function reportUnknownField(resource: ResourceSpec, key: string, sink: ProblemSink): void {
  const names = resource.fields.map((field) => field.name);
  const closest = findClosestName(key, [...names, ...resource.fields.map((field) => field.exportHeader)]);
  const suggestion = closest === undefined ? undefined : findField(resource, closest)?.name;
  sink.add(
    ['fields', key],
    `${resource.name} has no field ${quoteForMessage(key)}`,
    suggestion === undefined ? `use one of ${names.join(', ')}` : `did you mean \`${suggestion}\`?`,
  );
}

function readFieldOptions(key: string, value: unknown, sink: ProblemSink): FieldOptions | undefined {
  if (typeof value === 'string' && value.length > 0) return { column: value };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    sink.add(['fields', key], `expected an ERP column name or an object, got ${quoteForMessage(value)}`,
      'write `Field: erp_column`, `Field: { const: … }` or `Field: { column: erp_column, type: … }`');
    return undefined;
  }
  const parsed = FIELD_OPTIONS_SCHEMA.safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
      for (const unknownKey of keys) {
        const path = unknownKey === undefined ? issue.path.map(String) : [unknownKey];
        const option = path[0] ?? '';
        const message = unknownKey === undefined ? issue.message : `unknown option ${quoteForMessage(unknownKey)}`;
        sink.add(['fields', key, ...path], message, FIELD_OPTION_FIXES[option] ?? `use only ${Object.keys(FIELD_OPTION_FIXES).join(', ')}`);
      }
    }
    return undefined;
  }
  const hasConst = 'const' in value;
  if (hasConst === (parsed.data.column !== undefined)) {
    sink.add(['fields', key], hasConst ? 'gives both `column` and `const`' : 'gives neither `column` nor `const`', 'give exactly one of `column: erp_column` or `const: value`');
    return undefined;
  }
  return hasConst ? { ...parsed.data, const: parsed.data.const ?? null } : parsed.data;
}

function buildMappedField(resource: ResourceSpec, spec: FieldSpec, key: string, options: FieldOptions, sink: ProblemSink): MappedField | undefined {
  const allowedTypes = TYPES_FOR_KIND[spec.kind];
  const type = options.type ?? allowedTypes[0] ?? 'string';
  const problemsBefore = sink.problems.length;
  if (!allowedTypes.includes(type)) {
    sink.add(['fields', key, 'type'], `type ${type} cannot feed ${spec.name}, a ${spec.kind} field`, `use type ${allowedTypes.join(' or ')}, or omit type`);
  }
  checkOptionFits(options, 'scale', type === 'decimal', `scale applies to type decimal, not ${type}`, key, sink);
  checkOptionFits(options, 'maxLength', type === 'string', `maxLength applies to type string, not ${type}`, key, sink);
  checkOptionFits(options, 'separator', type === 'list' && options.column !== undefined, `separator applies to a list read from a column, not ${options.column === undefined ? 'a const' : type}`, key, sink);
  if (sink.problems.length > problemsBefore) return undefined;
  const maxLength = minDefined(options.maxLength, spec.maxLength);
  return {
    name: spec.name,
    header: spec.exportHeader,
    path: `fields.${key}`,
    spec,
    ...(options.column === undefined ? { constValue: toConstValue(options.const) } : { column: options.column }),
    type,
    ...(options.scale === undefined ? {} : { scale: options.scale }),
    ...(maxLength === undefined ? {} : { maxLength }),
    ...(options.separator === undefined ? {} : { sourceSeparator: options.separator }),
    ...(type === 'list' ? { targetSeparator: spec.listSeparator ?? FALLBACK_LIST_SEPARATOR } : {}),
    booleanSpelling: spec.booleanSpelling ?? resource.booleanSpelling,
    onNull: options.onNull ?? 'skip',
  };
}

function checkOptionFits(options: FieldOptions, option: 'scale' | 'maxLength' | 'separator', fits: boolean, message: string, key: string, sink: ProblemSink): void {
  if (options[option] !== undefined && !fits) sink.add(['fields', key, option], message, `remove ${option}, or change the type`);
}

function checkConst(field: MappedField, temporal: TemporalFormatter, sink: ProblemSink): boolean {
  if (field.constValue === undefined || field.constValue === null) return true;
  const result = createFieldConverter(field, temporal)(field.constValue);
  if (!isConversionFailure(result)) return true;
  const key = field.path.slice('fields.'.length);
  sink.add(['fields', key, 'const'], `${quoteForMessage(field.constValue)} is not a valid ${field.type} for ${field.name}: ${result.reason}`,
    `give a ${field.type} value${field.spec.allowedValues === undefined ? '' : ` (one of ${field.spec.allowedValues.join(', ')})`}`);
  return false;
}

function toConstValue(value: FieldOptions['const']): string | boolean | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'number' ? String(value) : value;
}

function minDefined(left: number | undefined, right: number | undefined): number | undefined {
  if (left === undefined) return right;
  if (right === undefined) return left;
  return Math.min(left, right);
}
