import { describe, expect, it } from 'vitest';
import { cambodiaDay } from '#shared/domain/business-day.ts';
import {
  formatPayonDate,
  formatPayonDateTime,
  PayonDateError,
  parsePayonDate,
  parsePayonDateTime,
  parseTwelveHourDateTime,
} from '#shared/payon/dates.ts';

describe('PAYON dates in Cambodia time (UTC+7)', () => {
  it.each([
    ['20210212113016', 'yyyyMMddHHmmss', '2021-02-12T04:30:16.000Z'],
    ['09122020110737', 'ddMMyyyyHHmmss', '2020-12-09T04:07:37.000Z'],
    ['20240101000000', 'yyyyMMddHHmmss', '2023-12-31T17:00:00.000Z'],
  ] as const)('reads %s (%s) as %s', (text, format, iso) => {
    expect(parsePayonDateTime(text, format).toISOString()).toBe(iso);
  });

  it.each([
    ['20201124', 'yyyyMMdd', '2020-11-23T17:00:00.000Z'],
    ['24112020', 'ddMMyyyy', '2020-11-23T17:00:00.000Z'],
  ] as const)('reads the day %s (%s) as the instant it starts', (text, format, iso) => {
    expect(parsePayonDate(text, format).toISOString()).toBe(iso);
  });

  it.each([
    ['20210230113016', 'yyyyMMddHHmmss', '"20210230113016" is not a real date and time'],
    ['20210212243016', 'yyyyMMddHHmmss', '"20210212243016" is not a real date and time'],
    ['20210212116016', 'yyyyMMddHHmmss', '"20210212116016" is not a real date and time'],
    ['19991231235959', 'yyyyMMddHHmmss', '"19991231235959" is not a real date and time'],
    ['2021021211301', 'yyyyMMddHHmmss', '"2021021211301" is not in the form yyyyMMddHHmmss'],
    ['2021-02-12T11', 'ddMMyyyyHHmmss', '"2021-02-12T11" is not in the form ddMMyyyyHHmmss'],
  ] as const)('refuses %s rather than rolling it over', (text, format, message) => {
    expect(() => parsePayonDateTime(text, format)).toThrow(new PayonDateError(message));
  });

  it('refuses an impossible day', () => {
    expect(() => parsePayonDate('31022021', 'ddMMyyyy')).toThrow(PayonDateError);
  });

  describe('the 12-hour clock without AM/PM (A18)', () => {
    it.each([
      ['24/11/2020 11:47:01', '2020-11-24T04:47:01.000Z'], // 11:47 beats 23:47
      ['24/11/2020 01:30:29', '2020-11-24T06:30:29.000Z'], // 13:30 beats 01:30
      ['24/11/2020 12:15:00', '2020-11-24T05:15:00.000Z'], // 12:15 noon beats 00:15
      ['24/11/2020 06:00:00', '2020-11-23T23:00:00.000Z'], // a tie goes to the morning
      ['24/11/2020 06:00:01', '2020-11-23T23:00:01.000Z'], // 06:00:01 is closer than 18:00:01
      ['24/11/2020 05:59:59', '2020-11-24T10:59:59.000Z'], // 17:59:59 is closer than 05:59:59
    ])('without a local record reads %s as the candidate closest to noon: %s', (text, iso) => {
      expect(parseTwelveHourDateTime(text).toISOString()).toBe(iso);
    });

    it('takes the first candidate not before the local creation time', () => {
      const createdAt0100 = new Date('2020-11-23T18:00:00Z'); // 01:00 ICT
      const createdAt1000 = new Date('2020-11-24T03:00:00Z'); // 10:00 ICT
      expect(parseTwelveHourDateTime('24/11/2020 01:30:29', createdAt0100).toISOString()).toBe(
        '2020-11-23T18:30:29.000Z',
      );
      expect(parseTwelveHourDateTime('24/11/2020 01:30:29', createdAt1000).toISOString()).toBe(
        '2020-11-24T06:30:29.000Z',
      );
    });

    it('falls back to the noon rule when both candidates precede the creation time by more than the skew', () => {
      const lateCreation = new Date('2020-11-24T16:59:00Z'); // 23:59 ICT, 12 minutes after 23:47
      expect(parseTwelveHourDateTime('24/11/2020 11:47:01', lateCreation).toISOString()).toBe(
        '2020-11-24T04:47:01.000Z',
      );
    });

    it('allows PAYON whole seconds and a little clock skew before the creation time', () => {
      const created = new Date('2026-11-30T17:40:00.500Z'); // 00:40:00.5 ICT
      // "12:40:00" on the 12-hour clock: 00:40:00, half a second "before" the payment was made.
      expect(parseTwelveHourDateTime('01/12/2026 12:40:00', created).toISOString()).toBe(
        '2026-11-30T17:40:00.000Z',
      );
      expect(parseTwelveHourDateTime('01/12/2026 12:35:00', created).toISOString()).toBe(
        '2026-11-30T17:35:00.000Z',
      );
    });

    it.each([
      ['24/11/2020 13:30:29', 'has an hour above 12'],
      ['24-11-2020 01:30:29', 'is not in the form dd/MM/yyyy hh:mm:ss'],
      ['31/02/2020 01:30:29', 'is not a real date and time'],
    ])('refuses %s', (text, reason) => {
      expect(() => parseTwelveHourDateTime(text)).toThrow(reason);
    });
  });

  it('writes Cambodian calendar dates and times', () => {
    const at = new Date('2020-11-23T17:00:00Z');
    expect(formatPayonDate(at, 'ddMMyyyy')).toBe('24112020');
    expect(formatPayonDate(at, 'yyyyMMdd')).toBe('20201124');
    expect(formatPayonDateTime(new Date('2021-02-12T04:30:16Z'), 'yyyyMMddHHmmss')).toBe(
      '20210212113016',
    );
    expect(formatPayonDateTime(new Date('2020-12-09T04:07:37Z'), 'ddMMyyyyHHmmss')).toBe(
      '09122020110737',
    );
    expect(cambodiaDay(new Date('2020-11-23T16:59:59Z'))).toBe('2020-11-23');
    expect(cambodiaDay(at)).toBe('2020-11-24');
  });
});
