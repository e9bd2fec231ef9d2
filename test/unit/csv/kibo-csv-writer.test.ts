import { describe, expect, it } from 'vitest';
import {
  KIBO_RECORD_SEPARATOR,
  createKiboCsvStream,
  formatKiboCsv,
  formatKiboCsvField,
  formatKiboCsvRecord,
} from '../../../src/csv/kibo-csv-writer.ts';

async function collectBytes(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

describe('formatKiboCsvField', () => {
  it('leaves plain values unquoted', () => {
    expect(formatKiboCsvField('ABC-123')).toBe('ABC-123');
    expect(formatKiboCsvField('170.0000')).toBe('170.0000');
    expect(formatKiboCsvField('')).toBe('');
    expect(formatKiboCsvField('a b')).toBe('a b');
  });

  it('quotes values with quotes, commas, CR or LF and doubles inner quotes', () => {
    expect(formatKiboCsvField('say "hi"')).toBe('"say ""hi"""');
    expect(formatKiboCsvField('DirectShip,InStorePickup')).toBe('"DirectShip,InStorePickup"');
    expect(formatKiboCsvField('red\nblue')).toBe('"red\nblue"');
    expect(formatKiboCsvField('a\rb')).toBe('"a\rb"');
    expect(formatKiboCsvField('"')).toBe('""""');
  });

  it('quotes leading or trailing whitespace', () => {
    expect(formatKiboCsvField(' lead')).toBe('" lead"');
    expect(formatKiboCsvField('trail\t')).toBe('"trail\t"');
  });
});

describe('formatKiboCsvRecord', () => {
  it('joins fields with commas and no terminator', () => {
    expect(formatKiboCsvRecord(['a', 'b,c', ''])).toBe('a,"b,c",');
  });

  it('writes a lone empty field as "" so the record is not a blank line', () => {
    expect(formatKiboCsvRecord([''])).toBe('""');
  });
});

describe('formatKiboCsv', () => {
  it('writes the exact Kibo dialect bytes', () => {
    const text = formatKiboCsv(
      ['MasterCatalogName', 'ProductCode', 'Content'],
      [
        ['Main', 'P-1', 'line one\nline two'],
        ['Main', 'P-2', 'has "quotes", and commas'],
      ],
    );
    expect(text).toBe(
      'MasterCatalogName,ProductCode,Content\r\n' +
        'Main,P-1,"line one\nline two"\r\n' +
        'Main,P-2,"has ""quotes"", and commas"',
    );
    expect(KIBO_RECORD_SEPARATOR).toBe('\r\n');
  });

  it('writes a header-only file as just the header line', () => {
    expect(formatKiboCsv(['PriceList Code', 'Product Code'], [])).toBe('PriceList Code,Product Code');
  });

  it('refuses an empty header (a 0-byte CSV must never be produced)', () => {
    expect(() => formatKiboCsv([], [])).toThrow(/header is empty/);
  });
});

describe('createKiboCsvStream', () => {
  it('streams the same bytes as formatKiboCsv from a sync iterable, across many chunks', async () => {
    const header = ['ProductCode', 'Name'];
    const rows = Array.from({ length: 5000 }, (_, index) => [`P-${index}`, `Naïve "product" ${index},\n€`]);
    const stream = createKiboCsvStream(header, rows);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).equals(Buffer.from(formatKiboCsv(header, rows), 'utf8'))).toBe(true);
  });

  it('accepts an async iterable of rows', async () => {
    async function* rows(): AsyncGenerator<string[]> {
      yield ['1', 'a'];
      yield ['2', 'b\r\nc'];
    }
    const bytes = await collectBytes(createKiboCsvStream(['id', 'v'], rows()));
    expect(bytes.toString('utf8')).toBe('id,v\r\n1,a\r\n2,"b\r\nc"');
  });

  it('streams a header-only file and writes no BOM', async () => {
    const bytes = await collectBytes(createKiboCsvStream(['Ä'], []));
    expect([...bytes]).toEqual([...Buffer.from('Ä', 'utf8')]);
  });

  it('refuses an empty header', () => {
    expect(() => createKiboCsvStream([], [])).toThrow(/header is empty/);
  });
});
