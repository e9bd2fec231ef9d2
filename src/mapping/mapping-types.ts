// The normalized, frozen form of one mapping file, and what its row transform produces.
// Parsing (parse-mapping.ts) turns the retailer's YAML into these; the engine only ever sees these.
import type { BooleanSpelling, FieldSpec, ResourceSpec } from '../kibo/resources/resource-types.ts';

/** Written as `~delete~`: the import clears the stored value. */
export const CLEAR: unique symbol = Symbol('kibo-sync.clear');
/** Written as a blank cell: the import leaves the stored value unchanged. */
export const SKIP: unique symbol = Symbol('kibo-sync.skip');
export type CellValue = string | typeof CLEAR | typeof SKIP;

export const TRANSFORM_TYPES = ['string', 'integer', 'decimal', 'boolean', 'date', 'datetime', 'list'] as const;
export type TransformType = (typeof TRANSFORM_TYPES)[number];

export type OnNull = 'skip' | 'clear';
export type DeletePolicy = 'ignore' | 'mirror';

/** How one Kibo field gets its value: everything a converter needs, resolved against the registry. */
export interface MappedField {
  /** Canonical Kibo field name (the registry's `name`, whatever spelling the file used). */
  readonly name: string;
  /** The CSV header to write (the registry's `exportHeader`). */
  readonly header: string;
  /** Where the file maps it, as written (`fields.Price`), for messages. */
  readonly path: string;
  readonly spec: FieldSpec;
  /** ERP column the value comes from; absent for a const. */
  readonly column?: string;
  /** A const's value as written in the file (numbers keep their YAML source text, e.g. `00123`). */
  readonly constValue?: string | boolean | null;
  readonly type: TransformType;
  /** Decimal places for `decimal` (round half away from zero); absent = canonical text, no forced scale. */
  readonly scale?: number;
  /** Effective limit: the smaller of the mapping's `maxLength` and the registry's. */
  readonly maxLength?: number;
  /** How a delimited text source is split (`list` only); defaults to the target separator. */
  readonly sourceSeparator?: string;
  /** Separator written between list values (the registry field's `listSeparator`). */
  readonly targetSeparator?: string;
  readonly booleanSpelling: BooleanSpelling;
  readonly onNull: OnNull;
}

export interface SyncGuards {
  readonly maxDeleteFraction: number;
  readonly maxDeletes: number;
  readonly maxSourceDrop: number;
}

export interface SyncContext {
  readonly masterCatalog?: number;
  readonly catalog?: number;
  readonly site?: number;
  readonly locale?: string;
  readonly currency?: string;
}

export type SyncSource = { readonly kind: 'query'; readonly query: string } | { readonly kind: 'table'; readonly table: string };

export interface SyncMapping {
  /** The file it came from (as given to parseMapping), for messages. */
  readonly file: string;
  readonly sync: string;
  readonly resource: ResourceSpec;
  /** Cron expression; absent = on demand only. */
  readonly schedule?: string;
  readonly timezone: string;
  readonly after: readonly string[];
  readonly source: SyncSource;
  /** Key field names (canonical), in key order. */
  readonly key: readonly string[];
  /** Index into `fields` of each key field, aligned with `key`. */
  readonly keyFieldIndexes: readonly number[];
  readonly fields: readonly MappedField[];
  readonly deletes: DeletePolicy;
  readonly guards: SyncGuards;
  readonly context?: SyncContext;
  /** YAML line of paths like `sync`, `after`, `fields.Price`, `fields.Price.column` (for later messages). */
  readonly lines: Readonly<Record<string, number>>;
}

export interface MappingProblem {
  readonly file: string;
  /** Dotted path inside the file, e.g. `fields.Price.scale`; empty for the file as a whole. */
  readonly path: string;
  readonly line?: number;
  readonly message: string;
  readonly fix?: string;
}

export interface RowProblem {
  readonly field: string;
  /** The ERP column read; absent for a const. */
  readonly column?: string;
  /** The offending value, as text, at most 80 characters. */
  readonly value: string;
  readonly reason: string;
}

export interface RowTransformResult {
  readonly ok: boolean;
  /** encodeKey(keyValues); empty string when a key field had no value. */
  readonly key: string;
  /** The key fields' formatted cell text, in key order. */
  readonly keyValues: readonly string[];
  /** Aligned with mapping.fields. */
  readonly cells: readonly CellValue[];
  readonly problems: readonly RowProblem[];
}

/** Column → position, as a Map or as the ordered column names of the batch (`ErpBatch.columns`). */
export type ColumnIndex = ReadonlyMap<string, number> | readonly string[];

export type SourceRow = Readonly<Record<string, unknown>> | readonly unknown[];

export type RowTransform = (row: SourceRow, columnIndex?: ColumnIndex) => RowTransformResult;
