import type { Payment } from '#shared/domain/payment.ts';
import { loadPayment, type MoneyMoveDeps, move } from '#shared/payments/money-moves.ts';

/** Reverses a payment before settlement (PAYON's reversal). */
export async function cancelPayment(deps: MoneyMoveDeps, txId: string): Promise<Payment> {
  const payment = await loadPayment(deps, txId);
  return move(
    deps,
    payment,
    'cancel',
    () => deps.payon.reverse(txId),
    'CANCELLED',
    () => ({}),
  );
}
