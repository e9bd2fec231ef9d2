// The ERP half of a run: stream the mapping's query through its transforms, reject what cannot be
// sent (bad values, null or duplicate keys, new rows missing a required field) with file, row, key and
// field, classify every good row against Kibo's export, and write the rows to send as they stream by.
import { selectRowAction } from '../diff/compute-plan.ts';
import type { KeyedDiffer } from '../diff/compute-diff.ts';
import type { SyncMapping } from '../mapping/index.ts';
import { describeError } from '../support/errors.ts';
import { createErpRejections } from './erp-rejections.ts';
import type { KeyEncoder } from './sync-keys.ts';
import type { SyncDeps } from './sync-deps.ts';
import { createRequiredCheck, transformErpRows } from './transform-erp-rows.ts';
import { appendWrittenRow, formatCellTexts, type WrittenRows } from './written-rows.ts';

export interface ErpSideOutcome {
  readonly rowsRead: number;
  /** Rows that passed the transforms (the source count the guards compare). */
  readonly sourceCount: number;
  readonly rejectedCount: number;
  readonly rejectedKeys: ReadonlySet<string>;
  /** Rejected rows whose key could not be read: they could match any Kibo row. */
  readonly unkeyedRejections: number;
  /** Set when the read failed part-way: the plan must not rest on partial data. */
  readonly sourceError?: string;
}

export interface ErpSideInput {
  readonly mapping: SyncMapping;
  readonly runId: number;
  readonly differ: KeyedDiffer;
  readonly encodeRowKey: KeyEncoder;
  readonly resync: boolean;
  readonly delta: WrittenRows;
}

export async function readErpSide(deps: SyncDeps, input: ErpSideInput): Promise<ErpSideOutcome> {
  const { mapping, differ } = input;
  const missingRequired = createRequiredCheck(mapping);
  const fieldNames = mapping.fields.map((field) => field.name);
  const rejections = createErpRejections(deps, mapping, input.runId, input.encodeRowKey);
  let rowsRead = 0;
  let sourceCount = 0;
  let sourceError: string | undefined;
  try {
    for await (const { rowNumber, result, key } of transformErpRows(deps, mapping, input.encodeRowKey)) {
      rowsRead = rowNumber;
      if (key === undefined) {
        await rejections.addTransformProblems(rowNumber, result);
      } else if (differ.hasErpKey(key)) {
        await rejections.addDuplicate(rowNumber, key);
      } else if (!differ.hasKiboKey(key) && missingRequired(result).length > 0) {
        await rejections.addMissingRequired(rowNumber, key, missingRequired(result));
      } else {
        sourceCount += 1;
        const entry = differ.addErp(key, result.cells);
        if (selectRowAction(entry, input.resync) === 'write') {
          await appendWrittenRow(input.delta, formatCellTexts(result.cells, fieldNames, entry.clearedFields));
        }
      }
    }
  } catch (error) {
    deps.signal?.throwIfAborted();
    sourceError = `the ERP query failed after ${rowsRead} rows: ${describeError(error)}`;
    deps.logger.error({ err: error, sync: mapping.sync }, sourceError);
  }
  await rejections.flush();
  return { rowsRead, sourceCount, ...rejections.summary(), ...(sourceError ? { sourceError } : {}) };
}
