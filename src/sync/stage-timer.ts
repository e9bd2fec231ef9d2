// Durations per stage, from the injected clock, for the run record, the summary and the metrics.
import type { Clock } from '../support/clock.ts';
import type { SyncObserver, SyncStage } from './sync-summary.ts';

export interface StageTimer {
  time<T>(stage: SyncStage, work: () => Promise<T>): Promise<T>;
  readonly durationsMs: Readonly<Record<string, number>>;
}

export function createStageTimer(clock: Clock, sync: string, observer?: SyncObserver): StageTimer {
  const durationsMs: Record<string, number> = {};
  return {
    durationsMs,
    time: async (stage, work) => {
      const startedAt = clock.now();
      try {
        return await work();
      } finally {
        const elapsed = clock.now() - startedAt;
        durationsMs[stage] = (durationsMs[stage] ?? 0) + elapsed;
        observer?.stageFinished?.(sync, stage, elapsed);
      }
    },
  };
}
