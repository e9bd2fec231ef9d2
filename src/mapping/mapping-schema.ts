// The mapping file's shape, section by section (zod v4). Each section is checked on its own so one bad
// section never hides problems in the others; meaning (registry fields, cron, zones) is checked later.
import { z } from 'zod';
import { TRANSFORM_TYPES } from './mapping-types.ts';

export const SYNC_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;
const SYNC_NAME_RULE = 'lowercase letters, digits, "_" and "-", starting with a letter or digit';

export const DEFAULT_GUARDS = { maxDeleteFraction: 0.05, maxDeletes: 500, maxSourceDrop: 0.1 } as const;
export const DEFAULT_TIMEZONE = 'UTC';

const syncName = z.string().regex(SYNC_NAME_PATTERN, `a sync name uses ${SYNC_NAME_RULE}`);
const fraction = z.number().min(0).max(1);
const catalogId = z.number().int().positive();

export const SECTION_SCHEMAS = {
  sync: syncName,
  resource: z.string().min(1),
  schedule: z.string().min(1).optional(),
  timezone: z.string().min(1).optional(),
  after: z.array(syncName).optional(),
  source: z.strictObject({
    query: z.string().trim().min(1, 'the query is empty').optional(),
    table: z
      .string()
      .regex(/^[^.\s]+(\.[^.\s]+)?$/, 'a table is written `name` or `schema.name`')
      .optional(),
  }),
  key: z.array(z.string().min(1)).min(1, 'the key lists no fields').optional(),
  fields: z.record(z.string(), z.unknown()),
  deletes: z.enum(['ignore', 'mirror']).optional(),
  guards: z
    .strictObject({ maxDeleteFraction: fraction.optional(), maxDeletes: z.number().int().min(0).optional(), maxSourceDrop: fraction.optional() })
    .optional(),
  context: z
    .strictObject({
      masterCatalog: catalogId.optional(),
      catalog: catalogId.optional(),
      site: catalogId.optional(),
      locale: z.string().min(2).optional(),
      currency: z.string().regex(/^[A-Z]{3}$/, 'a currency is a 3-letter ISO code such as USD').optional(),
    })
    .optional(),
} as const;

export type SectionName = keyof typeof SECTION_SCHEMAS;
export const SECTION_NAMES = Object.keys(SECTION_SCHEMAS) as SectionName[];
export const REQUIRED_SECTIONS: readonly SectionName[] = ['sync', 'resource', 'source', 'fields'];

/** What to write instead, per section (the first path segment of a problem). */
export const SECTION_FIXES: Readonly<Record<SectionName, string>> = {
  sync: `name the sync with ${SYNC_NAME_RULE}, e.g. \`sync: products\``,
  resource: 'name a Kibo Import/Export resource, e.g. `resource: Products`',
  schedule: 'write a 5- or 6-field cron expression in quotes, e.g. `schedule: "*/30 * * * *"`, or omit it',
  timezone: 'use an IANA zone name such as `UTC` or `Europe/Berlin`',
  after: 'list sync names, e.g. `after: [attributes]`',
  source: 'give exactly one of `query: select …` or `table: schema.name`',
  key: 'list Kibo field names, e.g. `key: [ProductCode]`, or omit it to use the resource\'s key',
  fields: 'map Kibo field names to an ERP column, `{ const: … }` or `{ column: …, type: … }`',
  deletes: 'use `deletes: ignore` or `deletes: mirror`',
  guards: 'use `guards: { maxDeleteFraction: 0.05, maxDeletes: 500, maxSourceDrop: 0.10 }` (fractions 0–1, whole counts)',
  context: 'use `context: { masterCatalog: 1, catalog: 1, site: 100001, locale: en-US, currency: USD }`',
};

const constValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** The long form of one field: `{ column | const, type, scale, maxLength, separator, onNull }`. */
export const FIELD_OPTIONS_SCHEMA = z.strictObject({
  column: z.string().min(1).optional(),
  const: constValue.optional(),
  type: z.enum(TRANSFORM_TYPES).optional(),
  scale: z.number().int().min(0).max(30).optional(),
  maxLength: z.number().int().positive().optional(),
  separator: z.string().min(1).optional(),
  onNull: z.enum(['skip', 'clear']).optional(),
});
export type FieldOptions = z.infer<typeof FIELD_OPTIONS_SCHEMA>;

export const FIELD_OPTION_FIXES: Readonly<Record<string, string>> = {
  column: 'name the ERP column the query returns, e.g. `column: list_price`',
  const: 'give a text, number or true/false, e.g. `const: Master`',
  type: `use one of ${TRANSFORM_TYPES.join(', ')}`,
  scale: 'use a whole number of decimals from 0 to 30, e.g. `scale: 2`',
  maxLength: 'use a positive whole number of characters',
  separator: 'give the text that separates values in the ERP column, e.g. `separator: ";"`',
  onNull: 'use `onNull: skip` (leave Kibo unchanged) or `onNull: clear` (write ~delete~)',
};
