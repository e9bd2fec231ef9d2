// One mapping file: YAML (with line numbers) → section shapes (zod) → meaning (registry, cron, zone,
// key) → a frozen SyncMapping. Every problem in the file is reported, not just the first.
import { validateDetailed } from 'node-cron';
import type { Document } from 'yaml';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import type { ResourceSpec } from '../kibo/resources/resource-types.ts';
import { findField, findResource, listResourceNames } from '../kibo/resources/resource-registry.ts';
import { findClosestName } from './closest-name.ts';
import { buildProblem, createProblemSink, quoteForMessage } from './mapping-problems.ts';
import type { ProblemSink } from './mapping-problems.ts';
import { DEFAULT_GUARDS, DEFAULT_TIMEZONE, REQUIRED_SECTIONS, SECTION_FIXES, SECTION_NAMES, SECTION_SCHEMAS } from './mapping-schema.ts';
import type { SectionName } from './mapping-schema.ts';
import type { MappedField, MappingProblem, SyncMapping, SyncSource } from './mapping-types.ts';
import { resolveFields } from './resolve-fields.ts';
import { resolveKey } from './resolve-key.ts';
import { createTemporalFormatter } from './temporal-text.ts';
import { createLineLookup } from './yaml-lines.ts';

type Sections = { -readonly [K in SectionName]?: z.infer<(typeof SECTION_SCHEMAS)[K]> };

export function parseMapping(text: string, file: string): { mapping?: SyncMapping; problems: MappingProblem[] } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  if (document.errors.length > 0) {
    return {
      problems: document.errors.map((error) =>
        buildProblem(file, '', `invalid YAML: ${error.message.split('\n')[0] ?? error.code}`, 'fix the YAML syntax at that line', error.linePos?.[0].line)),
    };
  }
  if (!isMap(document.contents)) {
    return { problems: [buildProblem(file, '', 'the file is not a YAML mapping of keys (sync, resource, source, fields …)', 'start from a documented example such as mappings/products.yaml', 1)] };
  }
  const sink = createProblemSink(file, createLineLookup(document, lineCounter));
  const raw = document.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
  const sections = checkSections(raw, sink);
  const mapping = buildMapping(file, sections, collectConstSources(document), sink);
  return sink.problems.length === 0 && mapping !== undefined ? { mapping, problems: [] } : { problems: sink.problems };
}

function checkSections(raw: Readonly<Record<string, unknown>>, sink: ProblemSink): Sections {
  const sections: Record<string, unknown> = {};
  for (const key of Object.keys(raw)) {
    if ((SECTION_NAMES as string[]).includes(key)) continue;
    const closest = findClosestName(key, SECTION_NAMES);
    sink.add([key], `unknown key ${quoteForMessage(key)}`, closest === undefined ? `use only ${SECTION_NAMES.join(', ')}` : `did you mean \`${closest}\`?`);
  }
  for (const name of SECTION_NAMES) {
    const value = raw[name];
    if (value === undefined || value === null) {
      if (REQUIRED_SECTIONS.includes(name)) sink.add([], `missing \`${name}\``, SECTION_FIXES[name]);
      continue;
    }
    const parsed = SECTION_SCHEMAS[name].safeParse(value);
    if (parsed.success) {
      sections[name] = parsed.data;
      continue;
    }
    for (const issue of parsed.error.issues) {
      const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : [issue.path];
      const message = issue.code === 'unrecognized_keys' ? 'unknown key' : issue.message;
      for (const path of paths) sink.add([name, ...path.map((part) => (typeof part === 'symbol' ? String(part) : part))], message, SECTION_FIXES[name]);
    }
  }
  return sections as Sections;
}

function buildMapping(file: string, sections: Sections, constSources: ReadonlyMap<string, string>, sink: ProblemSink): SyncMapping | undefined {
  const resource = resolveResource(sections.resource, sink);
  checkSchedule(sections.schedule, sections.timezone ?? DEFAULT_TIMEZONE, sink);
  const timezone = checkTimezone(sections.timezone ?? DEFAULT_TIMEZONE, sink);
  const source = resolveSource(sections.source, sink);
  if (resource === undefined || sections.fields === undefined) return undefined;
  const temporal = createTemporalFormatter(timezone ?? DEFAULT_TIMEZONE);
  const fields = resolveFields(resource, sections.fields, constSources, temporal, sink);
  checkRequiredFields(resource, sections.fields, fields, sink);
  const key = resolveKey(resource, sections.key, fields, sink);
  if (sections.sync === undefined || source === undefined || timezone === undefined || key === undefined) return undefined;
  const keyFieldIndexes = key.map((name) => fields.findIndex((field) => field.name === name));
  return deepFreezeMapping({
    file,
    sync: sections.sync,
    resource,
    ...(sections.schedule === undefined ? {} : { schedule: sections.schedule }),
    timezone,
    after: [...new Set(sections.after ?? [])],
    source,
    key,
    keyFieldIndexes,
    fields,
    deletes: sections.deletes ?? 'ignore',
    guards: { ...DEFAULT_GUARDS, ...sections.guards },
    ...(sections.context === undefined ? {} : { context: sections.context }),
    lines: collectLines(sections, fields, sink),
  });
}

function resolveResource(name: string | undefined, sink: ProblemSink): ResourceSpec | undefined {
  if (name === undefined) return undefined;
  const resource = findResource(name);
  if (resource !== undefined) return resource;
  const names = listResourceNames();
  const closest = findClosestName(name, names);
  sink.add(['resource'], `unknown Kibo resource ${quoteForMessage(name)}`, closest === undefined ? `use one of ${names.join(', ')}` : `did you mean \`${closest}\`?`);
  return undefined;
}

function checkSchedule(schedule: string | undefined, timezone: string, sink: ProblemSink): void {
  if (schedule === undefined) return;
  const result = validateDetailed(schedule);
  if (result.valid) return;
  const reasons = result.errors.map((error) => error.message).join('; ');
  sink.add(['schedule'], `${quoteForMessage(schedule)} is not a valid cron expression: ${reasons}`,
    `${SECTION_FIXES.schedule} (it runs in ${timezone})`);
}

function checkTimezone(timezone: string, sink: ProblemSink): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return timezone;
  } catch {
    // RangeError is Intl's only way of saying the zone is unknown.
    sink.add(['timezone'], `unknown time zone ${quoteForMessage(timezone)}`, SECTION_FIXES.timezone);
    return undefined;
  }
}

function resolveSource(source: Sections['source'], sink: ProblemSink): SyncSource | undefined {
  if (source === undefined) return undefined;
  if (source.query !== undefined && source.table === undefined) return { kind: 'query', query: source.query };
  if (source.table !== undefined && source.query === undefined) return { kind: 'table', table: source.table };
  sink.add(['source'], source.query === undefined ? 'gives neither `query` nor `table`' : 'gives both `query` and `table`', SECTION_FIXES.source);
  return undefined;
}

function checkRequiredFields(resource: ResourceSpec, rawFields: Readonly<Record<string, unknown>>, fields: readonly MappedField[], sink: ProblemSink): void {
  // A field that was named but had its own problem (or misspelt, with a "did you mean") is not
  // reported again as unmapped.
  const fieldNames = resource.fields.map((field) => field.name);
  const named = new Set(Object.keys(rawFields).map((key) => findField(resource, key)?.name ?? findClosestName(key, fieldNames)));
  for (const field of resource.fields) {
    if (!field.required || field.defaultValue !== undefined || named.has(field.name)) continue;
    if (fields.some((mapped) => mapped.name === field.name)) continue;
    sink.add(['fields'], `required Kibo field ${field.name} of ${resource.name} is not mapped`,
      `add \`${field.name}: <erp column>\` or \`${field.name}: { const: … }\` under fields`);
  }
}

/** Numeric consts keep their source text, so `const: 00123` stays '00123' and long numbers stay exact. */
function collectConstSources(document: Document): Map<string, string> {
  const sources = new Map<string, string>();
  const fields = document.get('fields', true);
  if (!isMap(fields)) return sources;
  for (const pair of fields.items) {
    if (!isScalar(pair.key) || !isMap(pair.value)) continue;
    const constNode = pair.value.get('const', true);
    if (isScalar(constNode) && typeof constNode.value === 'number' && constNode.source !== undefined) {
      sources.set(String(pair.key.value), constNode.source);
    }
  }
  return sources;
}

function collectLines(sections: Sections, fields: readonly MappedField[], sink: ProblemSink): Record<string, number> {
  const lines: Record<string, number> = {};
  const record = (path: (string | number)[]): void => {
    const line = sink.lineOf(path, true);
    if (line !== undefined) lines[path.join('.')] = line;
  };
  for (const name of SECTION_NAMES) if (sections[name] !== undefined) record([name]);
  (sections.after ?? []).forEach((_name, index) => record(['after', index]));
  for (const field of fields) {
    const key = field.path.slice('fields.'.length);
    record(['fields', key]);
    if (field.column !== undefined) record(['fields', key, 'column']);
  }
  return lines;
}

function deepFreezeMapping(mapping: SyncMapping): SyncMapping {
  mapping.fields.forEach((field) => Object.freeze(field));
  for (const part of [mapping.fields, mapping.key, mapping.keyFieldIndexes, mapping.after, mapping.guards, mapping.source, mapping.lines]) Object.freeze(part);
  if (mapping.context !== undefined) Object.freeze(mapping.context);
  return Object.freeze(mapping);
}
