// The safety guards a plan must pass before anything is uploaded. Each violation says what tripped,
// by how much, and what the operator can do; the plan turns any violation into a blocked run.
import type { DiffClass } from './compute-diff.ts';

export interface GuardSettings {
  readonly maxDeleteFraction: number;
  readonly maxDeletes: number;
  readonly maxSourceDrop: number;
}

export type GuardName =
  | 'emptySource'
  | 'sourceFailed'
  | 'maxDeleteFraction'
  | 'maxDeletes'
  | 'maxSourceDrop'
  | 'rejectedKeyWouldBeDeleted'
  | 'kiboRowsWithoutKey'
  | 'noBaseline';

export interface GuardViolation {
  readonly guard: GuardName;
  readonly message: string;
  readonly sampleKeys?: readonly string[];
}

export interface GuardInput {
  readonly counts: Readonly<Record<DiffClass, number>>;
  readonly sourceCount: number;
  readonly sourceFailed: boolean;
  /** Owned removed keys the snapshot would delete. */
  readonly deleteKeys: readonly string[];
  readonly rejectedKeys: ReadonlySet<string>;
  readonly lastGoodSourceCount: number | null;
  readonly guards: GuardSettings;
  /** Kibo rows whose key cells are blank: no snapshot can carry them, so it would delete them. */
  readonly unkeyedKiboRows?: number;
}

export const MAX_SAMPLE_KEYS = 20;

const APPROVE_HINT = 'if the deletes are intended, approve this plan by its planHash';

export function evaluateGuards(input: GuardInput): GuardViolation[] {
  const violations: GuardViolation[] = [];
  if (input.sourceFailed) {
    violations.push({
      guard: 'sourceFailed',
      message:
        `the ERP read failed after ${input.sourceCount} rows, so the plan would rest on partial data; ` +
        'fix the source (see the error logged for the read) and run again',
    });
  }
  if (input.deleteKeys.length === 0) return violations;
  const checks = [checkEmptySource, checkNoBaseline, checkDeleteFraction, checkDeleteCount, checkSourceDrop, checkRejected, checkUnkeyedKiboRows];
  for (const check of checks) {
    const violation = check(input);
    if (violation !== undefined) violations.push(violation);
  }
  return violations;
}

function checkEmptySource(input: GuardInput): GuardViolation | undefined {
  if (input.sourceCount > 0) return undefined;
  return {
    guard: 'emptySource',
    message:
      `the ERP source returned no accepted rows, which would delete all ${input.deleteKeys.length} owned Kibo rows; ` +
      `check the mapping's query and the ERP database; ${APPROVE_HINT}`,
    sampleKeys: input.deleteKeys.slice(0, MAX_SAMPLE_KEYS),
  };
}

function checkUnkeyedKiboRows(input: GuardInput): GuardViolation | undefined {
  const unkeyed = input.unkeyedKiboRows ?? 0;
  if (unkeyed === 0) return undefined;
  return {
    guard: 'kiboRowsWithoutKey',
    message:
      `${unkeyed} Kibo rows have a blank key field; a snapshot cannot name them, so deleteOmitted would delete them. ` +
      'Fill their key in Kibo, or use a key every record has (see keyNote in the registry); the deletes wait until then',
  };
}

function checkNoBaseline(input: GuardInput): GuardViolation | undefined {
  if (input.lastGoodSourceCount !== null) return undefined;
  return {
    guard: 'noBaseline',
    message:
      `first run of this sync (no earlier good source count) would delete ${input.deleteKeys.length} Kibo rows; ` +
      `review them; ${APPROVE_HINT}`,
    sampleKeys: input.deleteKeys.slice(0, MAX_SAMPLE_KEYS),
  };
}

function checkDeleteFraction(input: GuardInput): GuardViolation | undefined {
  const { changed, unchanged, removed } = input.counts;
  const kiboRows = changed + unchanged + removed;
  const fraction = kiboRows === 0 ? 1 : input.deleteKeys.length / kiboRows;
  if (fraction <= input.guards.maxDeleteFraction) return undefined;
  return {
    guard: 'maxDeleteFraction',
    message:
      `would delete ${input.deleteKeys.length} of ${kiboRows} Kibo rows (${formatPercent(fraction)}), over ` +
      `guards.maxDeleteFraction ${formatPercent(input.guards.maxDeleteFraction)}; check the ERP data, raise the guard, ` +
      `or ${APPROVE_HINT}`,
    sampleKeys: input.deleteKeys.slice(0, MAX_SAMPLE_KEYS),
  };
}

function checkDeleteCount(input: GuardInput): GuardViolation | undefined {
  if (input.deleteKeys.length <= input.guards.maxDeletes) return undefined;
  return {
    guard: 'maxDeletes',
    message:
      `would delete ${input.deleteKeys.length} Kibo rows, over guards.maxDeletes ${input.guards.maxDeletes}; ` +
      `check the ERP data, raise the guard, or ${APPROVE_HINT}`,
    sampleKeys: input.deleteKeys.slice(0, MAX_SAMPLE_KEYS),
  };
}

function checkSourceDrop(input: GuardInput): GuardViolation | undefined {
  const baseline = input.lastGoodSourceCount;
  if (baseline === null || baseline <= 0) return undefined;
  const drop = (baseline - input.sourceCount) / baseline;
  if (drop <= input.guards.maxSourceDrop) return undefined;
  return {
    guard: 'maxSourceDrop',
    message:
      `the ERP source fell from ${baseline} to ${input.sourceCount} rows (${formatPercent(drop)} fewer), over ` +
      `guards.maxSourceDrop ${formatPercent(input.guards.maxSourceDrop)}; check the query and the ERP, or ${APPROVE_HINT}`,
  };
}

function checkRejected(input: GuardInput): GuardViolation | undefined {
  if (input.rejectedKeys.size === 0) return undefined;
  const rejected = input.deleteKeys.filter((key) => input.rejectedKeys.has(key));
  if (rejected.length === 0) return undefined;
  return {
    guard: 'rejectedKeyWouldBeDeleted',
    message:
      `${rejected.length} Kibo rows would be deleted only because their ERP rows were rejected by the mapping's ` +
      'transforms this run; fix those ERP rows (see the rejected-row report) and run again',
    sampleKeys: rejected.slice(0, MAX_SAMPLE_KEYS),
  };
}

function formatPercent(fraction: number): string {
  return `${Number((fraction * 100).toFixed(2))}%`;
}
