import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createKeyedDiffer } from '../../../src/diff/compute-diff.ts';
import { createKiboBatchBuilder } from '../../../src/diff/hashed-kibo-batch.ts';
import type { ComparableField } from '../../../src/diff/normalize-value.ts';
import { CLEAR, SKIP } from '../../../src/mapping/mapping-types.ts';
import type { CellValue } from '../../../src/mapping/mapping-types.ts';

const FIELDS: readonly ComparableField[] = [
  { name: 'ProductName', kind: 'string' },
  { name: 'Price', kind: 'money', scale: 4 },
  { name: 'IsTaxable', kind: 'boolean' },
  { name: 'FulfillmentTypes', kind: 'list', listSeparator: '&', listUnordered: true },
  { name: 'StartDate', kind: 'datetime' },
];

// One product as Kibo's export writes it, and as the mapping's transforms write it.
const KIBO_ROW = ['Widget', '170.0000', 'True', 'DirectShip&InStorePickup', '6/8/2016 7:35:23 PM'];
const ERP_ROW: CellValue[] = ['Widget', '170.00', 'true', 'InStorePickup&DirectShip', '2016-06-08T19:35:23.000Z'];

function withCell(row: readonly CellValue[], index: number, value: CellValue): CellValue[] {
  return row.map((cell, at) => (at === index ? value : cell));
}

describe('createKeyedDiffer', () => {
  it('classifies a row written in the two dialects as unchanged', () => {
    const differ = createKeyedDiffer(FIELDS);
    differ.addKibo('W-1', KIBO_ROW);
    differ.finishKibo();
    expect(differ.addErp('W-1', ERP_ROW)).toEqual({ class: 'unchanged', key: 'W-1', changedFields: [], clearedFields: [] });
    expect(differ.counts).toEqual({ added: 0, changed: 0, unchanged: 1, removed: 0 });
  });

  it('names exactly the fields that changed', () => {
    const differ = createKeyedDiffer(FIELDS);
    differ.addKibo('W-1', KIBO_ROW);
    differ.finishKibo();
    const entry = differ.addErp('W-1', withCell(withCell(ERP_ROW, 1, '171.00'), 4, '2016-06-08T19:35:24Z'));
    expect(entry.class).toBe('changed');
    expect(entry.changedFields).toEqual(['Price', 'StartDate']);
    expect(entry.clearedFields).toEqual([]);
  });

  it('counts a value where Kibo has none as a change', () => {
    const differ = createKeyedDiffer(FIELDS);
    differ.addKibo('W-1', ['Widget', '', 'True', undefined, '6/8/2016 7:35:23 PM']);
    differ.finishKibo();
    const entry = differ.addErp('W-1', ERP_ROW);
    expect(entry.changedFields).toEqual(['Price', 'FulfillmentTypes']);
  });

  it('never counts SKIP or a blank ERP cell as a change', () => {
    const differ = createKeyedDiffer(FIELDS);
    differ.addKibo('W-1', KIBO_ROW);
    differ.addKibo('W-2', ['Gadget', '', '', '', '']);
    differ.finishKibo();
    expect(differ.addErp('W-1', [SKIP, SKIP, '', SKIP, '']).class).toBe('unchanged');
    expect(differ.addErp('W-2', ['Gadget', SKIP, SKIP, '', SKIP]).class).toBe('unchanged');
  });

  it('counts CLEAR as a change only where Kibo still has a value', () => {
    const differ = createKeyedDiffer(FIELDS);
    differ.addKibo('W-1', KIBO_ROW);
    differ.addKibo('W-2', ['Gadget', '', 'False', '', '']);
    differ.finishKibo();
    const cleared = differ.addErp('W-1', withCell(ERP_ROW, 1, CLEAR));
    expect(cleared).toEqual({ class: 'changed', key: 'W-1', changedFields: ['Price'], clearedFields: ['Price'] });
    const alreadyBlank = differ.addErp('W-2', ['Gadget', CLEAR, 'No', CLEAR, CLEAR]);
    expect(alreadyBlank).toEqual({ class: 'unchanged', key: 'W-2', changedFields: [], clearedFields: [] });
    // asked again later (the snapshot's second pass), the differ gives the same answer
    expect(differ.clearedFieldsOf('W-1', withCell(ERP_ROW, 1, CLEAR))).toEqual(['Price']);
    expect(differ.clearedFieldsOf('W-2', ['Gadget', CLEAR, 'No', CLEAR, CLEAR])).toEqual([]);
    expect(differ.clearedFieldsOf('NEW', ['Gadget', CLEAR, 'No', CLEAR, CLEAR])).toEqual([]);
  });

  it('classifies unknown keys as added, listing the fields the ERP sets', () => {
    const differ = createKeyedDiffer(FIELDS);
    differ.addKibo('W-1', KIBO_ROW);
    differ.finishKibo();
    const entry = differ.addErp('NEW', ['New thing', '5', SKIP, CLEAR, '']);
    expect(entry).toEqual({ class: 'added', key: 'NEW', changedFields: ['ProductName', 'Price', 'FulfillmentTypes'], clearedFields: [] });
    expect(differ.counts.added).toBe(1);
  });

  it('reports Kibo keys the ERP never gave as removed, in Kibo order', () => {
    const differ = createKeyedDiffer(FIELDS);
    for (const key of ['A', 'B', 'C', 'D']) differ.addKibo(key, KIBO_ROW);
    differ.finishKibo();
    differ.addErp('C', ERP_ROW);
    differ.addErp('A', withCell(ERP_ROW, 0, 'Renamed'));
    differ.addErp('E', ERP_ROW);
    expect([...differ.finishRemoved()]).toEqual(['B', 'D']);
    expect(differ.counts).toEqual({ added: 1, changed: 1, unchanged: 1, removed: 2 });
  });

  it('throws a clear error for a duplicate ERP key, matched or added', () => {
    const differ = createKeyedDiffer(FIELDS);
    differ.addKibo('W-1', KIBO_ROW);
    differ.finishKibo();
    differ.addErp('W-1', ERP_ROW);
    differ.addErp('NEW', ERP_ROW);
    expect(() => differ.addErp('W-1', ERP_ROW)).toThrow(/ERP side gave key "W-1" twice/);
    expect(() => differ.addErp('NEW', ERP_ROW)).toThrow(/ERP side gave key "NEW" twice/);
  });

  it('tells whether an ERP key was already given, matched or added', () => {
    const differ = createKeyedDiffer(FIELDS);
    differ.addKibo('W-1', KIBO_ROW);
    differ.addKibo('W-2', KIBO_ROW);
    differ.finishKibo();
    expect(differ.hasErpKey('W-1')).toBe(false);
    differ.addErp('W-1', ERP_ROW);
    differ.addErp('NEW', ERP_ROW);
    expect(differ.hasErpKey('W-1')).toBe(true);
    expect(differ.hasErpKey('NEW')).toBe(true);
    expect(differ.hasErpKey('W-2')).toBe(false);
    expect(differ.hasErpKey('OTHER')).toBe(false);
    expect(differ.hasKiboKey('W-2')).toBe(true);
    expect(differ.hasKiboKey('NEW')).toBe(false);
  });

  it('rejects a duplicate Kibo key, a Kibo row after finishKibo, and misaligned cells', () => {
    const differ = createKeyedDiffer(FIELDS);
    differ.addKibo('W-1', KIBO_ROW);
    expect(() => differ.addKibo('W-1', KIBO_ROW)).toThrow(/Kibo's export has key "W-1" twice/);
    expect(() => differ.addKibo('W-2', KIBO_ROW.slice(1))).toThrow(/has 4 cells but 5 fields/);
    differ.finishKibo();
    expect(() => differ.addErp('W-1', ERP_ROW.slice(1))).toThrow(/has 4 cells but 5 fields/);
    differ.addErp('W-1', ERP_ROW);
    expect(() => differ.addKibo('W-3', KIBO_ROW)).toThrow(/after finishKibo/);
  });

  it('classifies ERP rows of keys Kibo already gave while Kibo rows still arrive, and holds back the others', () => {
    const differ = createKeyedDiffer(FIELDS);
    differ.addKibo('W-1', KIBO_ROW);
    expect(differ.addErp('W-1', ERP_ROW).class).toBe('unchanged');
    expect(() => differ.addErp('W-2', ERP_ROW)).toThrow(/not among Kibo's rows so far; hold it until finishKibo/);
    // Kibo rows hashed elsewhere (a batch built on another thread) behave like addKibo's.
    const builder = createKiboBatchBuilder(FIELDS, 1);
    builder.add('W-2', KIBO_ROW);
    differ.addKiboBatch(builder.take());
    builder.add('W-3', KIBO_ROW);
    builder.add('W-1', KIBO_ROW);
    expect(() => differ.addKiboBatch(builder.take())).toThrow(/key "W-1" twice/);
    differ.finishKibo();
    expect(differ.addErp('W-2', withCell(ERP_ROW, 1, '1'))).toMatchObject({ class: 'changed', changedFields: ['Price'] });
    expect(differ.addErp('W-4', ERP_ROW).class).toBe('added');
    expect(differ.counts).toEqual({ added: 1, changed: 1, unchanged: 1, removed: 1 });
    expect([...differ.finishRemoved()]).toEqual(['W-3']); // the batch's rows before the duplicate are in
  });

  it('keeps working past its initial capacity', () => {
    const differ = createKeyedDiffer(FIELDS);
    const total = 5000;
    for (let i = 0; i < total; i += 1) differ.addKibo(`K${i}`, [`Name ${i}`, `${i}.0000`, 'True', 'DirectShip', '']);
    for (let i = 0; i < total; i += 2) {
      const price = i % 4 === 0 ? `${i}` : `${i + 1}`;
      differ.finishKibo();
      differ.addErp(`K${i}`, [`Name ${i}`, price, 'Yes', 'DirectShip', SKIP]);
    }
    expect(differ.counts).toEqual({ added: 0, changed: total / 4, unchanged: total / 4, removed: total / 2 });
    expect([...differ.finishRemoved()]).toHaveLength(total / 2);
  });

  it('compares a row the ERP leaves fields out of field by field, through the row store', () => {
    const differ = createKeyedDiffer(FIELDS);
    differ.addKibo('W-1', KIBO_ROW);
    differ.addKibo('W-2', KIBO_ROW);
    differ.addKibo('W-3', KIBO_ROW);
    // Uncovered fields (SKIP, blank) cannot take part in the one-step row hash comparison.
    differ.finishKibo();
    expect(differ.addErp('W-1', ['Widget', '170', SKIP, '', '2016-06-08T19:35:23Z']).class).toBe('unchanged');
    const changed = differ.addErp('W-2', ['Widget', '171', SKIP, '', '2016-06-08T19:35:23Z']);
    expect(changed).toMatchObject({ class: 'changed', changedFields: ['Price'], clearedFields: [] });
    const cleared = differ.addErp('W-3', [SKIP, CLEAR, SKIP, CLEAR, SKIP]);
    expect(cleared).toMatchObject({ class: 'changed', changedFields: ['Price', 'FulfillmentTypes'], clearedFields: ['Price', 'FulfillmentTypes'] });
  });

  it('claims, once per key, only the exact row it accepted (for a snapshot\'s second read)', () => {
    const differ = createKeyedDiffer(FIELDS);
    differ.addKibo('W-1', KIBO_ROW);
    differ.finishKibo();
    differ.addErp('W-1', ERP_ROW);
    differ.addErp('N-1', ['New', '1.00', SKIP, CLEAR, '']);
    // A later row of a duplicated key, or the row after an edit between the two reads, is not the accepted one.
    expect(differ.claimAcceptedRow('W-1', withCell(ERP_ROW, 1, '170.01'))).toBe(false);
    expect(differ.claimAcceptedRow('W-1', withCell(ERP_ROW, 1, SKIP))).toBe(false);
    expect(differ.claimAcceptedRow('W-1', withCell(ERP_ROW, 1, CLEAR))).toBe(false);
    // Same normalized values in another spelling are the same row.
    expect(differ.claimAcceptedRow('W-1', withCell(ERP_ROW, 1, '170.0'))).toBe(true);
    expect(differ.claimAcceptedRow('W-1', ERP_ROW)).toBe(false);
    expect(differ.claimAcceptedRow('N-1', ['New', '1', SKIP, SKIP, ''])).toBe(false);
    // SKIP and a blank cell are both written blank: the same row.
    expect(differ.claimAcceptedRow('N-1', ['New', '1', '', CLEAR, SKIP])).toBe(true);
    expect(differ.claimAcceptedRow('unknown', ERP_ROW)).toBe(false);
  });

  it('does not let equal values in two fields cancel out in the row hash', () => {
    const twoNames: ComparableField[] = [{ name: 'A', kind: 'string' }, { name: 'B', kind: 'string' }];
    const differ = createKeyedDiffer(twoNames);
    differ.addKibo('k', ['x', 'x']);
    differ.addKibo('k2', ['x', '']);
    differ.finishKibo();
    expect(differ.addErp('k', ['y', 'y']).changedFields).toEqual(['A', 'B']);
    expect(differ.addErp('k2', ['', 'x']).class).toBe('changed');
  });

  it('property: any row written both ways is unchanged; altering one value makes exactly that field change', () => {
    const rowArbitrary = fc.record({
      name: fc.string({ minLength: 1, maxLength: 20 }).filter((name) => name.trim() !== ''),
      cents: fc.bigInt({ min: 0n, max: 10n ** 10n }),
      taxable: fc.boolean(),
      seconds: fc.integer({ min: 0, max: 4_000_000_000 }),
    });
    fc.assert(
      fc.property(rowArbitrary, fc.integer({ min: 0, max: 3 }), (row, alter) => {
        const price = `${row.cents / 100n}.${String(row.cents % 100n).padStart(2, '0')}`;
        const instant = new Date(row.seconds * 1000);
        const us = instant.toLocaleString('en-US', { timeZone: 'UTC', hour12: true }).replace(',', '');
        const kibo = [row.name, `${price}00`, row.taxable ? 'True' : 'False', 'A&B', us];
        const erp: CellValue[] = [row.name, price, row.taxable ? 'Yes' : 'No', 'B&A', instant.toISOString()];
        const differ = createKeyedDiffer(FIELDS);
        differ.addKibo('k', kibo);
        differ.addKibo('k2', kibo);
        differ.finishKibo();
        expect(differ.addErp('k', erp).class).toBe('unchanged');
        const altered: CellValue[] = [
          alter === 0 ? `${row.name}!` : row.name,
          alter === 1 ? `${price}1` : price,
          alter === 2 ? (row.taxable ? 'No' : 'Yes') : erp[2] ?? '',
          alter === 3 ? 'A' : 'B&A',
          instant.toISOString(),
        ];
        expect(differ.addErp('k2', altered).changedFields).toEqual([FIELDS[alter]?.name]);
      }),
    );
  });
});
