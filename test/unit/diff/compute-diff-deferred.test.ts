// ERP rows deferred before Kibo gives their key (deferErp): settled on Kibo's arrival when equal, else
// resolved from their cells once Kibo is finished. Whatever the interleaving, the outcome must be the
// one of the inline order (all of Kibo first, then the ERP).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createKeyedDiffer, type DiffEntry, type KeyedDiffer } from '../../../src/diff/compute-diff.ts';
import type { ComparableField } from '../../../src/diff/normalize-value.ts';
import { CLEAR, SKIP } from '../../../src/mapping/mapping-types.ts';
import type { CellValue } from '../../../src/mapping/mapping-types.ts';

const FIELDS: readonly ComparableField[] = [
  { name: 'ProductName', kind: 'string' },
  { name: 'Price', kind: 'money', scale: 4 },
  { name: 'IsTaxable', kind: 'boolean' },
];
const KIBO_ROW = ['Widget', '170.0000', 'True'];
const ERP_ROW: CellValue[] = ['Widget', '170.00', 'yes'];

describe('deferred ERP rows', () => {
  it('settle as unchanged when Kibo\'s equal row arrives; the others are resolved from their cells, in ticket order', () => {
    const differ = createKeyedDiffer(FIELDS);
    differ.addKibo('W-0', KIBO_ROW);
    differ.deferErp('W-1', ERP_ROW, 11);
    differ.deferErp('W-2', ['Widget', '171', 'yes'], 12);
    differ.deferErp('W-4', ERP_ROW, 14);
    differ.deferErp('W-5', [SKIP, '170', ''], 15); // leaves fields out, still equal where it speaks
    differ.deferErp('W-6', ['Widget', CLEAR, SKIP], 16);
    expect(differ.hasErpKey('W-1')).toBe(true);
    expect(differ.hasKiboKey('W-1')).toBe(false);
    expect(() => differ.deferErp('W-1', ERP_ROW, 17)).toThrow(/twice/);
    expect(() => differ.deferErp('W-0', ERP_ROW, 18)).toThrow(/among Kibo's rows already; classify it with addErp/);
    expect(() => differ.deferredTickets()).toThrow(/after finishKibo/);
    for (const key of ['W-1', 'W-2', 'W-3', 'W-5', 'W-6']) differ.addKibo(key, KIBO_ROW);
    expect(() => differ.addKibo('W-1', KIBO_ROW)).toThrow(/twice/);
    expect(differ.counts).toMatchObject({ unchanged: 2 }); // W-1 and W-5 settled on arrival
    differ.finishKibo();
    expect([...differ.deferredTickets()]).toEqual([12, 14, 16]);
    expect(differ.resolveDeferred('W-2', ['Widget', '171', 'yes'])).toMatchObject({ class: 'changed', changedFields: ['Price'], clearedFields: [] });
    expect(differ.resolveDeferred('W-4', ERP_ROW)).toMatchObject({ class: 'added', changedFields: ['ProductName', 'Price', 'IsTaxable'] });
    expect(differ.resolveDeferred('W-6', ['Widget', CLEAR, SKIP])).toMatchObject({ class: 'changed', changedFields: ['Price'], clearedFields: ['Price'] });
    expect(() => differ.resolveDeferred('W-6', ['Widget', CLEAR, SKIP])).toThrow(/no deferred row to resolve/);
    expect([...differ.deferredTickets()]).toEqual([]);
    expect(differ.addErp('W-0', ERP_ROW).class).toBe('unchanged');
    expect([...differ.finishRemoved()]).toEqual(['W-3']);
    expect(differ.counts).toEqual({ added: 1, changed: 2, unchanged: 3, removed: 1 });
    expect(differ.claimAcceptedRow('W-5', [SKIP, '170.0', SKIP])).toBe(true);
    expect(differ.clearedFieldsOf('W-6', ['Widget', CLEAR, SKIP])).toEqual(['Price']);
  });

  it('refuses a row read back that is not the row deferred (a changed spill file)', () => {
    const differ = createKeyedDiffer(FIELDS);
    differ.deferErp('W-1', ERP_ROW, 1);
    differ.finishKibo();
    expect(() => differ.resolveDeferred('W-1', ['Widget', '171', 'yes'])).toThrow(/not the row that was deferred/);
  });

  it('forgets a dropped row: never sent, never claimed, and its Kibo key (if any) counts as removed', () => {
    const differ = createKeyedDiffer(FIELDS);
    differ.deferErp('N-1', ['', '1', 'yes'], 1);
    differ.finishKibo();
    differ.dropDeferred('N-1');
    expect(differ.hasErpKey('N-1')).toBe(false);
    expect([...differ.deferredTickets()]).toEqual([]);
    expect(differ.claimAcceptedRow('N-1', ['', '1', 'yes'])).toBe(false);
    expect(differ.counts).toEqual({ added: 0, changed: 0, unchanged: 0, removed: 0 });
    expect(differ.addErp('N-1', ['New', '1', 'yes']).class).toBe('added');
  });

  it('keeps the row store\'s rows apart from the table\'s past its initial capacity, over several record blocks', () => {
    const differ = createKeyedDiffer(FIELDS);
    const total = 39_999; // deferred records are kept in blocks of 16,384

    for (let i = 0; i < total; i += 1) differ.deferErp(`K${i}`, [`Name ${i}`, `${i}`, i % 3 === 0 ? 'no' : 'yes'], i + 1);
    for (let i = total + 1999; i >= 0; i -= 1) differ.addKibo(`K${i}`, [`Name ${i}`, `${i}.0000`, 'True']);
    differ.finishKibo();
    const tickets = [...differ.deferredTickets()];
    expect(tickets).toEqual(Array.from({ length: total / 3 }, (_, at) => at * 3 + 1));
    for (const ticket of tickets) {
      const i = ticket - 1;
      expect(differ.resolveDeferred(`K${i}`, [`Name ${i}`, `${i}`, 'no']).changedFields).toEqual(['IsTaxable']);
    }
    const removed = [...differ.finishRemoved()];
    expect(removed).toHaveLength(2000);
    expect(removed[0]).toBe(`K${total + 1999}`);
  });
});

// A key's Kibo row and ERP row, each possibly absent, with cells that may agree, differ, or be left out.
const cellArbitrary = fc.constantFrom<CellValue>('a', 'b', '', SKIP, CLEAR);
const kiboCellArbitrary = fc.constantFrom<string>('a', 'b', '');
const caseArbitrary = fc.array(
  fc.record({
    kibo: fc.option(fc.array(kiboCellArbitrary, { minLength: 2, maxLength: 2 }), { nil: undefined }),
    erp: fc.option(fc.array(cellArbitrary, { minLength: 2, maxLength: 2 }), { nil: undefined }),
    erpFirst: fc.boolean(),
  }),
  { maxLength: 40 },
);
const TWO_FIELDS: readonly ComparableField[] = [{ name: 'A', kind: 'string' }, { name: 'B', kind: 'string' }];

function summarize(differ: KeyedDiffer, entries: Map<string, DiffEntry>): unknown {
  const byKey = [...entries.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, entry]) => [key, entry.class, entry.changedFields, entry.clearedFields]);
  return { byKey, removed: [...differ.finishRemoved()], counts: differ.counts };
}

describe('deferred ERP rows (property)', () => {
  it('give the inline order\'s classes, fields, removed keys and counts, for any interleaving', () => {
    fc.assert(
      fc.property(caseArbitrary, (cases) => {
        const keyed = cases.map((entry, index) => ({ ...entry, key: `k${index}` }));
        const inline = createKeyedDiffer(TWO_FIELDS);
        const inlineEntries = new Map<string, DiffEntry>();
        for (const { key, kibo } of keyed) if (kibo) inline.addKibo(key, kibo);
        inline.finishKibo();
        for (const { key, erp } of keyed) if (erp) inlineEntries.set(key, inline.addErp(key, erp));

        const interleaved = createKeyedDiffer(TWO_FIELDS);
        const entries = new Map<string, DiffEntry>();
        const cellsByTicket = new Map<number, { key: string; erp: CellValue[] }>();
        const giveErp = (key: string, erp: CellValue[], ticket: number): void => {
          if (interleaved.hasKiboKey(key)) entries.set(key, interleaved.addErp(key, erp));
          else {
            interleaved.deferErp(key, erp, ticket);
            cellsByTicket.set(ticket, { key, erp });
          }
        };
        // ERP rows marked erpFirst come before all of Kibo; the others right after their Kibo row.
        for (const [ticket, { key, erp, erpFirst }] of keyed.entries()) if (erp && erpFirst) giveErp(key, erp, ticket + 1);
        for (const [ticket, { key, kibo, erp, erpFirst }] of keyed.entries()) {
          if (kibo) interleaved.addKibo(key, kibo);
          if (erp && !erpFirst) giveErp(key, erp, ticket + 1);
        }
        interleaved.finishKibo();
        const tickets = interleaved.deferredTickets();
        const readBack: DiffEntry[] = [];
        for (const ticket of tickets) {
          const { key, erp } = cellsByTicket.get(ticket)!;
          const entry = interleaved.resolveDeferred(key, erp);
          entries.set(key, entry);
          readBack.push(entry);
        }
        // Rows settled on arrival report no entry: they are unchanged.
        for (const { key, erp } of keyed) if (erp && !entries.has(key)) entries.set(key, { class: 'unchanged', key, changedFields: [], clearedFields: [] });
        expect(summarize(interleaved, entries)).toEqual(summarize(inline, inlineEntries));
        // Every unchanged deferred row settled on arrival: none is read back for nothing.
        expect(readBack.filter((entry) => entry.class === 'unchanged')).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
