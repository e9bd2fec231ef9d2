import { describe, expect, it } from 'vitest';
import { createKeyedDiffer } from '../../../src/diff/compute-diff.ts';
import type { RowTransformResult } from '../../../src/mapping/index.ts';
import { createHeldErpRows, estimateHeldRowBytes } from '../../../src/sync/held-erp-rows.ts';
import type { TransformedErpRow } from '../../../src/sync/transform-erp-rows.ts';

function row(rowNumber: number, key: string | undefined): TransformedErpRow {
  const result: RowTransformResult = { ok: true, key: key ?? '', keyValues: [key ?? ''], cells: [`v${rowNumber % 10}`], problems: [] };
  return { rowNumber, key, result };
}
const ROW_BYTES = estimateHeldRowBytes(row(0, 'later'));

describe('createHeldErpRows', () => {
  it('holds rows of keys Kibo has not given, releases them when it does, each key\'s rows together and in order', async () => {
    const differ = createKeyedDiffer([{ name: 'A', kind: 'string' }]);
    differ.addKibo('known', ['x']);
    const held = createHeldErpRows(differ, 3 * ROW_BYTES);
    expect(held.hold(row(1, 'known'))).toBe(false);
    expect(held.hold(row(2, undefined))).toBe(false);
    expect(held.hold(row(3, 'later'))).toBe(true);
    expect(held.hold(row(4, 'new'))).toBe(true);
    expect(held.isFull).toBe(false);
    differ.addKibo('later', ['y']);
    // A later row of a held key is held too, even though Kibo now has the key: it must not overtake row 3.
    expect(held.hold(row(5, 'later'))).toBe(true);
    expect(held.isFull).toBe(true);
    const waiting = held.waitForRelease();
    held.kiboKeysArrived(['later', 'unrelated']);
    await waiting;
    const released = held.takeReleased();
    expect(released.map((releasedRow) => releasedRow.rowNumber)).toEqual([3, 5]);
    expect(released[0]).toEqual(row(3, 'later')); // a copy (detached from the read's buffers), equal in every value
    expect(held.isFull).toBe(false);
    expect(held.hold(row(6, 'later'))).toBe(false);
    differ.finishKibo();
    held.kiboEnded('done');
    expect(held.takeReleased().map((releasedRow) => releasedRow.rowNumber)).toEqual([4]);
    expect(held.hold(row(7, 'other'))).toBe(false);
    expect(held.kiboFailed).toBe(false);
    await held.waitForRelease(); // resolves at once once Kibo's side ended
  });

  it('drops the held rows and wakes the reader when Kibo\'s side failed (the run fails with its error)', async () => {
    const held = createHeldErpRows(createKeyedDiffer([{ name: 'A', kind: 'string' }]), 1);
    expect(held.hold(row(1, 'k'))).toBe(true);
    expect(held.isFull).toBe(true);
    const waiting = held.waitForRelease();
    held.kiboEnded('failed');
    await waiting;
    expect(held.kiboFailed).toBe(true);
    expect(held.isFull).toBe(false);
    expect(held.takeReleased()).toEqual([]);
  });
});
