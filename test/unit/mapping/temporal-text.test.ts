import { describe, expect, it } from 'vitest';
import { createTemporalFormatter } from '../../../src/mapping/temporal-text.ts';

describe('createTemporalFormatter', () => {
  const utc = createTemporalFormatter('UTC');
  const berlin = createTemporalFormatter('Europe/Berlin');
  const newYork = createTemporalFormatter('America/New_York');

  it.each([
    ['2026-01-05', '2026-01-05T00:00:00.000Z'],
    ['2026-01-05 10:00:00+00', '2026-01-05T10:00:00.000Z'],
    ['2026-01-05 10:00:00.123456+05:30', '2026-01-05T04:30:00.123Z'],
    ['2026-01-05T10:00:00Z', '2026-01-05T10:00:00.000Z'],
    ['2026-01-05 10:00:00-0800', '2026-01-05T18:00:00.000Z'],
    ['1890-01-01 00:00:00+00:53:28', '1889-12-31T23:06:32.000Z'],
    ['2026-01-05 10:00', '2026-01-05T10:00:00.000Z'],
  ])('datetime %s → %s (UTC mapping)', (input, expected) => {
    expect(utc.formatDateTime(input)).toBe(expected);
  });

  it('takes a timestamp without zone as wall-clock time in the mapping timezone, DST included', () => {
    expect(berlin.formatDateTime('2026-01-05 10:00:00')).toBe('2026-01-05T09:00:00.000Z');
    expect(berlin.formatDateTime('2026-07-05 10:00:00')).toBe('2026-07-05T08:00:00.000Z');
    expect(newYork.formatDateTime('2026-03-08 12:00:00')).toBe('2026-03-08T16:00:00.000Z');
    expect(newYork.formatDateTime('2026-03-07 12:00:00')).toBe('2026-03-07T17:00:00.000Z');
    expect(berlin.formatDateTime('2026-01-05 10:00:00+00')).toBe('2026-01-05T10:00:00.000Z');
  });

  it('accepts JS Dates', () => {
    expect(utc.formatDateTime(new Date('2026-01-05T10:00:00.5Z'))).toBe('2026-01-05T10:00:00.500Z');
    expect(utc.formatDate(new Date('2026-01-05T23:30:00Z'))).toBe('2026-01-05');
    expect(berlin.formatDate(new Date('2026-01-05T23:30:00Z'))).toBe('2026-01-06');
  });

  it('formats dates: literal without zone, in the mapping zone for an instant', () => {
    expect(utc.formatDate('2026-01-05')).toBe('2026-01-05');
    expect(berlin.formatDate('2026-01-05 23:30:00')).toBe('2026-01-05');
    expect(newYork.formatDate('2026-01-05 02:00:00+00')).toBe('2026-01-04');
  });

  it.each(['2026-02-30', '2026-13-01', '05/01/2026', 'tomorrow', '2026-01-05 25:00:00', 'infinity', '2026-01-05 10:00:00 BC'])('rejects %j', (input) => {
    expect(utc.formatDateTime(input)).toBeInstanceOf(Error);
    expect(utc.formatDate(input)).toBeInstanceOf(Error);
  });

  it('rejects non-date values and invalid Dates', () => {
    expect(utc.formatDate(12)).toBeInstanceOf(Error);
    expect(utc.formatDateTime(new Date(Number.NaN))).toBeInstanceOf(Error);
  });
});
