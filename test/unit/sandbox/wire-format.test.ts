import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  centsToText,
  centsToWireNumber,
  formatApprovalDate,
  formatCompact,
  formatDate8,
  formatOrdersDateTime,
  parseAmountCents,
  parseDdMMyyyy,
} from '#local/payon-sandbox/wire-format.ts';

// 1606199421698 is PAYON's example txId: 24 Nov 2020 13:30:21.698 in Cambodia (UTC+7).
const EXAMPLE_MS = 1606199421698;

describe('Cambodia-time wire dates', () => {
  it('writes yyyyMMdd, yyyyMMddHHmmss and ddMMyyyyHHmmss in UTC+7', () => {
    expect(formatDate8(EXAMPLE_MS)).toBe('20201124');
    expect(formatCompact(EXAMPLE_MS)).toBe('20201124133021');
    expect(formatApprovalDate(EXAMPLE_MS)).toBe('24112020133021');
  });

  it('writes the orders apprDttm on a 12-hour clock without AM/PM, as PAYON shows 13:30 as 01:30', () => {
    expect(formatOrdersDateTime(EXAMPLE_MS)).toBe('24/11/2020 01:30:21');
    expect(formatOrdersDateTime(Date.parse('2020-11-24T04:47:01Z'))).toBe('24/11/2020 11:47:01');
    expect(formatOrdersDateTime(Date.parse('2020-11-23T17:05:00Z'))).toBe('24/11/2020 12:05:00');
    expect(formatOrdersDateTime(Date.parse('2020-11-24T05:05:00Z'))).toBe('24/11/2020 12:05:00');
  });

  it('rolls the date over at midnight Cambodia time, not UTC', () => {
    expect(formatDate8(Date.parse('2021-07-19T17:00:00Z'))).toBe('20210720');
    expect(formatDate8(Date.parse('2021-07-19T16:59:59Z'))).toBe('20210719');
  });

  it('reads ddMMyyyy and refuses impossible dates', () => {
    expect(parseDdMMyyyy('01112018')).toBe('20181101');
    expect(parseDdMMyyyy('31022020')).toBeUndefined();
    expect(parseDdMMyyyy('2020-11-01')).toBeUndefined();
  });
});

describe('amounts', () => {
  it('reads strings and numbers exactly into cents', () => {
    expect(parseAmountCents('1')).toBe(100);
    expect(parseAmountCents('1.00')).toBe(100);
    expect(parseAmountCents('2.3')).toBe(230);
    expect(parseAmountCents(2.3)).toBe(230);
    expect(parseAmountCents('0.07')).toBe(7);
  });

  it('refuses negatives, three decimals, exponents and non-numbers', () => {
    for (const bad of ['-1', '1.001', '1e3', '', 'abc', null, true, Number.NaN]) {
      expect(parseAmountCents(bad)).toBeUndefined();
    }
  });

  it('round-trips every cent amount through the wire number and the text', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_00 }), (cents) => {
        expect(parseAmountCents(centsToWireNumber(cents))).toBe(cents);
        expect(parseAmountCents(centsToText(cents))).toBe(cents);
      }),
    );
  });
});
