import { describe, expect, it } from 'vitest';
import { createCopyTextParser, decodeValue } from '../../../src/erp/parse-copy-text.ts';

describe('parsing COPY text output', () => {
  it('splits lines on LF and values on tabs, with \\N as NULL', () => {
    const parser = createCopyTextParser(3);
    expect(parser.push('a\tb\tc\n\\N\t\t x \n')).toEqual([
      ['a', 'b', 'c'],
      [null, '', ' x '],
    ]);
    parser.end();
  });

  it('unescapes backslash sequences; a literal backslash-N text is not NULL', () => {
    expect(decodeValue('tab\\there')).toBe('tab\there');
    expect(decodeValue('line\\nbreak\\r\\n')).toBe('line\nbreak\r\n');
    expect(decodeValue('\\b\\f\\v')).toBe('\b\f\v');
    expect(decodeValue('C:\\\\path\\\\N')).toBe('C:\\path\\N');
    expect(decodeValue('\\\\N')).toBe('\\N');
    expect(decodeValue('\\N')).toBeNull();
    expect(decodeValue('plain, "quoted"')).toBe('plain, "quoted"');
  });

  it('carries a line cut anywhere across chunks, escapes included', () => {
    const text = 'k1\tv\\\\1\\tx\nk2\t\\N\n';
    for (let cut = 0; cut <= text.length; cut += 1) {
      const parser = createCopyTextParser(2);
      const rows = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      parser.end();
      expect(rows).toEqual([
        ['k1', 'v\\1\tx'],
        ['k2', null],
      ]);
    }
  });

  it('refuses a line with the wrong number of values, and input cut inside a line', () => {
    expect(() => createCopyTextParser(2).push('a\tb\tc\n')).toThrow(/line 1 has 3 values where the query has 2 columns/);
    const parser = createCopyTextParser(1);
    parser.push('a\nhalf');
    expect(() => parser.end()).toThrow(/ended inside line 2/);
  });
});
