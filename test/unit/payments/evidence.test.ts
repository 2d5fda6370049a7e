import { describe, expect, it } from 'vitest';
import { money } from '#shared/domain/money.ts';
import { reconciliationApproved, statusEvidence } from '#shared/payments/evidence.ts';
import type { ReconciliationResult, TransactionStatus } from '#shared/payon/types.ts';

// One reader of each PAYON verdict, used by sync and reconciliation alike: a code or field this
// product does not expect is "cannot tell", never "no"; only positive evidence confirms.
const found = (statusCode: string, signal: 'confirmed' | 'not_confirmed', minor = 1250) =>
  ({
    found: true,
    signal,
    statusCode,
    kind: 'purchase',
    txId: '1613104202987',
    amount: money(minor, 'USD'),
    paymentMethod: 'CREDIT_DEBIT',
    maskedPan: undefined,
    approvalNo: '763647',
    approvedAt: undefined,
  }) satisfies TransactionStatus;

describe('statusEvidence: what one status pull says of a payment', () => {
  const amount = money(1250, 'USD');

  it('confirms COMPLETE for the same amount, with the approval number', () => {
    expect(statusEvidence(found('COMPLETE', 'confirmed'), amount)).toEqual({
      kind: 'confirmed',
      statusCode: 'COMPLETE',
      approvalNo: '763647',
    });
  });

  it('never confirms COMPLETE for another amount', () => {
    expect(statusEvidence(found('COMPLETE', 'confirmed', 1200), amount)).toEqual({
      kind: 'other_amount',
      statusCode: 'COMPLETE',
      amount: money(1200, 'USD'),
    });
  });

  it('reads 302/9999 as not found or not successful', () => {
    expect(statusEvidence({ found: false, signal: 'not_successful' }, amount)).toEqual({
      kind: 'not_successful',
    });
  });

  it('cannot tell from a txStCd it does not know, for any amount', () => {
    for (const minor of [1250, 1200]) {
      expect(statusEvidence(found('PENDING', 'not_confirmed', minor), amount)).toEqual({
        kind: 'cannot_tell',
        statusCode: 'PENDING',
      });
    }
  });
});

describe('reconciliationApproved: what one reconciliation answer says of its item', () => {
  const answer = (resultCode: string, verdict: string | undefined): ReconciliationResult => ({
    txId: '1652858955940000',
    resultCode,
    resultMessage: undefined,
    verdict,
    grandTotal: undefined,
    buyerId: undefined,
    sellerId: undefined,
  });

  it.each([
    ['0000', 'APPROVED', true],
    ['0000', undefined, undefined],
    ['9999', undefined, undefined],
    ['9999', 'MISMATCHED', false],
    ['0000', 'MISMATCHED', false],
  ] as const)('%s %s: %s', (code, verdict, approved) => {
    expect(reconciliationApproved(answer(code, verdict))).toBe(approved);
  });
});
