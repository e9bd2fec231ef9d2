// Seeded random ERP values per transform type: mostly what Postgres prints, mixed with every odd shape
// a converter's fast path could get wrong (signs, exponents, padding, bad dates, quoted array elements).

export type Random = () => number;

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function pick<T>(random: Random, choices: readonly T[]): T {
  return choices[Math.floor(random() * choices.length)] as T;
}

function digits(random: Random, count: number): string {
  let text = '';
  for (let index = 0; index < count; index += 1) text += String(Math.floor(random() * 10));
  return text;
}

/** Digits that often run into 9s and 0s, so carries and zero results are common. */
function edgyDigits(random: Random, count: number): string {
  let text = '';
  for (let index = 0; index < count; index += 1) text += random() < 0.5 ? pick(random, ['9', '0', '5', '4']) : String(Math.floor(random() * 10));
  return text;
}

const PADDING = ['', '', '', '', ' ', '  ', '\t', '\n', '\u00a0', '\ufeff', '\u2028'];
const DECIMAL_JUNK = ['', '-', '+', '.', '-.', '+.', '1,5', '1.2.3', 'abc', 'NaN', 'Infinity', '-Infinity', '0x10', '1_000', '١٢', '１２', '12e', 'e5', '1e+', '--1', '+-1', '1-', '1.5.', '.e1', '1e1001', '1e-1001', '1e999', '5e-1000'];

export function randomDecimalText(random: Random): string {
  if (random() < 0.06) return pick(random, DECIMAL_JUNK);
  const sign = pick(random, ['', '', '', '-', '-', '+']);
  const leadingZeros = random() < 0.2 ? '0'.repeat(1 + Math.floor(random() * 3)) : '';
  const integer = leadingZeros + (random() < 0.15 ? '' : random() < 0.1 ? edgyDigits(random, 20 + Math.floor(random() * 15)) : edgyDigits(random, Math.floor(random() * 7)));
  const point = random() < 0.8 ? '.' : '';
  const fraction = point === '' ? '' : random() < 0.1 ? '' : edgyDigits(random, Math.floor(random() * 9));
  const exponent = random() < 0.1 ? `${pick(random, ['e', 'E'])}${pick(random, ['', '+', '-'])}${Math.floor(random() * 25)}` : '';
  const text = `${sign}${integer}${point}${fraction}${exponent}`;
  return random() < 0.1 ? `${pick(random, PADDING)}${text}${pick(random, PADDING)}` : text;
}

export function randomNumericValue(random: Random): unknown {
  const roll = random();
  if (roll < 0.8) return randomDecimalText(random);
  if (roll < 0.9) return pick(random, [0, -0, 1, 12.5, 2.675, 0.1, 1e-7, 1e21, -1e21, 123456789.125, Number.NaN, Number.POSITIVE_INFINITY, (random() - 0.5) * 10 ** Math.floor(random() * 12)]);
  if (roll < 0.95) return pick(random, [0n, -5n, 12n, 12345678901234567890n]);
  return pick(random, [true, false, {}, [], new Date(0)]);
}

const BOOLEAN_WORDS = ['t', 'f', 'true', 'false', 'yes', 'no', 'y', 'n', '1', '0', 'maybe', '', '2', 'tru', 'on', 'off', 'nö', 'İ'];

function randomCase(random: Random, text: string): string {
  return [...text].map((char) => (random() < 0.5 ? char.toUpperCase() : char)).join('');
}

export function randomBooleanValue(random: Random): unknown {
  const roll = random();
  if (roll < 0.4) return pick(random, ['t', 'f']);
  if (roll < 0.85) return `${pick(random, PADDING)}${randomCase(random, pick(random, BOOLEAN_WORDS))}${pick(random, PADDING)}`;
  return pick(random, [true, false, 0, 1, 2, -0, 1.0, 0.5, Number.NaN, 0n, 1n, 2n, 'T', 'F', [], {}]);
}

const ZONES = ['', '', '', '+00', '+00', 'Z', 'z', '-08', '+05:30', '-03:30', '+05:30:15', '-0800', '+0530', '+053015', '+05:3', '+5', '+99:99', '-00', ' +00', '  Z', 'UTC', '+00:00', 'T', '+', '-'];

/** Dates and timestamps: valid and invalid days, times, fractions and zones, many around DST changes. */
export function randomTemporalText(random: Random): string {
  if (random() < 0.04) return pick(random, ['', 'tomorrow', 'infinity', '-infinity', '2026-1-5', '05/01/2026', '2026/01/05', '20260105', '2026-01-05 BC', '2026-01-05 10:00:00 BC', 'epoch']);
  if (random() < 0.15) return randomDstText(random);
  if (random() < 0.1) return `${randomMonthEnd(random)}${pick(random, ['', ' 00:00:00', 'T12:30:00.5', ' 23:59:59.999'])}${pick(random, ZONES)}`;
  const year = random() < 0.2 ? digits(random, 1).padStart(4, '0') : random() < 0.2 ? digits(random, 4) : String(1990 + Math.floor(random() * 40));
  const month = random() < 0.1 ? pick(random, ['00', '13', '1', '02']) : String(1 + Math.floor(random() * 12)).padStart(2, '0');
  const day = random() < 0.1 ? pick(random, ['00', '29', '30', '31', '32', '5']) : String(1 + Math.floor(random() * 28)).padStart(2, '0');
  let text = `${year}-${month}-${day}`;
  if (random() < 0.8) {
    const hour = random() < 0.05 ? pick(random, ['24', '25', '1']) : String(Math.floor(random() * 24)).padStart(2, '0');
    const minute = random() < 0.05 ? '60' : String(Math.floor(random() * 60)).padStart(2, '0');
    const second = random() < 0.05 ? pick(random, ['60', '61', '']) : String(Math.floor(random() * 60)).padStart(2, '0');
    const fraction = random() < 0.3 ? `.${digits(random, Math.floor(random() * 8))}` : '';
    text += `${pick(random, [' ', ' ', 'T', 't', '  '])}${hour}:${minute}${second === '' ? '' : `:${second}${fraction}`}`;
  }
  text += pick(random, ZONES);
  return random() < 0.05 ? `${pick(random, PADDING)}${text}${pick(random, PADDING)}` : text;
}

/** Leap days and month ends, in century years (1900 and 2100 have no Feb 29, 2000 and 0400 have). */
function randomMonthEnd(random: Random): string {
  return pick(random, ['1900-02-29', '2000-02-29', '2100-02-29', '0000-02-29', '0100-02-29', '0400-02-29', '2024-02-29', '2026-02-29', '2026-02-28', '2026-04-31', '2026-06-30', '2026-12-31', '1899-12-31', '9999-12-31', '0001-01-01', '0000-01-01', '0000-01-01']);
}

/** Wall-clock times in the hours where New York and Berlin skip or repeat an hour. */
function randomDstText(random: Random): string {
  const day = pick(random, ['2026-03-08', '2026-11-01', '2026-03-29', '2026-10-25', '2025-03-09', '2025-11-02', '2025-03-30', '2025-10-26']);
  const hour = pick(random, ['00', '01', '02', '03', '04', '23']);
  const minute = pick(random, ['00', '30', '59']);
  const fraction = random() < 0.3 ? `.${digits(random, 1 + Math.floor(random() * 6))}` : '';
  return `${day} ${hour}:${minute}:${pick(random, ['00', '59'])}${fraction}${pick(random, ['', '', '+00', '-05', '+01', '+02'])}`;
}

export function randomTemporalValue(random: Random): unknown {
  if (random() < 0.93) return randomTemporalText(random);
  return pick(random, [new Date(Math.floor(random() * 4e12) - 1e12), new Date(Number.NaN), new Date(-62198755200000), 12, true, {}]);
}

const WORDS = ['DirectShip', 'InStorePickup', 'Delivery', 'In Store', 'a', 'é', '🍮', 'Ship&Go', 'x,y', 'NULL', 'null', 'Null', 'nULL', 'nul', 'NULLS', '', ' padded ', 'tab\t', 'line\nbreak', 'a|b', 'say "hi"', 'back\\slash', '{x}', 'ſ', 'ß'];

function randomArrayElement(random: Random): string {
  const word = pick(random, WORDS);
  const roll = random();
  if (roll < 0.55 && /^[A-Za-z]+$/.test(word)) return word;
  if (roll < 0.8) return `"${word.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return random() < 0.5 ? word : `${pick(random, PADDING)}${word}${pick(random, PADDING)}`;
}

/** Postgres array text (well-formed and not), delimited text, and JS arrays. */
export function randomListValue(random: Random): unknown {
  const roll = random();
  if (roll < 0.6) {
    const count = Math.floor(random() * 5);
    const elements = Array.from({ length: count }, () => randomArrayElement(random));
    return `{${elements.join(random() < 0.95 ? ',' : pick(random, [', ', ',,', ';']))}}`;
  }
  if (roll < 0.7) return pick(random, ['{', '}', '{"a}', '{a,}', '{,a}', '{a"b}', '{{a,b}}', '{a,{b}}', '{"a"b}', '{"a",}', '{\\}', '{a\\,b}', '{ }', '{NULL}', '{"NULL"}', '{""}', 'x{a}', '{a}x']);
  if (roll < 0.9) return Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(random, WORDS)).join(pick(random, ['&', ',', ';', ' & ', '|', '\n']));
  return pick(random, [['DirectShip', 'Delivery'], [], ['a&b'], [null, 'x'], [1, true], [{}], 'plain', 12]);
}

export function randomStringValue(random: Random): unknown {
  const roll = random();
  if (roll < 0.85) {
    const length = Math.floor(random() * 12);
    return Array.from({ length }, () => pick(random, ['a', 'B', ' ', 'é', '🍮', '\ud83c', 'ß', ',', '"', '\n', 'shipping', 'Billing', '1', '2'])).join('');
  }
  return pick(random, ['', 12, 12.5, Number.NaN, 12n, true, new Date(0), new Date(Number.NaN), {}, [], new Uint8Array(2)]);
}
