import { describe, expect, it } from 'vitest';
import { csvField, exceptionsCsv, reconciliationView } from '#shared/reconciliation/view.ts';
import type { ExceptionRecord, ReconciliationReport } from '#shared/store/reconciliations.ts';

describe('the reconciliation report as the API shows it', () => {
  it('gives amounts as decimal strings per currency, never minor units', () => {
    const report: ReconciliationReport = {
      day: '2026-11-21',
      runId: '2026-11-21T18:00:01.000Z',
      status: 'completed',
      startedAt: '2026-11-21T18:00:01.000Z',
      finishedAt: '2026-11-21T18:00:09.000Z',
      counts: {
        payonTransactions: 3,
        localPayments: 3,
        submitted: 2,
        matched: 2,
        healed: 0,
        pending: 0,
        exceptions: 1,
        unanswered: 0,
        byDifference: { amount_differs: 1 },
        payonApprovedMinor: { USD: 123_456, KHR: 4_000_000 },
        exceptionMinor: { USD: 5 },
      },
    };
    expect(reconciliationView(report)).toEqual({
      day: '2026-11-21',
      runId: '2026-11-21T18:00:01.000Z',
      status: 'completed',
      startedAt: '2026-11-21T18:00:01.000Z',
      finishedAt: '2026-11-21T18:00:09.000Z',
      counts: {
        payonTransactions: 3,
        localPayments: 3,
        submitted: 2,
        matched: 2,
        healed: 0,
        pending: 0,
        exceptions: 1,
        unanswered: 0,
        byDifference: { amount_differs: 1 },
      },
      amounts: {
        payonApproved: [
          { value: '40000.00', currency: 'KHR' },
          { value: '1234.56', currency: 'USD' },
        ],
        inExceptions: [{ value: '0.05', currency: 'USD' }],
      },
    });
  });
});

describe('exceptions as CSV', () => {
  const exception: ExceptionRecord = {
    txId: '1763000000000017',
    difference: 'rejected',
    detail: 'Invalid Term ID',
    payonCode: '0002',
    localState: 'SUCCEEDED',
    amountMinor: 1_500,
    currency: 'USD',
  };

  it('writes a header on the first page only, CRLF lines, amounts as decimals', () => {
    const first = exceptionsCsv([exception], true);
    expect(first).toBe(
      'txId,difference,reason,detail,payonCode,localState,amount,currency\r\n' +
        '1763000000000017,rejected,"PAYON refused the reconciliation item (0001, 0002, 3003 or 0006)",Invalid Term ID,0002,SUCCEEDED,15.00,USD\r\n',
    );
    expect(exceptionsCsv([exception], false)).toBe(first.split('\r\n').slice(1).join('\r\n'));
    expect(exceptionsCsv([], true)).toBe(
      'txId,difference,reason,detail,payonCode,localState,amount,currency\r\n',
    );
  });

  it('quotes commas, quotes and line breaks, and defuses formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('+1')).toBe(`"'+1"`);
    expect(csvField('-5')).toBe(`"'-5"`);
    expect(csvField('@SUM(A1)')).toBe(`"'@SUM(A1)"`);
  });
});
