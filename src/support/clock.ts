// Time is injected so tests (and the reliability suite) control it; nothing reads Date.now() directly.
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` of this clock's time. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export function createSystemClock(): Clock {
  return {
    now: () => Date.now(),
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, ms);
        const onAbort = (): void => {
          clearTimeout(timer);
          reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
  };
}

/** A clock that only moves when told to; sleeps resolve as soon as time passes their deadline. */
export interface ManualClock extends Clock {
  advance(ms: number): void;
  set(epochMs: number): void;
}

export function createManualClock(startEpochMs = Date.UTC(2026, 0, 1)): ManualClock {
  let current = startEpochMs;
  const waiters: { at: number; resolve: () => void }[] = [];
  const release = (): void => {
    for (let i = waiters.length - 1; i >= 0; i -= 1) {
      const waiter = waiters[i]!;
      if (waiter.at <= current) {
        waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  };
  return {
    now: () => current,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        waiters.push({ at: current + ms, resolve });
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
        release();
      }),
    advance: (ms) => {
      current += ms;
      release();
    },
    set: (epochMs) => {
      current = epochMs;
      release();
    },
  };
}
