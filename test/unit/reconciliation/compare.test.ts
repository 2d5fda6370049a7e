import { describe, expect, it } from 'vitest';
import { money } from '#shared/domain/money.ts';
import type { StateSnapshot } from '#shared/domain/payment-state.ts';
import type { OrderRecord, ReconciliationResult } from '#shared/payon/types.ts';
import { compareTransaction, type LocalRecord } from '#shared/reconciliation/compare.ts';

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
        order: order(),
        reconciliation: { answer: answer(), submitted },
      }),
    ).toEqual({ kind: 'matched' });
    expect(compareTransaction({ local: local({ state: 'FAILED' }), order: declined })).toEqual({
      kind: 'matched',
    });
    expect(compareTransaction({ local: local({ state: 'EXPIRED' }) })).toEqual({ kind: 'matched' });
    expect(
      compareTransaction({ local: local({ state: 'REFUNDED' }), order: order({ refunded: true }) }),
    ).toEqual({ kind: 'matched' });
  });

  it('heals exactly what the evidence settles', () => {
    expect(
      compareTransaction({ local: local({ state: 'PENDING' }), order: order() }),
    ).toMatchObject({
      kind: 'heal',
      to: 'SUCCEEDED',
    });
    expect(
      compareTransaction({ local: local({ state: 'EXPIRED' }, 1_999, 'preauth'), order: order() }),
    ).toMatchObject({ kind: 'heal', to: 'AUTHORIZED' });
    expect(
      compareTransaction({
        local: local({ state: 'UNKNOWN', operation: 'register', priorState: 'CREATED' }),
        order: declined,
      }),
    ).toMatchObject({ kind: 'heal', to: 'FAILED' });
    expect(
      compareTransaction({
        local: local({ state: 'UNKNOWN', operation: 'refund', priorState: 'SUCCEEDED' }),
        order: order({ refunded: true }),
      }),
    ).toMatchObject({ kind: 'heal', to: 'REFUNDED' });
    expect(
      compareTransaction({
        local: local({ state: 'UNKNOWN', operation: 'cancel', priorState: 'SUCCEEDED' }),
        order: order({ cancelled: true }),
      }),
    ).toMatchObject({ kind: 'heal', to: 'CANCELLED' });
  });

  it('leaves to the sweep what PAYON cannot settle yet', () => {
    expect(compareTransaction({ local: local({ state: 'PENDING' }) })).toEqual({ kind: 'pending' });
    expect(
      compareTransaction({
        local: local({ state: 'UNKNOWN', operation: 'refund', priorState: 'SUCCEEDED' }),
        order: order({ refunded: undefined }),
      }),
    ).toEqual({ kind: 'pending' });
    expect(
      compareTransaction({
        local: local(
          { state: 'UNKNOWN', operation: 'capture', priorState: 'AUTHORIZED' },
          1_999,
          'preauth',
        ),
        order: order(),
      }),
    ).toEqual({ kind: 'pending' });
  });

  it.each([
    ['missing_locally', { order: order() }],
    ['missing_at_payon', { local: local({ state: 'SUCCEEDED' }) }],
    ['amount_differs', { local: local({ state: 'SUCCEEDED' }, 2_000), order: order() }],
    ['amount_differs', { local: local({ state: 'PENDING' }, 2_000), order: order() }],
    ['status_differs', { local: local({ state: 'FAILED' }), order: order() }],
    ['status_differs', { local: local({ state: 'SUCCEEDED' }), order: declined }],
    ['status_differs', { local: local({ state: 'SUCCEEDED' }), order: order({ refunded: true }) }],
    ['status_differs', { local: local({ state: 'SUCCEEDED' }), order: order({ cancelled: true }) }],
    ['status_differs', { local: local({ state: 'REFUNDED' }), order: order({ refunded: false }) }],
    [
      'status_differs',
      { local: local({ state: 'CANCELLED' }), order: order({ cancelled: false }) },
    ],
    [
      'status_differs',
      {
        local: local({ state: 'PENDING' }),
        order: order({ signal: 'not_confirmed', resultCode: '7777' }),
      },
    ],
    [
      'status_differs',
      {
        local: local({ state: 'SUCCEEDED' }),
        order: order(),
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
        order: order(),
        reconciliation: { answer: answer({ grandTotal: money(2_049, 'USD') }), submitted },
      },
    ],
  ] as const)('names %s', (difference, evidence) => {
    expect(compareTransaction(evidence)).toMatchObject({ kind: 'exception', difference });
  });

  it.each(['0001', '0002', '3003', '0006'])(
    'names a reconciliation refusal %s as rejected, with the code',
    (code) => {
      expect(
        compareTransaction({
          local: local({ state: 'SUCCEEDED' }),
          order: order(),
          reconciliation: { answer: answer({ resultCode: code, verdict: undefined }), submitted },
        }),
      ).toMatchObject({ kind: 'exception', difference: 'rejected', payonCode: code });
    },
  );
});
