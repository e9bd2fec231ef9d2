import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { combineObservers } from '../../../src/ops/combine-observers.ts';
import { createLogger } from '../../../src/support/logger.ts';
import type { SyncObserver } from '../../../src/sync/sync-summary.ts';

describe('combineObservers', () => {
  it('calls every observer in order, skips missing hooks, and logs instead of throwing', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    });
    const calls: string[] = [];
    const first: SyncObserver = {
      stageFinished: (sync, stage, ms) => calls.push(`first ${sync} ${stage} ${ms}`),
      kiboCallRetried: () => {
        throw new Error('observer bug');
      },
    };
    const second: SyncObserver = {
      stageFinished: (sync, stage) => calls.push(`second ${sync} ${stage}`),
      kiboCallRetried: (info) => calls.push(`second retry ${info.reason}`),
    };
    const combined = combineObservers(createLogger({ destination, level: 'error' }), [first, second, {}]);
    combined.stageFinished?.('products', 'export', 5);
    expect(() => combined.kiboCallRetried?.({ reason: '429', status: 429 })).not.toThrow();
    combined.runFinished?.({} as never);
    expect(calls).toEqual(['first products export 5', 'second products export', 'second retry 429']);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ hook: 'kiboCallRetried', err: 'observer bug' });
  });
});
