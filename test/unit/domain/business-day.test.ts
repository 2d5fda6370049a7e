import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cambodiaDay, dayBefore, dayNoon, dayStart } from '#shared/domain/business-day.ts';

describe('the Cambodian business day (UTC+7)', () => {
  it.each([
    ['2020-11-23T16:59:59.999Z', '2020-11-23'],
    ['2020-11-23T17:00:00.000Z', '2020-11-24'],
    ['2026-12-31T17:00:00.000Z', '2027-01-01'],
  ])('%s falls on %s in Cambodia', (at, day) => {
    expect(cambodiaDay(new Date(at))).toBe(day);
  });

  it('starts at 17:00 UTC the day before, and its noon is 05:00 UTC', () => {
    expect(dayStart('2020-11-24').toISOString()).toBe('2020-11-23T17:00:00.000Z');
    expect(dayNoon('2020-11-24').toISOString()).toBe('2020-11-24T05:00:00.000Z');
    expect(dayBefore(new Date('2020-11-23T17:00:00.000Z'))).toBe('2020-11-23');
  });

  it('puts every instant of a day, its start and noon included, on that day', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
        (at) => {
          const day = cambodiaDay(at);
          expect(cambodiaDay(dayStart(day))).toBe(day);
          expect(cambodiaDay(dayNoon(day))).toBe(day);
          expect(dayStart(day).getTime()).toBeLessThanOrEqual(at.getTime());
          expect(at.getTime() - dayStart(day).getTime()).toBeLessThan(86_400_000);
        },
      ),
    );
  });
});
