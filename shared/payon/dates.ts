/**
 * PAYON's date and time formats (docs/payon-api.md#conventions). Every PAYON time is Cambodia time,
 * UTC+7 with no daylight saving (assumed, docs/payon-assumptions.md); these functions turn them
 * into instants (`Date`) and back. Impossible dates (31 February, hour 25) are refused, never
 * rolled over.
 *
 * @example
 * ```ts
 * parsePayonDateTime('20210212113016', 'yyyyMMddHHmmss').toISOString(); // '2021-02-12T04:30:16.000Z'
 * formatPayonDate(new Date('2020-11-24T00:00:00Z'), 'ddMMyyyy');        // '24112020'
 * ```
 */

import { CAMBODIA_OFFSET_MS, cambodiaWallClock } from '#shared/domain/business-day.ts';

export type PayonDateTimeFormat =
  /** status `apprDttm`, registration `expiresAt` */
  | 'yyyyMMddHHmmss'
  /** refund/reversal `approvalDate` */
  | 'ddMMyyyyHHmmss';
export type PayonDateFormat = 'yyyyMMdd' | 'ddMMyyyy';

/** Thrown for a date PAYON should not have sent. The message quotes the text: dates hold no secret. */
export class PayonDateError extends RangeError {
  override readonly name = 'PayonDateError';
}

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function instant(p: Parts, text: string): Date {
  const utc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  const check = new Date(utc);
  if (
    p.year < 2000 ||
    check.getUTCFullYear() !== p.year ||
    check.getUTCMonth() !== p.month - 1 ||
    check.getUTCDate() !== p.day ||
    p.hour > 23 ||
    p.minute > 59 ||
    p.second > 59
  ) {
    throw new PayonDateError(`"${text}" is not a real date and time`);
  }
  return new Date(utc - CAMBODIA_OFFSET_MS);
}

function digits(text: string, length: number, format: string): number[] {
  if (text.length !== length || !/^\d+$/.test(text)) {
    throw new PayonDateError(`"${text}" is not in the form ${format}`);
  }
  return [...text].map(Number);
}

const n = (d: number[], from: number, length: number): number =>
  d.slice(from, from + length).reduce((acc, x) => acc * 10 + x, 0);

/**
 * Parses a 14-digit PAYON timestamp in Cambodia time.
 *
 * @example
 * ```ts
 * parsePayonDateTime('09122020110737', 'ddMMyyyyHHmmss'); // 2020-12-09T04:07:37Z
 * ```
 */
export function parsePayonDateTime(text: string, format: PayonDateTimeFormat): Date {
  const d = digits(text, 14, format);
  const [year, month, day] =
    format === 'yyyyMMddHHmmss'
      ? [n(d, 0, 4), n(d, 4, 2), n(d, 6, 2)]
      : [n(d, 4, 4), n(d, 2, 2), n(d, 0, 2)];
  return instant(
    { year, month, day, hour: n(d, 8, 2), minute: n(d, 10, 2), second: n(d, 12, 2) },
    text,
  );
}

/**
 * Parses an 8-digit PAYON date to the instant its Cambodian day starts.
 *
 * @example
 * ```ts
 * parsePayonDate('20201124', 'yyyyMMdd').toISOString(); // '2020-11-23T17:00:00.000Z'
 * ```
 */
export function parsePayonDate(text: string, format: PayonDateFormat): Date {
  const d = digits(text, 8, format);
  const [year, month, day] =
    format === 'yyyyMMdd'
      ? [n(d, 0, 4), n(d, 4, 2), n(d, 6, 2)]
      : [n(d, 4, 4), n(d, 2, 2), n(d, 0, 2)];
  return instant({ year, month, day, hour: 0, minute: 0, second: 0 }, text);
}

/** How far PAYON's clock (and its whole seconds) may run behind ours when reading 12-hour times. */
export const CLOCK_SKEW_MS = 10 * 60_000;

const TWELVE_HOUR = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})$/;

// Assumed (docs/payon-assumptions.md A18).
/**
 * Parses the orders list's `apprDttm` (`dd/MM/yyyy hh:mm:ss`), a 12-hour clock without AM/PM.
 *
 * The rule (docs/payon-assumptions.md A18): of the two candidates (hour h or h+12), take the one
 * closest to, and not before, `notBefore` (the payment's creation time known locally). PAYON writes
 * whole seconds and its clock is not ours, so "not before" allows {@link CLOCK_SKEW_MS} (the
 * candidates are 12 hours apart). Without it, or when both candidates are before it, take the
 * candidate closest to noon of that day; a tie (exactly 06:00:00 or 18:00:00) goes to the morning.
 *
 * @example
 * ```ts
 * parseTwelveHourDateTime('24/11/2020 01:30:29');                     // 13:30:29 ICT (closest to noon)
 * parseTwelveHourDateTime('24/11/2020 11:47:01');                     // 11:47:01 ICT
 * parseTwelveHourDateTime('24/11/2020 01:30:29', createdAt0100Ict);   // 01:30:29 ICT
 * ```
 */
export function parseTwelveHourDateTime(text: string, notBefore?: Date): Date {
  const m = TWELVE_HOUR.exec(text);
  if (!m) {
    throw new PayonDateError(`"${text}" is not in the form dd/MM/yyyy hh:mm:ss`);
  }
  const [day = 0, month = 0, year = 0, hour = 0, minute = 0, second = 0] = m.slice(1).map(Number);
  if (hour > 12) {
    throw new PayonDateError(`"${text}" has an hour above 12 on a 12-hour clock`);
  }
  const base = { year, month, day, minute, second };
  const morning = instant({ ...base, hour: hour % 12 }, text);
  const afternoon = instant({ ...base, hour: (hour % 12) + 12 }, text);
  if (notBefore !== undefined) {
    const earliest = notBefore.getTime() - CLOCK_SKEW_MS;
    const candidates = [morning, afternoon].filter((c) => c.getTime() >= earliest);
    const [first] = candidates;
    if (first !== undefined) return first;
  }
  const noon = instant({ ...base, hour: 12, minute: 0, second: 0 }, text).getTime();
  const distance = (c: Date) => Math.abs(c.getTime() - noon);
  return distance(afternoon) < distance(morning) ? afternoon : morning;
}

function cambodiaParts(at: Date): Parts {
  const local = cambodiaWallClock(at);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
  };
}

const pad = (value: number, length = 2) => String(value).padStart(length, '0');

/**
 * Writes the Cambodian calendar date of an instant in a PAYON date format.
 *
 * @example
 * ```ts
 * formatPayonDate(new Date('2020-11-23T17:00:00Z'), 'ddMMyyyy'); // '24112020'
 * ```
 */
export function formatPayonDate(at: Date, format: PayonDateFormat): string {
  const p = cambodiaParts(at);
  return format === 'ddMMyyyy'
    ? `${pad(p.day)}${pad(p.month)}${pad(p.year, 4)}`
    : `${pad(p.year, 4)}${pad(p.month)}${pad(p.day)}`;
}

/**
 * Writes an instant as a 14-digit PAYON timestamp in Cambodia time.
 *
 * @example
 * ```ts
 * formatPayonDateTime(new Date('2021-02-12T04:30:16Z'), 'yyyyMMddHHmmss'); // '20210212113016'
 * ```
 */
export function formatPayonDateTime(at: Date, format: PayonDateTimeFormat): string {
  const p = cambodiaParts(at);
  const time = `${pad(p.hour)}${pad(p.minute)}${pad(p.second)}`;
  return format === 'yyyyMMddHHmmss'
    ? `${pad(p.year, 4)}${pad(p.month)}${pad(p.day)}${time}`
    : `${pad(p.day)}${pad(p.month)}${pad(p.year, 4)}${time}`;
}
