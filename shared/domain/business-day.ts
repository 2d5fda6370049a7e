/**
 * The Cambodian business day: the calendar day in Cambodia (UTC+7, no daylight saving), the unit
 * of PAYON's order history and of reconciliation (docs/payon-assumptions.md A39). Days are
 * `yyyy-MM-dd` strings; every conversion between a day and instants is here.
 *
 * @example
 * ```ts
 * cambodiaDay(new Date('2020-11-23T17:00:00Z')); // '2020-11-24'
 * dayStart('2020-11-24').toISOString();          // '2020-11-23T17:00:00.000Z'
 * ```
 */

/** Cambodia's offset from UTC, in milliseconds. */
export const CAMBODIA_OFFSET_MS = 7 * 60 * 60 * 1000;

/** One day, in milliseconds (Cambodia keeps no daylight saving). */
export const DAY_MS = 24 * 60 * 60 * 1000;

/** The instant shifted to Cambodian wall-clock time (read it with the `getUTC…` methods). */
export function cambodiaWallClock(at: Date): Date {
  return new Date(at.getTime() + CAMBODIA_OFFSET_MS);
}

/** The Cambodian business day of an instant, as `yyyy-MM-dd`. */
export function cambodiaDay(at: Date): string {
  return cambodiaWallClock(at).toISOString().slice(0, 10);
}

/** 00:00 of `day` in Cambodia. */
export function dayStart(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - CAMBODIA_OFFSET_MS);
}

/** Noon of `day` in Cambodia: an instant safely inside it (PAYON's orders list takes days). */
export function dayNoon(day: string): Date {
  return new Date(dayStart(day).getTime() + DAY_MS / 2);
}

/** The Cambodian day before the one `at` falls in. */
export function dayBefore(at: Date): string {
  return cambodiaDay(new Date(at.getTime() - DAY_MS));
}
