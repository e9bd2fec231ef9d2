import { describe, expect, it } from 'vitest';
import { createTickCollector, type DueTick } from '../../../src/scheduler/tick-collector.ts';
import { createManualClock } from '../../../src/support/clock.ts';

const at = (iso: string): Date => new Date(iso);

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await Promise.resolve();
}

describe('createTickCollector', () => {
  it('delivers the ticks of one window as one batch, after the window', async () => {
    const clock = createManualClock();
    const batches: DueTick[][] = [];
    const collector = createTickCollector({ clock, windowMs: 1_000, onBatch: (ticks) => batches.push(ticks) });
    collector.add({ sync: 'products', dueAt: at('2026-01-01T00:00:00Z') });
    clock.advance(400);
    collector.add({ sync: 'product-catalog', dueAt: at('2026-01-01T00:00:00Z') });
    await settle();
    expect(batches).toEqual([]);
    clock.advance(600);
    await settle();
    expect(batches.map((batch) => batch.map((tick) => tick.sync))).toEqual([['products', 'product-catalog']]);
  });

  it('keeps a sync once per window, with its first tick', async () => {
    const clock = createManualClock();
    const batches: DueTick[][] = [];
    const collector = createTickCollector({ clock, windowMs: 1_000, onBatch: (ticks) => batches.push(ticks) });
    collector.add({ sync: 'products', dueAt: at('2026-01-01T00:00:00Z') });
    collector.add({ sync: 'products', dueAt: at('2026-01-01T00:00:01Z') });
    clock.advance(1_000);
    await settle();
    expect(batches).toEqual([[{ sync: 'products', dueAt: at('2026-01-01T00:00:00Z') }]]);
  });

  it('opens a new window for ticks after a batch went out', async () => {
    const clock = createManualClock();
    const batches: DueTick[][] = [];
    const collector = createTickCollector({ clock, windowMs: 1_000, onBatch: (ticks) => batches.push(ticks) });
    collector.add({ sync: 'a', dueAt: at('2026-01-01T00:00:00Z') });
    clock.advance(1_000);
    await settle();
    collector.add({ sync: 'b', dueAt: at('2026-01-01T00:01:00Z') });
    clock.advance(1_000);
    await settle();
    expect(batches.map((batch) => batch.map((tick) => tick.sync))).toEqual([['a'], ['b']]);
  });

  it('delivers nothing after stop()', async () => {
    const clock = createManualClock();
    const batches: DueTick[][] = [];
    const collector = createTickCollector({ clock, windowMs: 1_000, onBatch: (ticks) => batches.push(ticks) });
    collector.add({ sync: 'a', dueAt: at('2026-01-01T00:00:00Z') });
    collector.stop();
    collector.add({ sync: 'b', dueAt: at('2026-01-01T00:00:00Z') });
    clock.advance(5_000);
    await settle();
    expect(batches).toEqual([]);
  });
});
