import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseKiboCsvText, readKiboCsv, type CsvRecord } from '../../../src/csv/kibo-csv-reader.ts';

async function readAll(input: AsyncIterable<Buffer | string>, source?: string): Promise<CsvRecord[]> {
  const records: CsvRecord[] = [];
  for await (const record of readKiboCsv(input, { source })) records.push(record);
  return records;
}

describe('readKiboCsv', () => {
  it('yields the header first with spreadsheet row numbers and physical start lines', async () => {
    const text = 'a,b\r\n1,"x\ny\nz"\r\n2,3';
    const records = await readAll(Readable.from([text]));
    expect(records).toEqual([
      { values: ['a', 'b'], rowNumber: 1, line: 1 },
      { values: ['1', 'x\ny\nz'], rowNumber: 2, line: 2 },
      { values: ['2', '3'], rowNumber: 3, line: 5 },
    ]);
  });

  it('accepts LF record ends and keeps CRLF and bare CR inside quoted fields exactly', async () => {
    const records = await readAll(Readable.from(['a,b\n"p\r\nq",r\n"s\rt",u\n']));
    expect(records.map((record) => record.values)).toEqual([
      ['a', 'b'],
      ['p\r\nq', 'r'],
      ['s\rt', 'u'],
    ]);
    expect(records.map((record) => record.line)).toEqual([1, 2, 4]);
  });

  it('strips a UTF-8 BOM, also when it is split across chunks', async () => {
    const bytes = Buffer.from('\uFEFFProductCode,Name\r\nP-1,Ä', 'utf8');
    const records = await readAll(Readable.from([bytes.subarray(0, 2), bytes.subarray(2, 7), bytes.subarray(7)]));
    expect(records.map((record) => record.values)).toEqual([
      ['ProductCode', 'Name'],
      ['P-1', 'Ä'],
    ]);
  });

  it('skips blank lines but counts them in line numbers', async () => {
    const records = await readAll(Readable.from(['a,b\r\n\r\n1,2\r\n\r\n']));
    expect(records).toEqual([
      { values: ['a', 'b'], rowNumber: 1, line: 1 },
      { values: ['1', '2'], rowNumber: 2, line: 3 },
    ]);
  });

  it('keeps a quoted empty value in a one-column file', async () => {
    const records = await readAll(Readable.from(['Code\r\n""\r\nX']));
    expect(records.map((record) => record.values)).toEqual([['Code'], [''], ['X']]);
  });

  it('reads from an async iterable of strings', async () => {
    async function* chunks(): AsyncGenerator<string> {
      yield 'a,b\r';
      yield '\n1,"2';
      yield '\r\n3"';
    }
    const records = await readAll(chunks());
    expect(records.map((record) => record.values)).toEqual([
      ['a', 'b'],
      ['1', '2\r\n3'],
    ]);
  });

  it('names source and line of an unclosed quote and keeps the cause', async () => {
    const text = 'a,b\r\n1,2\r\n3,"open\r\n4,5';
    const error = await readAll(Readable.from([text]), 'products.csv').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/products\.csv/);
    expect((error as Error).message).toMatch(/line 3\b/);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('names the line of an invalid closing quote', async () => {
    const text = 'a,b\r\n\r\n1,"2"x\r\n';
    const error = await readAll(Readable.from([text]), 'prices.csv').catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(/Malformed CSV in prices\.csv at line 3:/);
  });

  it('reports a column-count mismatch with source, line and counts', async () => {
    const text = 'a,b,c\r\n1,2,3\r\n"x\ny",2\r\n';
    const error = await readAll(Readable.from([text]), 'locationinventory.csv').catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(/locationinventory\.csv, line 3 \(row 3\)/);
    expect((error as Error).message).toMatch(/expected 3 columns.*found 2/);
  });

  it('fails (does not hang) when the input stream fails', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('disk gone'));
      },
    });
    await expect(readAll(failing)).rejects.toThrow(/disk gone/);
  });
});

describe('parseKiboCsvText', () => {
  it('splits header and data rows', async () => {
    const parsed = await parseKiboCsvText('PriceList Code,Product Code\r\nRETAIL,P-1');
    expect(parsed.header).toEqual(['PriceList Code', 'Product Code']);
    expect(parsed.rows).toEqual([{ values: ['RETAIL', 'P-1'], rowNumber: 2, line: 2 }]);
  });

  it('parses a header-only file', async () => {
    const parsed = await parseKiboCsvText('a,b');
    expect(parsed).toEqual({ header: ['a', 'b'], rows: [] });
  });

  it('rejects an empty text, naming the source', async () => {
    await expect(parseKiboCsvText('', { source: 'empty.csv' })).rejects.toThrow(/empty\.csv is empty/);
  });
});
