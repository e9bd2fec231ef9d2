// What a run will upload, decided from the diff before anything leaves the machine.
//
// Decisions (documented for the engine and the operator):
// - Nothing to delete → 'delta': added + changed rows (every ERP row with resync), deleteOmitted false.
// - Removed keys with deletes: mirror → 'snapshot': every ERP row, plus every removed Kibo row this sync
//   does not own (carried unchanged), deleteOmitted true; so only OWNED removed keys are deleted.
// - deletes: ignore → removed keys are reported, never deleted; the plan stays a delta.
// - A guard violation blocks the WHOLE run: nothing is uploaded, not even the upserts, so an operator
//   sees one consistent state and approves (or fixes) the complete plan. Approval = approvedPlanHash
//   equal to this plan's planHash; any change in the delete keys or the counts yields another hash.
// - The delete guards are evaluated only when deletes are pending: with nothing to delete, an empty or
//   shrunken source can only mean fewer upserts. A failed source read blocks every run, delta included,
//   and cannot be approved: the rows read are an unknown fraction of the truth. Deleting a key whose
//   ERP row was rejected this run cannot be approved either (fix the row instead).
// - maxDeleteFraction divides by the Kibo rows of this sync's resource in the export
//   (changed + unchanged + removed): ownership of matched rows is not known to the plan.
import { createHash } from 'node:crypto';
import type { DiffClass, DiffEntry } from './compute-diff.ts';
import { evaluateGuards } from './evaluate-guards.ts';
import type { GuardSettings, GuardViolation } from './evaluate-guards.ts';

export type { GuardSettings, GuardViolation } from './evaluate-guards.ts';

export interface PlanInput {
  readonly deletes: 'ignore' | 'mirror';
  readonly counts: Readonly<Record<DiffClass, number>>;
  /** ERP rows accepted by the transforms. */
  readonly sourceCount: number;
  /** The ERP read failed part-way. */
  readonly sourceFailed: boolean;
  /** Kibo keys absent from the ERP. */
  readonly removedKeys: readonly string[];
  /** Keys this sync created or updated (from its state). */
  readonly ownedKeys: ReadonlySet<string> | ((key: string) => boolean);
  /** Keys of ERP rows rejected by the transforms this run. */
  readonly rejectedKeys: ReadonlySet<string>;
  /** null = no baseline (first run). */
  readonly lastGoodSourceCount: number | null;
  readonly guards: GuardSettings;
  /** An approval for a previously blocked plan. */
  readonly approvedPlanHash?: string;
  /** Send every ERP row, changed or not; the guards stay on. */
  readonly resync: boolean;
  /** Kibo rows whose key cells are blank (never matched; a snapshot would delete them). */
  readonly unkeyedKiboRows?: number;
}

/**
 * Guards an approval cannot override: a partial source read, and deleting a record only because its ERP
 * row was malformed this run. Both are fixed at the source, not waved through.
 */
const UNAPPROVABLE_GUARDS: ReadonlySet<GuardViolation['guard']> = new Set(['sourceFailed', 'rejectedKeyWouldBeDeleted', 'kiboRowsWithoutKey']);

export type PlanAction = 'nothing' | 'delta' | 'snapshot' | 'blocked';

export interface Plan {
  readonly action: PlanAction;
  /** Owned removed keys that a snapshot deletes (also listed when blocked, to show what was held back). */
  readonly deleteKeys: readonly string[];
  /** Removed Kibo rows this sync does not own, carried unchanged in the snapshot (0 unless a snapshot). */
  readonly keepUnownedKeys: number;
  readonly violations: readonly GuardViolation[];
  /** Stable hash of what the plan would do: the key an operator's approval must match. */
  readonly planHash: string;
  /** True when violations were overridden by a matching approvedPlanHash. */
  readonly approved: boolean;
  readonly summary: string;
}

export function computePlan(input: PlanInput): Plan {
  const isOwned = toOwnershipTest(input.ownedKeys);
  const mirror = input.deletes === 'mirror';
  const deleteKeys = mirror ? input.removedKeys.filter(isOwned) : [];
  const unownedRemoved = input.removedKeys.length - (mirror ? deleteKeys.length : 0);
  const writeCount = countWrites(input);
  const intended: PlanAction = deleteKeys.length > 0 ? 'snapshot' : writeCount > 0 ? 'delta' : 'nothing';
  const keepUnownedKeys = intended === 'snapshot' ? unownedRemoved : 0;
  const planHash = computePlanHash(input, intended, deleteKeys, keepUnownedKeys);
  const violations = evaluateGuards({ ...input, deleteKeys });
  const approvable = violations.length > 0 && violations.every((violation) => !UNAPPROVABLE_GUARDS.has(violation.guard));
  const approved = approvable && input.approvedPlanHash === planHash;
  const action: PlanAction = violations.length > 0 && !approved ? 'blocked' : intended;
  const summary = formatPlanSummary({ input, intended, action, deleteKeys, keepUnownedKeys, writeCount, violations });
  return { action, deleteKeys, keepUnownedKeys, violations, planHash, approved, summary };
}

/**
 * Whether an ERP row goes into the upload. Pass `writeAll = resync || plan.action === 'snapshot'`:
 * a snapshot must contain every ERP row, or deleteOmitted would delete the unchanged ones.
 */
export function selectRowAction(entry: Pick<DiffEntry, 'class'>, writeAll: boolean): 'write' | 'skip' {
  if (entry.class === 'removed') return 'skip';
  if (writeAll) return 'write';
  return entry.class === 'added' || entry.class === 'changed' ? 'write' : 'skip';
}

function toOwnershipTest(owned: PlanInput['ownedKeys']): (key: string) => boolean {
  return typeof owned === 'function' ? owned : (key) => owned.has(key);
}

function countWrites(input: PlanInput): number {
  const { added, changed, unchanged } = input.counts;
  return input.resync ? added + changed + unchanged : added + changed;
}

function computePlanHash(input: PlanInput, intended: PlanAction, deleteKeys: readonly string[], keep: number): string {
  const hash = createHash('sha256');
  const { added, changed, unchanged, removed } = input.counts;
  hash.update(
    JSON.stringify({
      intended,
      deletes: input.deletes,
      resync: input.resync,
      counts: [added, changed, unchanged, removed],
      sourceCount: input.sourceCount,
      keepUnownedKeys: keep,
      deleteKeyCount: deleteKeys.length,
    }),
  );
  // Sorted so the order the export listed the rows in does not change the hash; NUL cannot occur in a key's CSV text.
  for (const key of [...deleteKeys].sort()) hash.update(`\u0000${key}`);
  return hash.digest('hex');
}

interface SummaryParts {
  readonly input: PlanInput;
  readonly intended: PlanAction;
  readonly action: PlanAction;
  readonly deleteKeys: readonly string[];
  readonly keepUnownedKeys: number;
  readonly writeCount: number;
  readonly violations: readonly GuardViolation[];
}

function formatPlanSummary(parts: SummaryParts): string {
  const { input, intended, action, deleteKeys, writeCount, violations } = parts;
  const { added, changed, unchanged } = input.counts;
  const rows = `${added} added, ${changed} changed, ${unchanged} unchanged`;
  const erpRows = added + changed + unchanged;
  const sent =
    intended === 'snapshot'
      ? `the snapshot sends all ${erpRows} ERP rows and ${parts.keepUnownedKeys} unowned Kibo rows unchanged`
      : input.resync
        ? `resync sends all ${writeCount} ERP rows`
        : `${writeCount} rows to send`;
  const leftAlone = input.removedKeys.length - deleteKeys.length;
  const removedNote =
    input.removedKeys.length === 0
      ? ''
      : `; ${input.removedKeys.length} Kibo rows missing from the ERP` +
        (input.deletes === 'mirror' ? ` (${deleteKeys.length} owned to delete, ${leftAlone} not owned kept)` : ' (deletes: ignore, kept)');
  const base = `${rows}; ${sent}${removedNote}`;
  const guardNames = violations.map((violation) => violation.guard).join(', ');
  if (action === 'blocked') return `blocked by ${guardNames} (nothing uploaded; the ${intended} was held back): ${base}`;
  if (violations.length > 0) return `${action} (approved despite ${guardNames}): ${base}`;
  if (action === 'snapshot') return `snapshot with deleteOmitted: ${base}`;
  return `${action}: ${base}`;
}
