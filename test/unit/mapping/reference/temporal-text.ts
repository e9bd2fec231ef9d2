// Reference copy (verbatim, only import paths changed) of src/mapping as of 6d2215c, before the fast paths:
// the oracle of reference-transform.test.ts. Never edit it to match new behaviour.
// Dates and timestamps from Postgres raw text ('2026-01-05', '2026-01-05 10:00:00.123456+05:30'), ISO
// text or JS Dates, to Kibo's 'YYYY-MM-DD' and 'YYYY-MM-DDTHH:mm:ss.sssZ'. A timestamp without a zone
// means wall-clock time in the mapping's timezone. Sub-millisecond digits are truncated (JS Date precision).

const TEMPORAL_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2}){0,2})?$/i;

export interface TemporalFormatter {
  /** 'YYYY-MM-DD', or an Error explaining why the value is not a date. */
  formatDate(value: unknown): string | Error;
  /** 'YYYY-MM-DDTHH:mm:ss.sssZ' in UTC, or an Error. */
  formatDateTime(value: unknown): string | Error;
}

interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

type ParsedTemporal = { readonly kind: 'instant'; readonly epochMs: number } | { readonly kind: 'local'; readonly wall: WallClock };

/** Throws RangeError for an unknown IANA zone (callers validate the zone first). */
export function createTemporalFormatter(timezone: string): TemporalFormatter {
  const isUtc = timezone.toUpperCase() === 'UTC' || timezone === 'Etc/UTC';
  const zoneFormat = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const wallClockAt = (epochMs: number): WallClock => {
    if (isUtc) return utcWallClock(epochMs);
    const parts: Record<string, number> = {};
    for (const part of zoneFormat.formatToParts(epochMs)) parts[part.type] = Number(part.value);
    return {
      year: parts['year'] ?? 0,
      month: parts['month'] ?? 1,
      day: parts['day'] ?? 1,
      hour: parts['hour'] ?? 0,
      minute: parts['minute'] ?? 0,
      second: parts['second'] ?? 0,
      millisecond: ((epochMs % 1000) + 1000) % 1000,
    };
  };
  const zoneOffsetMs = (epochMs: number): number => (isUtc ? 0 : wallClockToUtcMs(wallClockAt(epochMs)) - epochMs);
  const localToEpochMs = (wall: WallClock): number => {
    // Two passes settle the offset across DST changes; a non-existent local time moves forward.
    const guess = wallClockToUtcMs(wall);
    const first = guess - zoneOffsetMs(guess);
    return guess - zoneOffsetMs(first);
  };
  return {
    formatDate(value) {
      const parsed = parseTemporal(value);
      if (parsed instanceof Error) return parsed;
      const wall = parsed.kind === 'local' ? parsed.wall : wallClockAt(parsed.epochMs);
      return `${pad(wall.year, 4)}-${pad(wall.month, 2)}-${pad(wall.day, 2)}`;
    },
    formatDateTime(value) {
      const parsed = parseTemporal(value);
      if (parsed instanceof Error) return parsed;
      const epochMs = parsed.kind === 'instant' ? parsed.epochMs : localToEpochMs(parsed.wall);
      const date = new Date(epochMs);
      if (Number.isNaN(date.getTime())) return new Error('date is out of range');
      return date.toISOString();
    },
  };
}

function parseTemporal(value: unknown): ParsedTemporal | Error {
  if (value instanceof Date) {
    const epochMs = value.getTime();
    return Number.isNaN(epochMs) ? new Error('invalid Date') : { kind: 'instant', epochMs };
  }
  if (typeof value !== 'string') return new Error(`expected a date or timestamp, got ${describeType(value)}`);
  const match = TEMPORAL_PATTERN.exec(value.trim());
  if (match === null) return new Error('not a date (expected YYYY-MM-DD or YYYY-MM-DD HH:mm:ss[.fff][±zone])');
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const wall: WallClock = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour ?? 0),
    minute: Number(minute ?? 0),
    second: Number(second ?? 0),
    millisecond: Number((fraction ?? '').slice(0, 3).padEnd(3, '0')),
  };
  if (!isValidWallClock(wall)) return new Error('no such date or time');
  if (zone === undefined) return { kind: 'local', wall };
  return { kind: 'instant', epochMs: wallClockToUtcMs(wall) - parseZoneOffsetMs(zone) };
}

function parseZoneOffsetMs(zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(/:/g, '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2, 4) || '0');
  const seconds = Number(digits.slice(4, 6) || '0');
  return sign * ((hours * 60 + minutes) * 60 + seconds) * 1000;
}

function isValidWallClock(wall: WallClock): boolean {
  if (wall.hour > 23 || wall.minute > 59 || wall.second > 59) return false;
  const check = new Date(wallClockToUtcMs(wall));
  return check.getUTCFullYear() === wall.year && check.getUTCMonth() + 1 === wall.month && check.getUTCDate() === wall.day;
}

function wallClockToUtcMs(wall: WallClock): number {
  const date = new Date(0);
  // setUTCFullYear keeps years 0–99 literal (Date.UTC would map them to 1900–1999).
  date.setUTCFullYear(wall.year, wall.month - 1, wall.day);
  date.setUTCHours(wall.hour, wall.minute, wall.second, wall.millisecond);
  return date.getTime();
}

function utcWallClock(epochMs: number): WallClock {
  const date = new Date(epochMs);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
    millisecond: date.getUTCMilliseconds(),
  };
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
