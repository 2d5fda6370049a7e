import { describe, expect, it } from 'vitest';
import { dayBefore } from '#shared/domain/business-day.ts';
import { InvalidRequestError } from '#shared/errors.ts';
import {
  dayProblem,
  dayToReconcile,
  RECONCILIATION_HOUR_UTC,
} from '#shared/reconciliation/starter.ts';

const now = new Date('2026-11-22T03:00:00Z'); // 10:00 on 22 November in Phnom Penh

describe('which day a run is for', () => {
  it('takes a real day up to today in Cambodia', () => {
    expect(dayProblem('2026-11-22', now)).toBeUndefined();
    expect(dayProblem('2026-11-21', now)).toBeUndefined();
    expect(dayProblem('2020-01-01', now)).toBeUndefined();
  });

  it('names what is wrong with any other', () => {
    expect(dayProblem('2026-11-23', now)).toBe('must not be after today in Cambodia (UTC+7)');
    expect(dayProblem('2019-12-31', now)).toBe('must not be before 2020-01-01');
    for (const bad of ['2026-02-30', '2026-11-22T00:00', '22-11-2026', '', '2026-13-01']) {
      expect(dayProblem(bad, now), bad).toBe('must be a date such as 2026-11-21');
    }
  });

  it('counts today by Cambodian time: at 17:30 UTC it is already tomorrow there', () => {
    const late = new Date('2026-11-22T17:30:00Z');
    expect(dayProblem('2026-11-23', late)).toBeUndefined();
    expect(dayProblem('2026-11-24', late)).toBeDefined();
  });

  it('reconciles the Cambodian day before the schedule fired', () => {
    // The schedule fires at 18:00 UTC = 01:00 the next day in Cambodia.
    const fired = new Date(Date.UTC(2026, 10, 21, RECONCILIATION_HOUR_UTC));
    expect(dayBefore(fired)).toBe('2026-11-21');
    expect(
      dayToReconcile(
        { 'detail-type': 'Scheduled Event', source: 'aws.events', time: fired.toISOString() },
        now,
      ),
    ).toBe('2026-11-21');
  });

  it('takes the day the API named, and refuses a bad one by its field', () => {
    expect(dayToReconcile({ day: '2026-11-20' }, now)).toBe('2026-11-20');
    expect(() => dayToReconcile({ day: '2027-01-01' }, now)).toThrow(InvalidRequestError);
    expect(() => dayToReconcile({}, now)).toThrow(/day: must be a date/);
    expect(() => dayToReconcile(null, now)).toThrow(/day: must be a date/);
  });
});
