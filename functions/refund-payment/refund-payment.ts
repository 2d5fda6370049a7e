import { type Money, toWireAmount } from '#shared/domain/money.ts';
import type { Payment } from '#shared/domain/payment.ts';
import { UnprocessableError } from '#shared/errors.ts';
import { loadPayment, type MoneyMoveDeps, move } from '#shared/payments/money-moves.ts';

/** Refunds a payment in full; PAYON's refund has no amount (docs/payon-assumptions.md A52). */
export async function refundPayment(
  deps: MoneyMoveDeps,
  txId: string,
  amount?: Money,
): Promise<Payment> {
  const payment = await loadPayment(deps, txId);
  const full = payment.capturedAmount ?? payment.amount;
  if (amount !== undefined && (amount.currency !== full.currency || amount.minor !== full.minor)) {
    throw new UnprocessableError(
      'partial_refund_not_supported',
      `PAYON refunds only in full: omit amount or send ${toWireAmount(full)} ${full.currency}`,
    );
  }
  return move(deps, payment, {
    operation: 'refund',
    call: () => deps.payon.refund(txId),
    done: 'REFUNDED',
  });
}
