// The mapping module's public surface: parse and validate mapping files, then transform ERP rows.
export { CLEAR, SKIP, TRANSFORM_TYPES } from './mapping-types.ts';
export type {
  CellValue,
  ColumnIndex,
  DeletePolicy,
  MappedField,
  MappingProblem,
  OnNull,
  RowProblem,
  RowTransform,
  RowTransformResult,
  SourceRow,
  SyncContext,
  SyncGuards,
  SyncMapping,
  SyncSource,
  TransformType,
} from './mapping-types.ts';
export { parseMapping } from './parse-mapping.ts';
export { validateMappingSet } from './validate-mapping-set.ts';
export type { MappingSetOptions } from './validate-mapping-set.ts';
export { assertSourceColumns } from './assert-source-columns.ts';
export { formatMappingProblems } from './mapping-problems.ts';
export { compileRowTransform } from './compile-row-transform.ts';
export { decodeKey, encodeKey } from './encode-key.ts';
export { DEFAULT_GUARDS, DEFAULT_TIMEZONE } from './mapping-schema.ts';
