// Durations per stage, from the injected clock, for the run record, the summary and the metrics.
import type { Clock } from '../support/clock.ts';
import type { SyncObserver, SyncStage } from './sync-summary.ts';

export interface StageTimer {
  time<T>(stage: SyncStage, work: () => Promise<T>): Promise<T>;
  /** Adds a duration measured elsewhere: a stage several runs share, such as one import job. */
  record(stage: SyncStage, elapsedMs: number): void;
  readonly durationsMs: Readonly<Record<string, number>>;
}

export function createStageTimer(clock: Clock, sync: string, observer?: SyncObserver): StageTimer {
  const durationsMs: Record<string, number> = {};
  const record = (stage: SyncStage, elapsedMs: number): void => {
    durationsMs[stage] = (durationsMs[stage] ?? 0) + elapsedMs;
    observer?.stageFinished?.(sync, stage, elapsedMs);
  };
  return {
    durationsMs,
    record,
    time: async (stage, work) => {
      const startedAt = clock.now();
      try {
        return await work();
      } finally {
        record(stage, clock.now() - startedAt);
      }
    },
  };
}
