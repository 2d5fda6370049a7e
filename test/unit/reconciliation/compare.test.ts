import { describe, expect, it } from 'vitest';
import { money } from '#shared/domain/money.ts';
import type { StateSnapshot } from '#shared/domain/payment-state.ts';
import type { OrderRecord, ReconciliationResult } from '#shared/payon/types.ts';
import {
  compareTransaction,
  isProvisional,
  type LocalRecord,
} from '#shared/reconciliation/compare.ts';

const TX = '1795322199778820';
const local = (snapshot: StateSnapshot, minor = 1_999, kind: LocalRecord['kind'] = 'purchase') => ({
  txId: TX,
  kind,
  snapshot,
  amount: money(minor, 'USD'),
});
const order = (over: Partial<OrderRecord> = {}): OrderRecord => ({
  txId: TX,
  kind: 'purchase',
  amount: money(1_999, 'USD'),
  statusCode: '09',
  resultCode: '0000',
  resultMessage: 'Success',
  signal: 'confirmed',
  settled: false,
  cancelled: false,
  refunded: false,
  approvalNo: '123456',
  approvedAt: undefined,
  approvedAtText: undefined,
  day: '2026-11-22',
  sequenceNo: undefined,
  stan: undefined,
  paymentType: undefined,
  ...over,
});
const declined = order({ resultCode: '9999', signal: 'not_successful', statusCode: '99' });
const answer = (over: Partial<ReconciliationResult> = {}): ReconciliationResult => ({
  txId: TX,
  resultCode: '0000',
  resultMessage: 'Success',
  verdict: 'APPROVED',
  grandTotal: money(1_999, 'USD'),
  buyerId: undefined,
  sellerId: undefined,
  ...over,
});
const submitted = money(1_999, 'USD');

describe('compareTransaction', () => {
  it('matches when all three agree', () => {
    expect(
      compareTransaction({
        local: local({ state: 'SUCCEEDED' }),
        orders: [order()],
        reconciliation: { answer: answer(), submitted },
      }),
    ).toEqual({ kind: 'matched' });
    expect(compareTransaction({ local: local({ state: 'FAILED' }), orders: [declined] })).toEqual({
      kind: 'matched',
    });
    expect(compareTransaction({ local: local({ state: 'EXPIRED' }) })).toEqual({ kind: 'matched' });
    expect(
      compareTransaction({
        local: local({ state: 'REFUNDED' }),
        orders: [order({ refunded: true })],
      }),
    ).toEqual({ kind: 'matched' });
  });

  it('heals exactly what the evidence settles', () => {
    expect(
      compareTransaction({ local: local({ state: 'PENDING' }), orders: [order()] }),
    ).toMatchObject({
      kind: 'heal',
      to: 'SUCCEEDED',
    });
    expect(
      compareTransaction({
        local: local({ state: 'EXPIRED' }, 1_999, 'preauth'),
        orders: [order()],
      }),
    ).toMatchObject({ kind: 'heal', to: 'AUTHORIZED' });
    expect(
      compareTransaction({ local: local({ state: 'FAILED' }), orders: [order()] }),
    ).toMatchObject({ kind: 'heal', to: 'SUCCEEDED' });
    expect(
      compareTransaction({
        local: local({ state: 'UNKNOWN', operation: 'refund', priorState: 'SUCCEEDED' }),
        orders: [order({ refunded: true })],
      }),
    ).toMatchObject({ kind: 'heal', to: 'REFUNDED' });
    expect(
      compareTransaction({
        local: local({ state: 'UNKNOWN', operation: 'cancel', priorState: 'SUCCEEDED' }),
        orders: [order({ cancelled: true })],
      }),
    ).toMatchObject({ kind: 'heal', to: 'CANCELLED' });
  });

  it('leaves to the sweep what PAYON cannot settle yet', () => {
    expect(compareTransaction({ local: local({ state: 'PENDING' }) })).toEqual({ kind: 'pending' });
    expect(
      compareTransaction({
        local: local({ state: 'UNKNOWN', operation: 'refund', priorState: 'SUCCEEDED' }),
        orders: [order({ refunded: undefined })],
      }),
    ).toEqual({ kind: 'pending' });
    expect(
      compareTransaction({
        local: local(
          { state: 'UNKNOWN', operation: 'capture', priorState: 'AUTHORIZED' },
          1_999,
          'preauth',
        ),
        orders: [order()],
      }),
    ).toEqual({ kind: 'pending' });
  });

  it.each([
    ['missing_locally', { orders: [order()] }],
    ['missing_at_payon', { local: local({ state: 'SUCCEEDED' }) }],
    ['amount_differs', { local: local({ state: 'SUCCEEDED' }, 2_000), orders: [order()] }],
    ['amount_differs', { local: local({ state: 'PENDING' }, 2_000), orders: [order()] }],
    [
      'status_differs',
      { local: local({ state: 'SUCCEEDED' }), orders: [order({ refunded: true })] },
    ],
    [
      'status_differs',
      { local: local({ state: 'SUCCEEDED' }), orders: [order({ cancelled: true })] },
    ],
    [
      'status_differs',
      { local: local({ state: 'REFUNDED' }), orders: [order({ refunded: false })] },
    ],
    [
      'status_differs',
      { local: local({ state: 'CANCELLED' }), orders: [order({ cancelled: false })] },
    ],
    [
      'status_differs',
      {
        local: local({ state: 'PENDING' }),
        orders: [order({ signal: 'not_confirmed', resultCode: '7777' })],
      },
    ],
    [
      'status_differs',
      {
        local: local({ state: 'SUCCEEDED' }),
        orders: [order()],
        reconciliation: {
          answer: answer({ resultCode: '9999', verdict: 'MISMATCHED' }),
          submitted,
        },
      },
    ],
    [
      'fee_differs',
      {
        local: local({ state: 'SUCCEEDED' }),
        orders: [order()],
        reconciliation: { answer: answer({ grandTotal: money(2_049, 'USD') }), submitted },
      },
    ],
  ] as const)('names %s', (difference, evidence) => {
    expect(compareTransaction(evidence)).toMatchObject({ kind: 'exception', difference });
  });

  it('cannot tell from a 0000 answer without a verdict: an exception, never matched', () => {
    expect(
      compareTransaction({
        local: local({ state: 'SUCCEEDED' }),
        orders: [order()],
        reconciliation: { answer: answer({ resultCode: '0000', verdict: undefined }), submitted },
      }),
    ).toMatchObject({ kind: 'exception', difference: 'not_answered', payonCode: '0000' });
  });

  it.each(['0001', '0002', '3003', '0006'])(
    'names a reconciliation refusal %s as rejected, with the code',
    (code) => {
      expect(
        compareTransaction({
          local: local({ state: 'SUCCEEDED' }),
          orders: [order()],
          reconciliation: { answer: answer({ resultCode: code, verdict: undefined }), submitted },
        }),
      ).toMatchObject({ kind: 'exception', difference: 'rejected', payonCode: code });
    },
  );

  // docs/payon-assumptions.md A46: PAYON may list one txId several times. A declined attempt before
  // the approval, and refund / reversal / completion rows, are one piece of evidence.
  describe('several rows for one txId', () => {
    const refundRow = order({ refunded: true, sequenceNo: '3' });
    const declinedFirst = order({
      resultCode: '9999',
      signal: 'not_successful',
      statusCode: '99',
      sequenceNo: '1',
    });

    it('one 0000 row for the same amount outweighs any declined rows', () => {
      expect(
        compareTransaction({
          local: local({ state: 'PENDING' }),
          orders: [declinedFirst, order()],
        }),
      ).toMatchObject({ kind: 'heal', to: 'SUCCEEDED' });
      expect(
        compareTransaction({
          local: local({ state: 'SUCCEEDED' }),
          orders: [declinedFirst, order({ sequenceNo: '2' })],
          reconciliation: { answer: answer(), submitted },
        }),
      ).toEqual({ kind: 'matched' });
    });

    it('never heals a paid payment to FAILED on declined rows: the status pull decides', () => {
      for (const state of ['SUCCEEDED', 'PENDING'] as const) {
        expect(
          compareTransaction({ local: local({ state }), orders: [declinedFirst] }),
        ).toMatchObject({ kind: 'ask_status' });
      }
      expect(
        compareTransaction({ local: local({ state: 'FAILED' }), orders: [declinedFirst] }),
      ).toEqual({ kind: 'matched' });
    });

    it('counts a flag Y on any row as Y, and N only when every row says N', () => {
      expect(
        compareTransaction({
          local: local({ state: 'REFUNDED' }),
          orders: [order(), refundRow],
        }),
      ).toEqual({ kind: 'matched' });
      expect(
        compareTransaction({
          local: local({ state: 'UNKNOWN', operation: 'refund', priorState: 'SUCCEEDED' }),
          orders: [order(), refundRow],
        }),
      ).toMatchObject({ kind: 'heal', to: 'REFUNDED' });
      expect(
        compareTransaction({
          local: local({ state: 'SUCCEEDED' }),
          orders: [order(), refundRow],
        }),
      ).toMatchObject({ kind: 'exception', difference: 'status_differs' });
      // A blank flag on one row: cannot tell, so REFUNDED is not contradicted.
      expect(
        compareTransaction({
          local: local({ state: 'REFUNDED' }),
          orders: [order(), order({ refunded: undefined, sequenceNo: '2' })],
        }),
      ).toEqual({ kind: 'matched' });
    });

    it('marks as provisional what later rows of the txId could still change, and nothing else', () => {
      const verdict = (state: 'REFUNDED' | 'SUCCEEDED' | 'PENDING', rows: OrderRecord[]) =>
        compareTransaction({ local: local({ state }), orders: rows });
      // A REFUNDED payment whose refund row is on a later page: N so far.
      expect(isProvisional(verdict('REFUNDED', [order()]))).toBe(true);
      expect(isProvisional(verdict('PENDING', [declinedFirst]))).toBe(true);
      // A Y can never be taken back by more rows: definitive.
      expect(isProvisional(verdict('SUCCEEDED', [order(), refundRow]))).toBe(false);
      expect(isProvisional(verdict('SUCCEEDED', [order()]))).toBe(false);
    });

    it('takes a row PAYON listed twice as one', () => {
      expect(
        compareTransaction({
          local: local({ state: 'SUCCEEDED' }),
          orders: [order({ sequenceNo: '7' }), order({ sequenceNo: '7' })],
        }),
      ).toEqual({ kind: 'matched' });
    });
  });

  it('accepts either the authorised or the captured amount after a partial capture', () => {
    const captured = {
      ...local({ state: 'SUCCEEDED' }, 2_000, 'preauth'),
      capturedAmount: money(1_999, 'USD'),
    };
    expect(compareTransaction({ local: captured, orders: [order()] })).toEqual({ kind: 'matched' });
    expect(
      compareTransaction({ local: captured, orders: [order({ amount: money(2_000, 'USD') })] }),
    ).toEqual({ kind: 'matched' });
    expect(
      compareTransaction({ local: captured, orders: [order({ amount: money(1_500, 'USD') })] }),
    ).toMatchObject({ kind: 'exception', difference: 'amount_differs' });
  });
});
