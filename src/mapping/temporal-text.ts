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
      if (typeof value === 'string') {
        const plain = formatPlainDate(value, isUtc);
        if (plain !== undefined) return plain;
      }
      const parsed = parseTemporal(value);
      if (parsed instanceof Error) return parsed;
      const wall = parsed.kind === 'local' ? parsed.wall : wallClockAt(parsed.epochMs);
      return `${pad(wall.year, 4)}-${pad(wall.month, 2)}-${pad(wall.day, 2)}`;
    },
    formatDateTime(value) {
      if (typeof value === 'string') {
        const plain = formatPlainDateTime(value, isUtc);
        if (plain !== undefined) return plain;
      }
      const parsed = parseTemporal(value);
      if (parsed instanceof Error) return parsed;
      const epochMs = parsed.kind === 'instant' ? parsed.epochMs : localToEpochMs(parsed.wall);
      const date = new Date(epochMs);
      if (Number.isNaN(date.getTime())) return new Error('date is out of range');
      return date.toISOString();
    },
  };
}

// Fast path: the shapes Postgres prints ('2026-01-05', '2026-01-05 10:00:00[.123456]' with no zone, 'Z',
// '±HH' or '±HH:mm'), read at fixed positions without the regex, Date objects or Intl (a Date's
// toISOString alone costs over a microsecond here). Anything else, and a time without a zone in a zone
// other than UTC, is left to the general path below.

const CHAR_0 = 48;
const CHAR_DASH = 45;
const CHAR_COLON = 58;
const CHAR_POINT = 46;
const DATE_CHARS = 10;
const TIME_END = 19;
const MS_PER_DAY = 86_400_000;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** Any number read with a non-digit in it comes out negative. */
const NOT_A_DIGIT = -100_000;
const TWO_DIGITS = Array.from({ length: 100 }, (_, value) => String(value).padStart(2, '0'));

function formatPlainDate(text: string, localIsUtc: boolean): string | undefined {
  const zoneStart = plainZoneStart(text);
  if (zoneStart < 0) return undefined;
  const offsetMs = readZoneOffsetMs(text, zoneStart);
  // Without a zone the date is the one written; an instant is dated in the mapping's zone.
  if (Number.isNaN(offsetMs) || (offsetMs === 0 && localIsUtc)) return zoneStart === DATE_CHARS ? text : text.slice(0, DATE_CHARS);
  return undefined;
}

function formatPlainDateTime(text: string, localIsUtc: boolean): string | undefined {
  const zoneStart = plainZoneStart(text);
  if (zoneStart < 0) return undefined;
  if (zoneStart === DATE_CHARS) return localIsUtc ? text + 'T00:00:00.000Z' : undefined;
  const offsetMs = readZoneOffsetMs(text, zoneStart);
  if (offsetMs === undefined || (Number.isNaN(offsetMs) && !localIsUtc)) return undefined;
  const millis = zoneStart === TIME_END ? 0 : readMillis(text);
  if (offsetMs === 0 || Number.isNaN(offsetMs)) {
    // '+' rather than a template literal: measurably cheaper for these short strings.
    return text.slice(0, DATE_CHARS) + 'T' + text.slice(DATE_CHARS + 1, TIME_END) + (millis === 0 ? '.000Z' : '.' + formatMillis(millis) + 'Z');
  }
  const days = daysFromCivil(readNumber(text, 0, 4), readNumber(text, 5, 2), readNumber(text, 8, 2));
  const timeMs = ((readNumber(text, 11, 2) * 60 + readNumber(text, 14, 2)) * 60 + readNumber(text, 17, 2)) * 1000 + millis;
  return formatIsoInstant(days * MS_PER_DAY + timeMs - offsetMs);
}

/**
 * Where the zone starts in a plain date (10) or timestamp (after the seconds and any fraction); -1 for
 * any other shape, and for a date or time that does not exist.
 */
function plainZoneStart(text: string): number {
  const length = text.length;
  if ((length !== DATE_CHARS && length < TIME_END) || text.charCodeAt(4) !== CHAR_DASH || text.charCodeAt(7) !== CHAR_DASH) return -1;
  const year = readNumber(text, 0, 4);
  const month = readNumber(text, 5, 2);
  const day = readNumber(text, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || (day > 28 && day > daysInMonth(year, month))) return -1;
  if (length === DATE_CHARS) return DATE_CHARS;
  const separator = text.charCodeAt(DATE_CHARS);
  if ((separator !== 32 && separator !== 84) || text.charCodeAt(13) !== CHAR_COLON || text.charCodeAt(16) !== CHAR_COLON) return -1; // ' ' or 'T'
  const hour = readNumber(text, 11, 2);
  const minute = readNumber(text, 14, 2);
  const second = readNumber(text, 17, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return -1;
  if (text.charCodeAt(TIME_END) !== CHAR_POINT) return TIME_END;
  let index = TIME_END + 1;
  while (digitAt(text, index) >= 0) index += 1;
  return index === TIME_END + 1 ? -1 : index;
}

/** The offset in ms of the zone from `start` to the end: NaN for none, undefined for an unusual shape. */
function readZoneOffsetMs(text: string, start: number): number | undefined {
  const rest = text.length - start;
  if (rest === 0) return Number.NaN;
  const sign = text.charCodeAt(start);
  if (rest === 1) return sign === 90 || sign === 122 ? 0 : undefined; // 'Z' or 'z'
  if ((sign !== 43 && sign !== CHAR_DASH) || (rest !== 3 && rest !== 6)) return undefined; // '+' or '-'
  const hours = readNumber(text, start + 1, 2);
  const minutes = rest === 3 ? 0 : text.charCodeAt(start + 3) === CHAR_COLON ? readNumber(text, start + 4, 2) : -1;
  if (hours < 0 || minutes < 0) return undefined;
  return (sign === CHAR_DASH ? -1 : 1) * (hours * 60 + minutes) * 60_000;
}

/** Milliseconds from the first three fraction digits (JS Dates keep no more; the rest are dropped). */
function readMillis(text: string): number {
  const tenths = digitAt(text, TIME_END + 1);
  const hundredths = digitAt(text, TIME_END + 2);
  const thousandths = hundredths < 0 ? NOT_A_DIGIT : digitAt(text, TIME_END + 3);
  return tenths * 100 + (hundredths < 0 ? 0 : hundredths * 10) + (thousandths < 0 ? 0 : thousandths);
}

/** Date.prototype.toISOString for years 0–9999, without a Date. */
function formatIsoInstant(epochMs: number): string {
  const days = Math.floor(epochMs / MS_PER_DAY);
  const [year, month, day] = civilFromDays(days);
  if (year < 0 || year > 9999) return new Date(epochMs).toISOString();
  let rest = epochMs - days * MS_PER_DAY;
  const millis = rest % 1000;
  rest = (rest - millis) / 1000;
  const seconds = rest % 60;
  rest = (rest - seconds) / 60;
  const minutes = rest % 60;
  const hours = (rest - minutes) / 60;
  return (TWO_DIGITS[Math.floor(year / 100)] as string) + TWO_DIGITS[year % 100] + '-' + TWO_DIGITS[month] + '-' + TWO_DIGITS[day] + 'T' +
    TWO_DIGITS[hours] + ':' + TWO_DIGITS[minutes] + ':' + TWO_DIGITS[seconds] + '.' + formatMillis(millis) + 'Z';
}

function formatMillis(millis: number): string {
  return String(Math.floor(millis / 100)) + TWO_DIGITS[millis % 100];
}

function digitAt(text: string, index: number): number {
  const digit = text.charCodeAt(index) - CHAR_0;
  return digit >= 0 && digit <= 9 ? digit : NOT_A_DIGIT;
}

/** The number written by `count` (2 or 4) digits at `start`; negative when one is not a digit. */
function readNumber(text: string, start: number, count: 2 | 4): number {
  const pair = digitAt(text, start + count - 2) * 10 + digitAt(text, start + count - 1);
  return count === 2 ? pair : (digitAt(text, start) * 10 + digitAt(text, start + 1)) * 100 + pair;
}

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return DAYS_IN_MONTH[month - 1] as number;
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** [year, month, day] of days since 1970-01-01 (H. Hinnant's civil_from_days). */
function civilFromDays(days: number): [number, number, number] {
  const shifted = days + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  return [yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day];
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
