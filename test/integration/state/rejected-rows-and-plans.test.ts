import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  VALUE_EXCERPT_MAX_CHARS,
  approvePlan,
  closeStateDb,
  consumeApproval,
  createStateDb,
  findPlan,
  listRejectedRows,
  recordRejectedRows,
  savePlan,
  startRun,
  type SavePlanInput,
  type RejectedRow,
} from '../../../src/state/index.ts';
import { createMigratedStateDb, type StateTestDb } from './state-test-db.ts';

const T0 = new Date(Date.UTC(2026, 4, 1, 9, 0, 0));

describe('rejected rows', () => {
  let state: StateTestDb;
  beforeAll(async () => {
    state = await createMigratedStateDb('state rejected');
  });
  afterAll(async () => {
    await state.close();
  });

  it('stores rejected rows in batches with where and why, and cuts long values to an excerpt', async () => {
    const run = await startRun(state.db, { sync: 'catalog', trigger: 'manual', resync: false, dryRun: false, startedAt: T0 });
    const other = await startRun(state.db, { sync: 'customers', trigger: 'manual', resync: false, dryRun: false, startedAt: T0 });
    const longValue = '€'.repeat(150) + '😀'.repeat(100);
    const many: RejectedRow[] = Array.from({ length: 2_500 }, (_, i) => ({
      source: 'erp',
      file: 'mappings/catalog.yaml',
      rowNumber: i + 1,
      key: `SKU-${i}`,
      field: 'Price',
      reason: 'not a decimal',
      value: `x${i}`,
    }));
    const stored = await recordRejectedRows(state.db, run.id, 'catalog', [
      ...many,
      { source: 'kibo', file: 'products.csv', rowNumber: 7, key: 'SKU-LONG', field: 'Content', reason: 'too long', value: longValue },
      { source: 'kibo', reason: 'import log: unknown error' },
    ]);
    expect(stored).toBe(2_502);
    await recordRejectedRows(state.db, other.id, 'customers', [{ source: 'erp', reason: 'missing email', key: 'C-1' }]);

    const first = await listRejectedRows(state.db, { runId: run.id, limit: 2 });
    expect(first).toEqual([
      expect.objectContaining({ runId: run.id, sync: 'catalog', source: 'erp', file: 'mappings/catalog.yaml', rowNumber: 1,
        key: 'SKU-0', field: 'Price', reason: 'not a decimal', valueExcerpt: 'x0' }),
      expect.objectContaining({ rowNumber: 2, key: 'SKU-1' }),
    ]);
    const all = await listRejectedRows(state.db, { runId: run.id, limit: 10_000 });
    expect(all).toHaveLength(2_502);
    const long = all.find((row) => row.key === 'SKU-LONG');
    const excerpt = Array.from(long?.valueExcerpt ?? '');
    expect(excerpt).toHaveLength(VALUE_EXCERPT_MAX_CHARS);
    expect(excerpt.slice(0, 150).join('')).toBe('€'.repeat(150));
    expect(excerpt.at(-2)).toBe('😀');
    expect(excerpt.at(-1)).toBe('…');
    expect(all.at(-1)).toEqual(expect.objectContaining({ source: 'kibo', reason: 'import log: unknown error',
      file: undefined, rowNumber: undefined, key: undefined, field: undefined, valueExcerpt: undefined }));

    expect((await listRejectedRows(state.db, { sync: 'customers', limit: 10 })).map((row) => row.key)).toEqual(['C-1']);
  });
});

describe('plans and approvals', () => {
  let state: StateTestDb;
  let blockedRunId: number;
  const plan = (id: string): SavePlanInput => ({
    id,
    runId: blockedRunId,
    sync: 'catalog',
    planHash: `hash-of-${id}`,
    action: 'snapshot',
    violations: [{ guard: 'maxDeletePercent', limit: 10, actual: 42, message: 'would delete 42% of owned rows' }],
    sampleKeys: ['SKU-1', 'SKU-2'],
    counts: { deletes: 420, writes: 12 },
    createdAt: T0,
  });
  beforeAll(async () => {
    state = await createMigratedStateDb('state plans');
    blockedRunId = (await startRun(state.db, { sync: 'catalog', trigger: 'schedule', resync: false, dryRun: false, startedAt: T0 })).id;
  });
  afterAll(async () => {
    await state.close();
  });

  it('saves a plan and reads it back, with no approval yet', async () => {
    await savePlan(state.db, plan('plan_a'));
    expect(await findPlan(state.db, 'plan_a')).toEqual({ ...plan('plan_a'), approval: undefined });
    expect(await findPlan(state.db, 'plan_missing')).toBeUndefined();
  });

  it('will not consume an approval that was never given, nor approve an unknown plan', async () => {
    const run = await startRun(state.db, { sync: 'catalog', trigger: 'manual', resync: false, dryRun: false, startedAt: T0 });
    expect(await consumeApproval(state.db, 'plan_a', run.id, T0)).toBeUndefined();
    expect(await consumeApproval(state.db, 'plan_missing', run.id, T0)).toBeUndefined();
    await expect(approvePlan(state.db, 'plan_missing', T0)).rejects.toThrow(/Cannot approve plan "plan_missing": no such plan/);
  });

  it('uses an approval exactly once, even with two runs racing for it from two connections', async () => {
    await savePlan(state.db, plan('plan_race'));
    const approvedAt = new Date(T0.getTime() + 60_000);
    await approvePlan(state.db, 'plan_race', approvedAt);
    await approvePlan(state.db, 'plan_race', new Date(T0.getTime() + 120_000)); // repeat: no change
    expect((await findPlan(state.db, 'plan_race'))?.approval).toEqual({ approvedAt, consumedByRunId: undefined, consumedAt: undefined });

    const runA = await startRun(state.db, { sync: 'catalog', trigger: 'manual', resync: false, dryRun: false, startedAt: T0 });
    const runB = await startRun(state.db, { sync: 'catalog', trigger: 'schedule', resync: false, dryRun: false, startedAt: T0 });
    const [dbA, dbB] = [createStateDb(state.database.url), createStateDb(state.database.url)];
    try {
      const consumedAt = new Date(T0.getTime() + 180_000);
      for (let round = 0; round < 5; round += 1) {
        // Fresh plan each round so the race is rerun several times.
        const id = `plan_race_${round}`;
        await savePlan(state.db, plan(id));
        await approvePlan(state.db, id, approvedAt);
        const results = await Promise.all([
          consumeApproval(dbA, id, runA.id, consumedAt),
          consumeApproval(dbB, id, runB.id, consumedAt),
        ]);
        const winners = results.filter((result) => result !== undefined);
        expect(winners).toHaveLength(1);
        const winnerRunId = results[0] !== undefined ? runA.id : runB.id;
        expect(winners[0]?.approval).toEqual({ approvedAt, consumedByRunId: winnerRunId, consumedAt });
        expect(await consumeApproval(state.db, id, runA.id, consumedAt)).toBeUndefined();
      }
    } finally {
      await Promise.all([closeStateDb(dbA), closeStateDb(dbB)]);
    }
  });

  it('refuses to approve again a plan whose approval was used', async () => {
    await savePlan(state.db, plan('plan_used'));
    await approvePlan(state.db, 'plan_used', T0);
    const run = await startRun(state.db, { sync: 'catalog', trigger: 'manual', resync: false, dryRun: false, startedAt: T0 });
    expect((await consumeApproval(state.db, 'plan_used', run.id, T0))?.id).toBe('plan_used');
    await expect(approvePlan(state.db, 'plan_used', T0)).rejects.toThrow(
      new RegExp(`already used by run ${run.id}\\. Run the sync again to get a new plan`),
    );
  });
});
