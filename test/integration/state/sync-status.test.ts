import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  finishRun,
  formatDuration,
  formatSyncStatus,
  loadSyncStatus,
  recordKiboJob,
  startRun,
  upsertKeyStates,
} from '../../../src/state/index.ts';
import { createManualClock } from '../../../src/support/clock.ts';
import { createMigratedStateDb, type StateTestDb } from './state-test-db.ts';

describe('sync status', () => {
  let state: StateTestDb;
  const clock = createManualClock(Date.UTC(2026, 5, 1, 6, 0, 0));
  const at = (): Date => new Date(clock.now());
  beforeAll(async () => {
    state = await createMigratedStateDb('state status');
  });
  afterAll(async () => {
    await state.close();
  });

  it('says so when nothing has run yet', async () => {
    expect(await loadSyncStatus(state.db, { limit: 5 })).toEqual([]);
    expect(formatSyncStatus([])).toBe('No runs recorded yet.\n');
  });

  it('loads recent runs per sync with counts, the last good run, open jobs and keys, and prints a table', async () => {
    const good = await startRun(state.db, { sync: 'catalog', trigger: 'schedule', resync: false, dryRun: false, startedAt: at() });
    await upsertKeyStates(state.db, 'catalog', [{ key: 'A', hash: '1' }, { key: 'B', hash: '2' }], { runId: good.id, sentAt: at() });
    await upsertKeyStates(state.db, 'catalog', [{ key: 'C', hash: '3' }], { runId: good.id, sentAt: at(), owned: false });
    clock.advance(125_000);
    await finishRun(state.db, good.id, {
      status: 'succeeded',
      finishedAt: at(),
      counts: { source: 12_345, exported: 12_000, added: 345, changed: 10, unchanged: 11_990, removed: 0, deleted: 0, rejectedByUs: 2, rejectedByKibo: 1 },
    });
    clock.advance(3_475_000);
    const failed = await startRun(state.db, { sync: 'catalog', trigger: 'manual', resync: true, dryRun: false, startedAt: at() });
    clock.advance(800);
    await finishRun(state.db, failed.id, {
      status: 'failed',
      finishedAt: at(),
      error: 'Kibo import job imp-9 failed: Products.csv row 3 rejected\nsecond line is not shown',
    });
    clock.advance(60_000);
    const running = await startRun(state.db, { sync: 'catalog', trigger: 'schedule', resync: false, dryRun: false, startedAt: at() });
    await recordKiboJob(state.db, { id: 'imp-10', runId: running.id, kind: 'import', status: 'Processing', request: {}, createdAt: at() });
    const blocked = await startRun(state.db, { sync: 'pricing', trigger: 'schedule', resync: false, dryRun: true, startedAt: at() });
    await finishRun(state.db, blocked.id, { status: 'blocked', finishedAt: at(), planId: 'plan_x1', counts: { source: 0 } });

    const all = await loadSyncStatus(state.db, { limit: 2 });
    expect(all.map((entry) => entry.sync)).toEqual(['catalog', 'pricing']);
    const catalog = all[0]!;
    expect(catalog.recentRuns.map((run) => run.id)).toEqual([running.id, failed.id]);
    expect(catalog.lastGoodRun?.id).toBe(good.id);
    expect(catalog).toMatchObject({ unfinishedRuns: 1, openImportJobs: 1, trackedKeys: 3, ownedKeys: 2 });
    expect(all[1]).toMatchObject({ lastGoodRun: undefined, unfinishedRuns: 0, openImportJobs: 0, trackedKeys: 0, ownedKeys: 0 });

    const onlyPricing = await loadSyncStatus(state.db, { sync: 'pricing', limit: 10 });
    expect(onlyPricing.map((entry) => entry.recentRuns.map((run) => run.status))).toEqual([['blocked']]);
    const unknown = await loadSyncStatus(state.db, { sync: 'customers', limit: 10 });
    expect(unknown).toEqual([
      { sync: 'customers', recentRuns: [], lastGoodRun: undefined, unfinishedRuns: 0, openImportJobs: 0, trackedKeys: 0, ownedKeys: 0, deletesAwaitingConfirmation: 0 },
    ]);

    const withGood = await loadSyncStatus(state.db, { limit: 3 });
    expect(formatSyncStatus([...withGood, ...unknown])).toBe(
      [
        'catalog: last good run 1 finished 2026-06-01 06:02:05Z (source 12,345); keys 3 tracked, 2 owned; open import jobs 1; unfinished runs 1',
        '  RUN  STATUS     TRIGGER   STARTED                 TOOK  SOURCE  ADDED  CHANGED  REMOVED  DELETED  REJECTED  NOTE',
        '    3  running    schedule  2026-06-01 07:01:00Z       -       -      -        -        -        -         -',
        '    2  failed     manual    2026-06-01 07:00:00Z   800ms       -      -        -        -        -         -  resync; Kibo import job imp-9 failed: Products.csv row 3 re…',
        '    1  succeeded  schedule  2026-06-01 06:00:00Z  2m 05s  12,345    345       10        0        0         3',
        '',
        'pricing: no successful run yet; keys 0 tracked, 0 owned; open import jobs 0',
        '  RUN  STATUS   TRIGGER   STARTED               TOOK  SOURCE  ADDED  CHANGED  REMOVED  DELETED  REJECTED  NOTE',
        '    4  blocked  schedule  2026-06-01 07:01:00Z   0ms       0      -        -        -        -         -  dry run; plan plan_x1',
        '',
        'customers: no successful run yet; keys 0 tracked, 0 owned; open import jobs 0',
        '  (no runs yet)',
        '',
      ].join('\n'),
    );
  });

  it('formats durations from milliseconds to hours', () => {
    expect([0, 999, 1_000, 59_999, 60_000, 61_000, 3_599_000, 3_600_000, 7_260_000].map(formatDuration)).toEqual([
      '0ms', '999ms', '1s', '59s', '1m 00s', '1m 01s', '59m 59s', '1h 00m', '2h 01m',
    ]);
  });
});
