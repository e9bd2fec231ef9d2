// Reference copy (oracle) of src/diff/normalize-date-time.ts as of 19f38c0, before the speed rewrite; kept verbatim
// so the differential test can prove the rewrite gives byte-identical output. Do not optimize this file.

// Date and datetime cells in the forms both sides write: ISO 8601 from the mapping's transforms
// ('2016-06-08', '2016-06-08T19:35:23.000Z', Postgres' '2016-06-08 19:35:23+00') and the US form of
// Kibo's exports ('6/8/2016 7:35:23 PM'). A value without a zone is taken as UTC.

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const US_PATTERN = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*([AP]M)?)?$/i;

interface DateParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
  readonly offsetMinutes: number;
}

/**
 * The instant as 'YYYY-MM-DDTHH:mm:ss.sssZ' for a datetime field, or its UTC day 'YYYY-MM-DD' for a
 * date field (a date has no time of day to compare, whichever form either side wrote it in).
 * `undefined` when the text is not a valid date in a known form.
 */
export function normalizeDateTime(text: string, kind: 'date' | 'datetime'): string | undefined {
  const parts = parseIsoParts(text) ?? parseUsParts(text);
  if (parts === undefined || !arePartsValid(parts)) return undefined;
  const instant = new Date(0);
  instant.setUTCFullYear(parts.year, parts.month - 1, parts.day);
  instant.setUTCHours(parts.hour, parts.minute - parts.offsetMinutes, parts.second, parts.millisecond);
  const iso = instant.toISOString();
  return kind === 'date' ? iso.slice(0, iso.indexOf('T')) : iso;
}

function parseIsoParts(text: string): DateParts | undefined {
  const match = ISO_PATTERN.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  return {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour ?? 0),
    minute: Number(minute ?? 0),
    second: Number(second ?? 0),
    millisecond: parseMilliseconds(fraction),
    offsetMinutes: parseZoneOffsetMinutes(zone),
  };
}

function parseUsParts(text: string): DateParts | undefined {
  const match = US_PATTERN.exec(text);
  if (match === null) return undefined;
  const [, month, day, year, hourText, minute, second, fraction, meridiem] = match;
  const hour = Number(hourText ?? 0);
  if (meridiem !== undefined && (hour < 1 || hour > 12)) return undefined;
  const isPm = meridiem?.toUpperCase() === 'PM';
  const hour24 = meridiem === undefined ? hour : (hour % 12) + (isPm ? 12 : 0);
  return {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: hour24,
    minute: Number(minute ?? 0),
    second: Number(second ?? 0),
    millisecond: parseMilliseconds(fraction),
    offsetMinutes: 0,
  };
}

/** Fractions finer than a millisecond are truncated: neither side stores more than milliseconds. */
function parseMilliseconds(fraction: string | undefined): number {
  if (fraction === undefined) return 0;
  return Number(fraction.slice(0, 3).padEnd(3, '0'));
}

function parseZoneOffsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
}

function arePartsValid(parts: DateParts): boolean {
  if (parts.month < 1 || parts.month > 12 || parts.day < 1) return false;
  const daysInMonth = new Date(Date.UTC(2000, parts.month, 0)).getUTCDate();
  const isLeapYear = parts.year % 4 === 0 && (parts.year % 100 !== 0 || parts.year % 400 === 0);
  const maxDay = parts.month === 2 && !isLeapYear ? 28 : daysInMonth;
  return parts.day <= maxDay && parts.hour <= 23 && parts.minute <= 59 && parts.second <= 59;
}
