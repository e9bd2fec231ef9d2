// Our own narrow view of Kibo's Import/Export JSON. Answers from the SDK are validated here so the
// engine never touches SDK models (whose fields are all optional and nullable, and which carry
// generator artefacts such as `_configuration`). Unknown fields are dropped; nulls become undefined.
import { z } from 'zod';

/** The fetch shape the SDK calls: a string URL plus an init (isomorphic-fetch conventions). */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

const optionalString = z
  .string()
  .nullish()
  .transform((value) => value ?? undefined);
const optionalNumber = z
  .number()
  .nullish()
  .transform((value) => value ?? undefined);
const optionalBoolean = z
  .boolean()
  .nullish()
  .transform((value) => value ?? undefined);

export const dropLocationSchema = z.object({
  id: z.string().min(1),
  fileName: optionalString,
  fileType: optionalString,
  locationType: optionalString,
  uri: optionalString,
});
export type DropLocation = z.infer<typeof dropLocationSchema>;

export const contextOverrideSchema = z.object({
  locale: optionalString,
  currency: optionalString,
  masterCatalog: optionalNumber,
  catalog: optionalNumber,
  site: optionalNumber,
});
export type ContextOverride = z.infer<typeof contextOverrideSchema>;

export const jobResourceSchema = z.object({
  resource: z.string().min(1),
  format: optionalString,
  deleteOmitted: optionalBoolean,
  fields: z
    .array(z.string())
    .nullish()
    .transform((value) => value ?? undefined),
  status: optionalString,
  statusMessage: optionalString,
  isComplete: z
    .boolean()
    .nullish()
    .transform((value) => value ?? false),
  stateDetails: optionalString,
});
export type KiboJobResource = z.infer<typeof jobResourceSchema>;

export const auditInfoSchema = z.object({
  createDate: optionalString,
  updateDate: optionalString,
  createBy: optionalString,
  updateBy: optionalString,
});
export type KiboAuditInfo = z.infer<typeof auditInfoSchema>;

export const kiboJobSchema = z.object({
  id: z.string().min(1),
  name: optionalString,
  domain: optionalString,
  resources: z
    .array(jobResourceSchema)
    .nullish()
    .transform((value) => value ?? []),
  contextOverride: contextOverrideSchema.nullish().transform((value) => value ?? undefined),
  isComplete: z
    .boolean()
    .nullish()
    .transform((value) => value ?? false),
  status: optionalString,
  statusMessage: optionalString,
  files: z
    .array(dropLocationSchema)
    .nullish()
    .transform((value) => value ?? []),
  auditInfo: auditInfoSchema.nullish().transform((value) => value ?? undefined),
});
export type KiboJob = z.infer<typeof kiboJobSchema>;

/** Kibo's list answers a bare array (observed); its docs also speak of an `items` page. Accept both. */
export const kiboJobListSchema = z.union([
  z.array(kiboJobSchema),
  z.object({ items: z.array(kiboJobSchema).nullish().transform((value) => value ?? []) }).transform((page) => page.items),
]);

export type JobKind = 'import' | 'export';
export type KiboDomain = 'catalog' | 'customer';

export interface ImportJobRequest {
  readonly name: string;
  readonly domain: KiboDomain;
  readonly resources: readonly { readonly resource: string; readonly format?: string; readonly deleteOmitted: boolean }[];
  /** The uploaded zip (a DropLocation from uploadFile). */
  readonly files: readonly DropLocation[];
  readonly contextOverride?: ContextOverride;
}

export interface ExportJobRequest {
  readonly name: string;
  readonly domain: KiboDomain;
  /** `fields: ['*']` asks for every field; optional fields are left out unless named. */
  readonly resources: readonly { readonly resource: string; readonly format?: string; readonly fields?: readonly string[] }[];
  readonly contextOverride?: ContextOverride;
}

/** The `format` every documented example sends. */
export const KIBO_JOB_FORMAT = 'Legacy';

/**
 * Validates a JSON answer against a schema; the error names the operation and the offending paths
 * so a changed Kibo answer is diagnosable from the message alone.
 */
export function parseWireValue<T>(schema: z.ZodType<T>, value: unknown, operation: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
  throw new Error(
    `Kibo ${operation} answered JSON this client does not understand (${problems}). ` +
      'The Import/Export API may have changed; capture the answer and update src/kibo/wire-types.ts.',
    { cause: result.error },
  );
}
