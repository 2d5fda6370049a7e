import { describe, expect, it } from 'vitest';
import {
  orderResultSignal,
  pushClaim,
  statusPullSignal,
  transactionKind,
} from '#shared/payon/status.ts';
import { exampleJson } from '#test/support/payon-fixtures.ts';

function recordingLog() {
  const lines: [string, Record<string, unknown> | undefined][] = [];
  return {
    lines,
    warn: (message: string, extra?: Record<string, unknown>) => lines.push([message, extra]),
  };
}

describe('gateway status mapping', () => {
  it('confirms only COMPLETE on a status pull, and reports anything else', () => {
    const log = recordingLog();
    expect(statusPullSignal('COMPLETE', log)).toBe('confirmed');
    expect(statusPullSignal('complete', log)).toBe('confirmed');
    expect(statusPullSignal('PENDING', log)).toBe('not_confirmed');
    expect(log.lines).toEqual([
      ['PAYON status has an unknown txStCd; the payment is left as it is', { txStCd: 'PENDING' }],
    ]);
  });

  it.each([
    ['0000', 'confirmed'],
    ['9999', 'not_successful'],
    ['3003', 'not_successful'],
    ['0001', 'not_successful'],
    [undefined, 'not_confirmed'],
    ['7777', 'not_confirmed'],
  ] as const)('reads the orders list resultCd %s as %s', (code, signal) => {
    expect(orderResultSignal(code)).toBe(signal);
  });

  it('reports an unknown orders resultCd to the log', () => {
    const log = recordingLog();
    orderResultSignal('7777', log);
    expect(log.lines).toHaveLength(1);
  });

  it('reads the documented push as a claim of success only', () => {
    const push = exampleJson('push-notification.request.json') as { resultCode: string };
    const log = recordingLog();
    expect(pushClaim(push.resultCode, log)).toBe('claims_success');
    expect(pushClaim('9999', log)).toBe('claims_failure');
    expect(pushClaim('0001', log)).toBe('not_confirmed');
    expect(log.lines).toHaveLength(1);
  });

  it.each([
    ['10', 'purchase'],
    ['PURCHASE', 'purchase'],
    ['12', 'preauth'],
    ['PRE_AUTH', 'preauth'],
    ['PREAUTH', 'preauth'],
    ['REFUND', 'unknown'],
    [undefined, 'unknown'],
  ] as const)('maps trt %s to %s', (trt, kind) => {
    expect(transactionKind(trt)).toBe(kind);
  });
});
