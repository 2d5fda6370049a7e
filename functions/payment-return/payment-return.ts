import { loadPayment } from '#shared/payments/money-moves.ts';
import type { Dependencies } from '#shared/runtime/dependencies.ts';

// Assumed (docs/payon-assumptions.md A30): PAYON returns the browser with ?txId=.
/**
 * The URL the customer's browser goes to: the payment's own returnUrl with `paymentId` added. The
 * page there must read the confirmed state from the API; the redirect proves nothing.
 */
export async function paymentReturnUrl(
  deps: Pick<Dependencies, 'payments'>,
  txId: string,
): Promise<string> {
  const payment = await loadPayment(deps, txId);
  const url = new URL(payment.returnUrl);
  url.searchParams.set('paymentId', payment.txId);
  return url.href;
}
