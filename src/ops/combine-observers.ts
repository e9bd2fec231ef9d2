// The engine takes one SyncObserver; the daemon has several (metrics, alerts). This fans each hook out
// to all of them, and keeps the contract that a hook never throws.
import type { Logger } from '../support/logger.ts';
import { describeError } from '../support/errors.ts';
import type { SyncObserver } from '../sync/sync-summary.ts';

type Hook = keyof SyncObserver;

export function combineObservers(logger: Logger, observers: readonly SyncObserver[]): SyncObserver {
  const call = (hook: Hook, args: readonly unknown[]): void => {
    for (const observer of observers) {
      const method = observer[hook] as ((...values: unknown[]) => void) | undefined;
      if (method === undefined) continue;
      try {
        method.apply(observer, [...args]);
      } catch (error) {
        // An observer bug must never fail or stop a sync run: log it and carry on with the others.
        logger.error({ hook, err: describeError(error) }, `sync observer hook ${hook} threw; ignored`);
      }
    }
  };
  return {
    stageFinished: (...args) => call('stageFinished', args),
    runFinished: (...args) => call('runFinished', args),
    kiboCallRetried: (...args) => call('kiboCallRetried', args),
    kiboCallFailed: (...args) => call('kiboCallFailed', args),
  };
}
