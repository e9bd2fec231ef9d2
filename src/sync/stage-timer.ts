// Durations per stage, from the injected clock, for the run record, the summary and the metrics.
import type { Clock } from '../support/clock.ts';
import type { Logger } from '../support/logger.ts';
import type { SyncObserver, SyncStage } from './sync-summary.ts';

export interface StageTimer {
  time<T>(stage: SyncStage, work: () => Promise<T>): Promise<T>;
  /** Adds a duration measured elsewhere: a stage several runs share, such as one import job. */
  record(stage: SyncStage, elapsedMs: number): void;
  readonly durationsMs: Readonly<Record<string, number>>;
}

export interface StageTimerOptions {
  readonly clock: Clock;
  readonly sync: string;
  readonly runId: number;
  /** One JSON line per finished stage, with the sync and run id. */
  readonly logger: Logger;
  readonly observer?: SyncObserver;
}

export function createStageTimer({ clock, sync, runId, logger, observer }: StageTimerOptions): StageTimer {
  const durationsMs: Record<string, number> = {};
  const record = (stage: SyncStage, elapsedMs: number): void => {
    durationsMs[stage] = (durationsMs[stage] ?? 0) + elapsedMs;
    logger.info({ sync, runId, stage, durationMs: elapsedMs }, `${sync} run ${runId}: ${stage} done in ${Math.round(elapsedMs)} ms`);
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
