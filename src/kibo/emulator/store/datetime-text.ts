// Dates as Kibo shows and accepts them: ISO 8601 in, US `M/D/YYYY h:mm:ss AM` (UTC) out, which is
// the B2B template's example format (`6/8/2016 7:35:23 PM`). Stored canonically as ISO instants.

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/u;
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/iu;
const US_DATE_TIME =
  /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*(AM|PM))?)?$/iu;

interface DateParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
  /** Minutes east of UTC (0 when the text names no zone: Kibo's exports are UTC). */
  readonly offsetMinutes: number;
}

/** Milliseconds since the epoch, or undefined when the parts name no real moment (2/30, 25:00). */
function toEpochMs(parts: DateParts): number | undefined {
  const { year, month, day, hour, minute, second, millisecond } = parts;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const epochMs = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
  const check = new Date(epochMs);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return undefined;
  }
  return epochMs - parts.offsetMinutes * 60_000;
}

function parseOffsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
  return zone.startsWith('-') ? -minutes : minutes;
}

function parseIso(text: string): DateParts | undefined {
  const dateOnly = ISO_DATE.exec(text);
  if (dateOnly) {
    const [, year, month, day] = dateOnly.map(Number);
    return { year: year!, month: month!, day: day!, hour: 0, minute: 0, second: 0, millisecond: 0, offsetMinutes: 0 };
  }
  const match = ISO_DATE_TIME.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second = '0', fraction = '0', zone] = match;
  return {
    year: Number(year), month: Number(month), day: Number(day), hour: Number(hour), minute: Number(minute),
    second: Number(second), millisecond: Number(fraction.padEnd(3, '0').slice(0, 3)),
    offsetMinutes: parseOffsetMinutes(zone),
  };
}

function parseUs(text: string): DateParts | undefined {
  const match = US_DATE_TIME.exec(text);
  if (!match) return undefined;
  const [, month, day, year, hourText = '0', minute = '0', second = '0', meridiem] = match;
  let hour = Number(hourText);
  if (meridiem !== undefined) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (meridiem.toUpperCase() === 'PM' ? 12 : 0);
  }
  return {
    year: Number(year), month: Number(month), day: Number(day), hour, minute: Number(minute),
    second: Number(second), millisecond: 0, offsetMinutes: 0,
  };
}

/** The instant a Kibo date cell names (ISO 8601, `YYYY-MM-DD`, `M/D/YYYY[ h:mm[:ss] AM|PM]`), as epoch ms. */
export function parseKiboDateTime(text: string): number | undefined {
  const trimmed = text.trim();
  const parts = parseIso(trimmed) ?? parseUs(trimmed);
  return parts === undefined ? undefined : toEpochMs(parts);
}

/** `2016-06-08T19:35:23.000Z` → `6/8/2016 7:35:23 PM` (UTC; Kibo's exports drop milliseconds). */
export function formatKiboDateTime(isoInstant: string): string {
  const moment = new Date(isoInstant);
  const hour = moment.getUTCHours();
  const clockHour = hour % 12 === 0 ? 12 : hour % 12;
  const minute = String(moment.getUTCMinutes()).padStart(2, '0');
  const second = String(moment.getUTCSeconds()).padStart(2, '0');
  return `${formatKiboDate(isoInstant)} ${clockHour}:${minute}:${second} ${hour < 12 ? 'AM' : 'PM'}`;
}

/** `2016-06-08` (or an ISO instant) → `6/8/2016`. */
export function formatKiboDate(isoDateOrInstant: string): string {
  const moment = new Date(isoDateOrInstant.length === 10 ? `${isoDateOrInstant}T00:00:00Z` : isoDateOrInstant);
  return `${moment.getUTCMonth() + 1}/${moment.getUTCDate()}/${moment.getUTCFullYear()}`;
}
