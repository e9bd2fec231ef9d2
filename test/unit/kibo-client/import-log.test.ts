import { describe, expect, it } from 'vitest';
import { IMPORT_LOG_ZIP_LIMITS, MAX_IMPORT_LOG_UNCOMPRESSED_BYTES, parseImportLog } from '../../../src/kibo/import-log.ts';
import { DEFAULT_ZIP_LIMITS } from '../../../src/kibo/kibo-zip.ts';
import { writeZip } from '../../../src/kibo/write-zip.ts';

describe('parseImportLog', () => {
  it('reads the emulator-style log zip (Resource,Row,Key,Field,Message)', async () => {
    const csv =
      'Resource,Row,Key,Field,Message\r\n' +
      'Products,3,Master|A-1,Price,"Price ""abc"" is not a number"\r\n' +
      'PricelistEntries,2,PL|A-1|USD|,PriceList Code,required';
    const zip = await writeZip([{ name: 'import_log.csv', content: csv }]);
    expect(await parseImportLog(zip)).toEqual([
      { resource: 'Products', rowNumber: 3, key: 'Master|A-1', field: 'Price', message: 'Price "abc" is not a number' },
      { resource: 'PricelistEntries', rowNumber: 2, key: 'PL|A-1|USD|', field: 'PriceList Code', message: 'required' },
    ]);
  });

  it('matches other header spellings ignoring case and spaces, and keeps unknown columns in the message', async () => {
    const csv = '\uFEFFRow Number,RESOURCE NAME,Error Message,Severity\nx,Categories,bad parent,Warning\n';
    expect(await parseImportLog(Buffer.from(csv))).toEqual([
      { resource: 'Categories', rowNumber: undefined, key: '', field: '', message: 'bad parent (Severity: Warning)' },
    ]);
  });

  it('keeps the whole record as the message when no column means "message"', async () => {
    const csv = 'Sheet,Line,Something\r\nProducts,7,"odd, thing"';
    expect(await parseImportLog(Buffer.from(csv))).toEqual([
      { resource: 'Products', rowNumber: 7, key: '', field: '', message: 'Products,7,"odd, thing"' },
    ]);
  });

  it('never drops data it cannot parse as CSV: every line becomes a row', async () => {
    const text = 'Resource,Row,Message\nProducts,2,ok\nthis line, has, too many, columns\nunterminated "quote';
    expect((await parseImportLog(Buffer.from(text))).map((row) => row.message)).toEqual([
      'Products,2,ok',
      'this line, has, too many, columns',
      'unterminated "quote',
    ]);
  });

  it('reads an empty log and a header-only log as no rows', async () => {
    expect(await parseImportLog(Buffer.alloc(0))).toEqual([]);
    expect(await parseImportLog(await writeZip([{ name: 'log.csv', content: 'Resource,Row,Key,Field,Message' }]))).toEqual([]);
  });

  it('refuses a plain log over its own limit (not the export-sized one), naming the source and the limit', async () => {
    expect(IMPORT_LOG_ZIP_LIMITS.maxTotalBytes).toBeLessThan(DEFAULT_ZIP_LIMITS.maxTotalBytes);
    const text = Buffer.alloc(MAX_IMPORT_LOG_UNCOMPRESSED_BYTES + 1, 'Products,2,K,Price,bad\n');
    await expect(parseImportLog(text, { source: 'Kibo import job 7 log x.csv (id f7)' })).rejects.toThrow(
      `Kibo import job 7 log x.csv (id f7) was refused: it is a plain file of ${text.length} bytes, more than the limit of ${MAX_IMPORT_LOG_UNCOMPRESSED_BYTES} (maxTotalBytes).`,
    );
  });

  it('refuses a zipped log with more entries than a log has resources', async () => {
    const zip = await writeZip(Array.from({ length: IMPORT_LOG_ZIP_LIMITS.maxEntries + 1 }, (_, index) => ({ name: `log${index}.csv`, content: 'Message' })));
    await expect(parseImportLog(zip)).rejects.toThrow(/^Kibo's import log was refused: Zip holds 51 entries, more than the limit of 50 \(maxEntries\)/);
  });
});
