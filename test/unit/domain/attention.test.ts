import { describe, expect, it } from 'vitest';
import { attentionOf } from '#shared/domain/attention.ts';
import { money } from '#shared/domain/money.ts';
import {
  acknowledgeByOperator,
  markUnknown,
  newPayment,
  noteAttention,
  type Payment,
  recordDecline,
  transition,
} from '#shared/domain/payment.ts';
import { InvalidTransitionError } from '#shared/errors.ts';

const at = (minutes: number) => new Date(Date.UTC(2026, 11, 1, 3, minutes));
const created = () =>
  newPayment(
    {
      txId: '1000000000001',
      kind: 'purchase',
      paymentMethod: 'CREDIT_DEBIT',
      amount: money(2_000, 'USD'),
      returnUrl: 'https://shop.example.com/done',
    },
    at(0),
  );
const pending = () =>
  transition(created(), { to: 'PENDING', source: 'payon', reason: 'registered', now: at(1) });
const decline = { at: at(2).toISOString(), payonCode: '9999', payonMessage: undefined, count: 1 };

// docs/payon-assumptions.md A59: each flag is a function of the stored payment, set by the change
// that creates its condition and cleared by the one that ends it.
describe('attention flags', () => {
  it('has none for a payment that is fine', () => {
    expect(attentionOf(created())).toEqual([]);
    expect(attentionOf(pending())).toEqual([]);
    const paid = transition(pending(), {
      to: 'SUCCEEDED',
      source: 'status_pull',
      reason: 'ok',
      now: at(3),
    });
    expect(attentionOf(paid)).toEqual([]);
  });

  it('flags a declined attempt while the checkout is payable, and clears it when paid', () => {
    const declined = recordDecline(pending(), decline, at(2));
    expect(attentionOf(declined)).toEqual(['declined_attempt']);
    expect(declined.priorAttention).toEqual([]);
    const paid = transition(declined, {
      to: 'SUCCEEDED',
      source: 'status_pull',
      reason: 'ok',
      now: at(3),
    });
    expect(attentionOf(paid)).toEqual([]);
    expect(paid.priorAttention).toEqual(['declined_attempt']);
  });

  it('flags an unknown outcome, and an escalation only while PAYON must still settle it', () => {
    const paid = transition(pending(), {
      to: 'SUCCEEDED',
      source: 'status_pull',
      reason: 'ok',
      now: at(3),
    });
    const unknown = markUnknown(paid, { operation: 'refund', reason: 'timeout', now: at(4) });
    expect(attentionOf(unknown)).toEqual(['unknown_outcome']);
    const escalated: Payment = { ...unknown, escalatedAt: at(5).toISOString() };
    expect(attentionOf(escalated)).toEqual(['unknown_outcome', 'escalated']);
    expect(attentionOf({ ...paid, escalatedAt: at(5).toISOString() })).toEqual([]);
  });

  it('flags a late confirmation until an operator acknowledges it or the payment moves on', () => {
    const failed = transition(pending(), {
      to: 'FAILED',
      source: 'status_pull',
      reason: 'no',
      now: at(30),
    });
    const late = transition(failed, {
      to: 'SUCCEEDED',
      source: 'status_pull',
      reason: 'late',
      now: at(40),
    });
    expect(attentionOf(late)).toEqual(['late_confirmation']);
    const acknowledged = acknowledgeByOperator(late, { reason: 'shipped', now: at(50) });
    expect(attentionOf(acknowledged)).toEqual([]);
    expect(acknowledged.history.at(-1)).toMatchObject({
      change: 'acknowledged',
      resolvedBy: 'operator',
      from: 'SUCCEEDED',
      to: 'SUCCEEDED',
    });
    const refunded = transition(late, {
      to: 'REFUNDED',
      source: 'payon',
      reason: 'refunded',
      now: at(50),
    });
    expect(attentionOf(refunded)).toEqual([]);
  });

  it('records an amount mismatch once, as a history entry without a change of state', () => {
    const paid = transition(pending(), {
      to: 'SUCCEEDED',
      source: 'status_pull',
      reason: 'ok',
      now: at(3),
    });
    const noted = noteAttention(paid, {
      change: 'amount_mismatch',
      source: 'status_pull',
      reason: 'other amount',
      now: at(4),
    });
    expect(noted && attentionOf(noted)).toEqual(['amount_mismatch']);
    expect(noted?.version).toBe(paid.version + 1);
    expect(noted?.snapshot.state).toBe('SUCCEEDED');
    expect(
      noted &&
        noteAttention(noted, {
          change: 'amount_mismatch',
          source: 'status_pull',
          reason: 'again',
          now: at(5),
        }),
    ).toBeUndefined();
    const both =
      noted &&
      noteAttention(noted, {
        change: 'push_disagreed',
        source: 'payon',
        reason: 'push',
        now: at(5),
      });
    expect(both && attentionOf(both)).toEqual(['amount_mismatch', 'push_disagreed']);
  });

  it('leaves a declined attempt to PAYON: an operator cannot acknowledge it away', () => {
    const declined = recordDecline(pending(), decline, at(2));
    expect(() => acknowledgeByOperator(declined, { reason: 'x', now: at(3) })).toThrow(
      /nothing to acknowledge/,
    );
  });

  it('leaves nothing for an operator to acknowledge on an UNKNOWN or unflagged payment', () => {
    expect(() => acknowledgeByOperator(pending(), { reason: 'x', now: at(2) })).toThrow(
      InvalidTransitionError,
    );
    const paid = transition(pending(), {
      to: 'SUCCEEDED',
      source: 'status_pull',
      reason: 'ok',
      now: at(3),
    });
    const unknown = markUnknown(paid, { operation: 'refund', reason: 'timeout', now: at(4) });
    expect(() => acknowledgeByOperator(unknown, { reason: 'x', now: at(5) })).toThrow(/resolve it/);
  });
});
