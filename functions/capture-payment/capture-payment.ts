import { compareMoney, type Money } from '#shared/domain/money.ts';
import type { Payment } from '#shared/domain/payment.ts';
import { ConflictError, UnprocessableError } from '#shared/errors.ts';
import { loadPayment, type MoneyMoveDeps, move } from '#shared/payments/money-moves.ts';

/** Completes a pre-authorisation, once, for at most the authorised amount (default: all of it). */
export async function capturePayment(
  deps: MoneyMoveDeps,
  txId: string,
  amount?: Money,
): Promise<Payment> {
  const payment = await loadPayment(deps, txId);
  const captured = amount ?? payment.amount;
  if (payment.kind !== 'preauth') {
    throw new ConflictError(
      'payment_state_conflict',
      `payment ${txId} is a purchase; only a pre-authorisation is captured`,
    );
  }
  if (captured.currency !== payment.amount.currency || compareMoney(captured, payment.amount) > 0) {
    throw new UnprocessableError(
      'amount_exceeds_authorized',
      `a capture must be in ${payment.amount.currency} and at most the authorised amount`,
    );
  }
  if (captured.minor === 0) {
    throw new UnprocessableError('operation_not_allowed', 'a capture must be greater than zero');
  }
  return move(deps, payment, {
    operation: 'capture',
    call: () => deps.payon.completePreAuth({ txId, amount: captured }),
    done: 'SUCCEEDED',
    changes: (r) => ({
      capturedAmount: captured,
      approvalNo: r.approvalNo ?? payment.approvalNo,
    }),
    pending: { capturedAmount: captured },
  });
}
