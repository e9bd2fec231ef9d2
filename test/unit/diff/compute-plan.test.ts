import { describe, expect, it } from 'vitest';
import { computePlan, selectRowAction } from '../../../src/diff/compute-plan.ts';
import type { PlanInput } from '../../../src/diff/compute-plan.ts';

const GUARDS = { maxDeleteFraction: 0.05, maxDeletes: 500, maxSourceDrop: 0.1 };

function keys(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i}`);
}

/** 100 Kibo rows, 100 ERP rows, nothing removed: a steady state to vary one input at a time. */
function planInput(overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    deletes: 'mirror',
    counts: { added: 0, changed: 0, unchanged: 100, removed: 0 },
    sourceCount: 100,
    sourceFailed: false,
    removedKeys: [],
    ownedKeys: new Set<string>(),
    rejectedKeys: new Set<string>(),
    lastGoodSourceCount: 100,
    guards: GUARDS,
    resync: false,
    ...overrides,
  };
}

/** `removed` Kibo rows missing from the ERP, all owned, out of 100 Kibo rows in all. */
function withRemoved(removed: number, overrides: Partial<PlanInput> = {}): PlanInput {
  const removedKeys = keys('R', removed);
  return planInput({
    counts: { added: 0, changed: 2, unchanged: 98 - removed, removed },
    sourceCount: 100 - removed,
    lastGoodSourceCount: 100 - removed,
    removedKeys,
    ownedKeys: new Set(removedKeys),
    ...overrides,
  });
}

describe('computePlan: actions', () => {
  it('does nothing when nothing was added, changed or deleted', () => {
    const plan = computePlan(planInput());
    expect(plan).toMatchObject({ action: 'nothing', deleteKeys: [], keepUnownedKeys: 0, violations: [], approved: false });
    expect(plan.summary).toMatch(/^nothing: 0 added, 0 changed, 100 unchanged/);
  });

  it('sends a delta of added and changed rows when nothing must be deleted', () => {
    const plan = computePlan(planInput({ counts: { added: 3, changed: 2, unchanged: 95, removed: 0 } }));
    expect(plan.action).toBe('delta');
    expect(plan.summary).toContain('5 rows to send');
  });

  it('with resync sends every ERP row, even when none changed', () => {
    const plan = computePlan(planInput({ resync: true }));
    expect(plan.action).toBe('delta');
    expect(plan.summary).toContain('resync sends all 100 ERP rows');
  });

  it('builds a snapshot deleting only owned removed keys; unowned ones are carried unchanged', () => {
    const plan = computePlan(
      planInput({
        counts: { added: 0, changed: 0, unchanged: 97, removed: 3 },
        sourceCount: 97,
        removedKeys: ['MINE-1', 'THEIRS-1', 'MINE-2'],
        ownedKeys: (key) => key.startsWith('MINE'),
      }),
    );
    expect(plan.action).toBe('snapshot');
    expect(plan.deleteKeys).toEqual(['MINE-1', 'MINE-2']);
    expect(plan.keepUnownedKeys).toBe(1);
    expect(plan.violations).toEqual([]);
    expect(plan.summary).toContain('the snapshot sends all 97 ERP rows and 1 unowned Kibo rows unchanged');
  });

  it('never deletes when no removed key is owned: a delta (or nothing) instead', () => {
    const input = planInput({
      counts: { added: 0, changed: 1, unchanged: 97, removed: 2 },
      removedKeys: ['THEIRS-1', 'THEIRS-2'],
      ownedKeys: new Set(['SOMETHING-ELSE']),
    });
    const plan = computePlan(input);
    expect(plan).toMatchObject({ action: 'delta', deleteKeys: [], keepUnownedKeys: 0 });
    expect(computePlan({ ...input, counts: { added: 0, changed: 0, unchanged: 98, removed: 2 } }).action).toBe('nothing');
  });

  it('with deletes: ignore reports removed keys but never deletes them', () => {
    const plan = computePlan(withRemoved(3, { deletes: 'ignore' }));
    expect(plan).toMatchObject({ action: 'delta', deleteKeys: [], keepUnownedKeys: 0, violations: [] });
    expect(plan.summary).toContain('3 Kibo rows missing from the ERP (deletes: ignore, kept)');
  });

  it('with deletes: ignore does not trip delete guards even on an empty source', () => {
    const plan = computePlan(withRemoved(3, { deletes: 'ignore', sourceCount: 0, lastGoodSourceCount: null }));
    expect(plan.violations).toEqual([]);
  });
});

describe('computePlan: guards (any violation blocks the whole run)', () => {
  it('passes a small owned delete within every guard', () => {
    const plan = computePlan(withRemoved(3));
    expect(plan.action).toBe('snapshot');
    expect(plan.deleteKeys).toHaveLength(3);
  });

  it('blocks deleting 40% (maxDeleteFraction), listing up to 20 sample keys', () => {
    const plan = computePlan(withRemoved(40, { guards: { ...GUARDS, maxDeletes: 1000 } }));
    expect(plan.action).toBe('blocked');
    expect(plan.violations.map((v) => v.guard)).toEqual(['maxDeleteFraction']);
    expect(plan.violations[0]?.message).toContain('would delete 40 of 100 Kibo rows (40%), over guards.maxDeleteFraction 5%');
    expect(plan.violations[0]?.sampleKeys).toHaveLength(20);
    expect(plan.deleteKeys).toHaveLength(40); // what was held back is still shown
    expect(plan.summary).toMatch(/^blocked by maxDeleteFraction \(nothing uploaded; the snapshot was held back\)/);
  });

  it('blocks more deletes than maxDeletes', () => {
    const plan = computePlan(withRemoved(4, { guards: { ...GUARDS, maxDeletes: 3 } }));
    expect(plan.violations.map((v) => v.guard)).toEqual(['maxDeletes']);
    expect(computePlan(withRemoved(3, { guards: { ...GUARDS, maxDeletes: 3 } })).action).toBe('snapshot');
  });

  it('blocks when the source fell by more than maxSourceDrop since the last good run', () => {
    const plan = computePlan(withRemoved(3, { lastGoodSourceCount: 120 }));
    expect(plan.violations.map((v) => v.guard)).toEqual(['maxSourceDrop']);
    expect(plan.violations[0]?.message).toContain('fell from 120 to 97 rows');
    expect(computePlan(withRemoved(3, { lastGoodSourceCount: 107 })).action).toBe('snapshot'); // 9.3% drop
  });

  it('blocks deletes on an empty source', () => {
    const plan = computePlan(withRemoved(3, { sourceCount: 0, guards: { maxDeleteFraction: 1, maxDeletes: 1000, maxSourceDrop: 1 } }));
    expect(plan.violations.map((v) => v.guard)).toEqual(['emptySource']);
  });

  it('blocks deletes on a first run without a baseline', () => {
    const plan = computePlan(withRemoved(3, { lastGoodSourceCount: null }));
    expect(plan.violations.map((v) => v.guard)).toEqual(['noBaseline']);
    expect(computePlan(planInput({ lastGoodSourceCount: null, counts: { added: 5, changed: 0, unchanged: 0, removed: 0 } })).action).toBe(
      'delta',
    );
  });

  it('blocks deleting a key whose ERP row was rejected this run, naming it', () => {
    const plan = computePlan(withRemoved(3, { rejectedKeys: new Set(['R1', 'UNRELATED']) }));
    expect(plan.violations.map((v) => v.guard)).toEqual(['rejectedKeyWouldBeDeleted']);
    expect(plan.violations[0]?.sampleKeys).toEqual(['R1']);
  });

  it('blocks a snapshot, unapprovably, while Kibo has rows without a readable key (the snapshot would delete them)', () => {
    const plan = computePlan(withRemoved(3, { unkeyedKiboRows: 2 }));
    expect(plan.action).toBe('blocked');
    expect(plan.violations.map((v) => v.guard)).toEqual(['kiboRowsWithoutKey']);
    expect(computePlan(withRemoved(3, { unkeyedKiboRows: 2, approvedPlanHash: plan.planHash })).action).toBe('blocked');
    // no deletes pending: a delta never omits anything, so the unkeyed rows do not matter
    expect(computePlan(planInput({ unkeyedKiboRows: 2, counts: { added: 1, changed: 0, unchanged: 9, removed: 0 } })).action).toBe('delta');
  });

  it('blocks any run, delta included, when the source read failed', () => {
    const plan = computePlan(planInput({ sourceFailed: true, counts: { added: 5, changed: 0, unchanged: 50, removed: 0 }, sourceCount: 55 }));
    expect(plan.action).toBe('blocked');
    expect(plan.violations.map((v) => v.guard)).toEqual(['sourceFailed']);
  });

  it('reports every violated guard together', () => {
    const plan = computePlan(withRemoved(40, { sourceCount: 0, lastGoodSourceCount: null, rejectedKeys: new Set(['R5']) }));
    expect(plan.violations.map((v) => v.guard).sort()).toEqual(
      ['emptySource', 'maxDeleteFraction', 'noBaseline', 'rejectedKeyWouldBeDeleted'].sort(),
    );
  });
});

describe('computePlan: approvals', () => {
  it('lets a blocked plan through when approvedPlanHash matches it', () => {
    const blocked = computePlan(withRemoved(40));
    expect(blocked.action).toBe('blocked');
    const approved = computePlan(withRemoved(40, { approvedPlanHash: blocked.planHash }));
    expect(approved).toMatchObject({ action: 'snapshot', approved: true, planHash: blocked.planHash });
    expect(approved.violations.map((v) => v.guard)).toEqual(['maxDeleteFraction']);
    expect(approved.summary).toMatch(/^snapshot \(approved despite maxDeleteFraction\)/);
  });

  it('gives the same hash regardless of the order removed keys arrive in', () => {
    const forward = computePlan(withRemoved(40));
    const reversed = computePlan(withRemoved(40, { removedKeys: keys('R', 40).reverse() }));
    expect(reversed.planHash).toBe(forward.planHash);
  });

  it('voids an approval when the data changed: other delete keys, other counts', () => {
    const original = computePlan(withRemoved(40));
    const otherKeys = withRemoved(40, { removedKeys: [...keys('R', 39), 'R-OTHER'], ownedKeys: () => true });
    const otherCounts = withRemoved(40, { counts: { added: 1, changed: 2, unchanged: 58, removed: 40 } });
    const oneMoreDelete = withRemoved(41);
    for (const input of [otherKeys, otherCounts, oneMoreDelete]) {
      const plan = computePlan({ ...input, approvedPlanHash: original.planHash });
      expect(plan.planHash).not.toBe(original.planHash);
      expect(plan).toMatchObject({ action: 'blocked', approved: false });
    }
  });

  it('cannot approve a failed source read or deleting a rejected key', () => {
    const failed = computePlan(withRemoved(3, { sourceFailed: true }));
    expect(computePlan(withRemoved(3, { sourceFailed: true, approvedPlanHash: failed.planHash })).action).toBe('blocked');
    const rejected = computePlan(withRemoved(3, { rejectedKeys: new Set(['R0']) }));
    expect(computePlan(withRemoved(3, { rejectedKeys: new Set(['R0']), approvedPlanHash: rejected.planHash })).action).toBe('blocked');
  });

  it('ignores an approval when nothing is blocked', () => {
    const plan = computePlan(withRemoved(3, { approvedPlanHash: 'not-this-plan' }));
    expect(plan).toMatchObject({ action: 'snapshot', approved: false });
  });
});

describe('selectRowAction', () => {
  it('writes added and changed rows, skips unchanged unless writing all', () => {
    expect(selectRowAction({ class: 'added' }, false)).toBe('write');
    expect(selectRowAction({ class: 'changed' }, false)).toBe('write');
    expect(selectRowAction({ class: 'unchanged' }, false)).toBe('skip');
    expect(selectRowAction({ class: 'unchanged' }, true)).toBe('write');
    expect(selectRowAction({ class: 'removed' }, true)).toBe('skip');
  });
});
