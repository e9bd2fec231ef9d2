// Date and datetime cells in the forms both sides write: ISO 8601 from the mapping's transforms
// ('2016-06-08', '2016-06-08T19:35:23.000Z', Postgres' '2016-06-08 19:35:23+00') and the US form of
// Kibo's exports ('6/8/2016 7:35:23 PM'). A value without a zone is taken as UTC.
// The two shapes every row carries (Kibo's US form, the transforms' 'YYYY-MM-DDTHH:mm:ss.sssZ') are read
// by hand, without a regex or a Date: with no zone offset the instant's fields are the text's own.
// Anything else (offsets, other separators, lower case, missing seconds) takes the general path.

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const US_PATTERN = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*([AP]M)?)?$/i;

const DIGIT_0 = 48;
const DIGIT_9 = 57;
const SLASH = 47;
const COLON = 58;
const DASH = 45;
const POINT = 46;
const SPACE = 32;
const UPPER_T = 84;
const UPPER_Z = 90;
const UPPER_A = 65;
const UPPER_P = 80;
const UPPER_M = 77;
/** Days per month in a leap year (the check below shortens February). */
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** Character codes of the tens and the ones digit of 0..99. */
const TENS = Uint8Array.from({ length: 100 }, (_, value) => DIGIT_0 + Math.floor(value / 10));
const ONES = Uint8Array.from({ length: 100 }, (_, value) => DIGIT_0 + (value % 10));

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
  return normalizeIsoUtc(text, kind) ?? normalizeUsForm(text, kind) ?? normalizeAnyDateTime(text, kind);
}

/**
 * 'YYYY-MM-DD', or that with 'T' or ' ', 'HH:mm:ss', an optional '.' fraction and an optional 'Z'.
 * `undefined` for any other text and for invalid dates (the general path decides those).
 */
function normalizeIsoUtc(text: string, kind: 'date' | 'datetime'): string | undefined {
  const length = text.length;
  if (length < 10 || text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH) return undefined;
  const year = readDigits(text, 0, 4);
  const month = readDigits(text, 5, 7);
  const day = readDigits(text, 8, 10);
  if (length === 10) {
    if (!isValidInstant(year, month, day, 0, 0, 0)) return undefined;
    return kind === 'date' ? text : formatUtcDateTime(year, month, day, 0, 0, 0, 0);
  }
  const separator = text.charCodeAt(10);
  if ((separator !== UPPER_T && separator !== SPACE) || text.charCodeAt(13) !== COLON || text.charCodeAt(16) !== COLON) return undefined;
  const fractionEnd = findFractionEnd(text, 19);
  if (fractionEnd < 0 || (fractionEnd < length && (fractionEnd !== length - 1 || text.charCodeAt(fractionEnd) !== UPPER_Z))) return undefined;
  const hour = readDigits(text, 11, 13);
  const minute = readDigits(text, 14, 16);
  const second = readDigits(text, 17, 19);
  if (!isValidInstant(year, month, day, hour, minute, second)) return undefined;
  if (kind === 'date') return text.slice(0, 10);
  // Already canonical (the ERP side's transforms write exactly this): the text itself.
  if (length === 24 && fractionEnd === 23 && separator === UPPER_T) return text;
  return formatUtcDateTime(year, month, day, hour, minute, second, readMilliseconds(text, 19, fractionEnd));
}

/** 'M/D/YYYY', or that with ' h:mm:ss', an optional '.' fraction and an optional ' AM' or ' PM'. */
function normalizeUsForm(text: string, kind: 'date' | 'datetime'): string | undefined {
  const firstSlash = text.charCodeAt(1) === SLASH ? 1 : text.charCodeAt(2) === SLASH ? 2 : -1;
  if (firstSlash < 0) return undefined;
  const secondSlash = text.charCodeAt(firstSlash + 2) === SLASH ? firstSlash + 2 : text.charCodeAt(firstSlash + 3) === SLASH ? firstSlash + 3 : -1;
  if (secondSlash < 0) return undefined;
  const dateEnd = secondSlash + 5;
  const month = readDigits(text, 0, firstSlash);
  const day = readDigits(text, firstSlash + 1, secondSlash);
  const year = readDigits(text, secondSlash + 1, dateEnd);
  if (text.length === dateEnd) {
    if (!isValidInstant(year, month, day, 0, 0, 0)) return undefined;
    return kind === 'date' ? formatUtcDate(year, month, day) : formatUtcDateTime(year, month, day, 0, 0, 0, 0);
  }
  if (text.charCodeAt(dateEnd) !== SPACE) return undefined;
  const hourEnd = text.charCodeAt(dateEnd + 2) === COLON ? dateEnd + 2 : text.charCodeAt(dateEnd + 3) === COLON ? dateEnd + 3 : -1;
  if (hourEnd < 0 || text.charCodeAt(hourEnd + 3) !== COLON) return undefined;
  const fractionEnd = findFractionEnd(text, hourEnd + 6);
  const meridiem = fractionEnd < 0 ? -1 : readMeridiem(text, fractionEnd);
  if (meridiem < 0) return undefined;
  let hour = readDigits(text, dateEnd + 1, hourEnd);
  if (meridiem > 0) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (meridiem === 2 ? 12 : 0);
  }
  const minute = readDigits(text, hourEnd + 1, hourEnd + 3);
  const second = readDigits(text, hourEnd + 4, hourEnd + 6);
  if (!isValidInstant(year, month, day, hour, minute, second)) return undefined;
  if (kind === 'date') return formatUtcDate(year, month, day);
  return formatUtcDateTime(year, month, day, hour, minute, second, readMilliseconds(text, hourEnd + 6, fractionEnd));
}

/** 0 at the end of the text, 1 for a final ' AM', 2 for ' PM', -1 for anything else. */
function readMeridiem(text: string, at: number): number {
  if (at === text.length) return 0;
  if (at + 3 !== text.length || text.charCodeAt(at) !== SPACE || text.charCodeAt(at + 2) !== UPPER_M) return -1;
  const letter = text.charCodeAt(at + 1);
  return letter === UPPER_A ? 1 : letter === UPPER_P ? 2 : -1;
}

/** The value of the ASCII digits in [start, end), or -1 when one is missing or not a digit. */
function readDigits(text: string, start: number, end: number): number {
  if (end > text.length) return -1;
  let value = 0;
  for (let index = start; index < end; index += 1) {
    const code = text.charCodeAt(index);
    if (code < DIGIT_0 || code > DIGIT_9) return -1;
    value = value * 10 + (code - DIGIT_0);
  }
  return value;
}

/** End of an optional '.' and one or more digits at `at`; `at` when there is no '.', -1 when a '.' has no digit. */
function findFractionEnd(text: string, at: number): number {
  if (at > text.length) return -1;
  if (text.charCodeAt(at) !== POINT) return at;
  let index = at + 1;
  while (index < text.length && text.charCodeAt(index) >= DIGIT_0 && text.charCodeAt(index) <= DIGIT_9) index += 1;
  return index === at + 1 ? -1 : index;
}

/** Milliseconds from the fraction at [at, end) ('.' included): its first three digits, padded with zeros. */
function readMilliseconds(text: string, at: number, end: number): number {
  let milliseconds = 0;
  for (let index = at + 1; index < at + 4; index += 1) milliseconds = milliseconds * 10 + (index < end ? text.charCodeAt(index) - DIGIT_0 : 0);
  return milliseconds;
}

// One flat string per value: a template or '+' chain builds a rope that the fingerprint hash would
// flatten again, which measured about twice the cost of the whole parse.
function formatUtcDate(year: number, month: number, day: number): string {
  const century = Math.floor(year / 100);
  const yearOfCentury = year % 100;
  return String.fromCharCode(TENS[century]!, ONES[century]!, TENS[yearOfCentury]!, ONES[yearOfCentury]!, DASH, TENS[month]!, ONES[month]!, DASH, TENS[day]!, ONES[day]!);
}

/** 'YYYY-MM-DDTHH:mm:ss.sssZ' of fields already valid (no zone: the instant's UTC fields are the text's). */
function formatUtcDateTime(year: number, month: number, day: number, hour: number, minute: number, second: number, milliseconds: number): string {
  const [century, yearOfCentury] = [Math.floor(year / 100), year % 100];
  const [hundredths, belowHundred] = [Math.floor(milliseconds / 100), milliseconds % 100];
  return String.fromCharCode(
    TENS[century]!, ONES[century]!, TENS[yearOfCentury]!, ONES[yearOfCentury]!, DASH, TENS[month]!, ONES[month]!, DASH, TENS[day]!, ONES[day]!,
    UPPER_T, TENS[hour]!, ONES[hour]!, COLON, TENS[minute]!, ONES[minute]!, COLON, TENS[second]!, ONES[second]!,
    POINT, ONES[hundredths]!, TENS[belowHundred]!, ONES[belowHundred]!, UPPER_Z,
  );
}

/** arePartsValid for the hand-read fields; -1 (a missing digit) fails it. */
function isValidInstant(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || minute < 0 || second < 0) return false;
  const isLeapYear = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const maxDay = month === 2 && !isLeapYear ? 28 : DAYS_IN_MONTH[month - 1]!;
  return day <= maxDay && hour <= 23 && minute <= 59 && second <= 59;
}

/** The general path: every form the patterns accept, zone offsets included, through a Date. */
function normalizeAnyDateTime(text: string, kind: 'date' | 'datetime'): string | undefined {
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
