// Cron fires each sync's task on its own. Syncs due in the same minute must run as one cycle, so that
// syncs of one Kibo domain share an import job: the first tick opens a short window, every tick that
// arrives within it joins, and the window's ticks go out together.
import type { Clock } from '../support/clock.ts';

/** Long enough for every task of one cron second to fire, short against a minute. */
export const TICK_COLLECT_WINDOW_MS = 1_000;

export interface DueTick {
  readonly sync: string;
  /** The cron time the tick stands for (whole seconds). */
  readonly dueAt: Date;
}

export interface TickCollector {
  add(tick: DueTick): void;
  /** Drops ticks still waiting; no batch is delivered after this. */
  stop(): void;
}

export function createTickCollector(options: {
  readonly clock: Clock;
  readonly windowMs: number;
  readonly onBatch: (ticks: DueTick[]) => void;
}): TickCollector {
  let pending = new Map<string, DueTick>();
  let window: AbortController | undefined;
  let stopped = false;
  const flush = (): void => {
    const ticks = [...pending.values()];
    pending = new Map();
    window = undefined;
    if (!stopped && ticks.length > 0) options.onBatch(ticks);
  };
  return {
    add(tick) {
      if (stopped) return;
      // A sync twice in one window (a sub-minute schedule) stands for its first tick.
      if (!pending.has(tick.sync)) pending.set(tick.sync, tick);
      if (window) return;
      const controller = new AbortController();
      window = controller;
      options.clock.sleep(options.windowMs, controller.signal).then(flush, () => {
        // Aborted by stop(): the waiting ticks are dropped on purpose.
      });
    },
    stop() {
      stopped = true;
      pending.clear();
      window?.abort();
      window = undefined;
    },
  };
}
