import type { Payment } from '#shared/domain/payment.ts';
import { paymentId } from '#shared/http/schemas.ts';
import { expiryOf } from '#shared/payments/schedule.ts';
import type { Dependencies } from '#shared/runtime/dependencies.ts';

/** How long past its expiry a payment's returnUrl is still given to a browser. */
export const RETURN_WINDOW_MS = 60 * 60_000;

/** The neutral page: where every txId that is not a recent payment's is sent. */
export const NEUTRAL_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Payment</title></head>
<body><main><h1>Thank you</h1><p>You can close this page.</p></main></body></html>
`;

// Assumed (docs/payon-assumptions.md A30): PAYON returns the browser with ?txId=.
/**
 * Where the customer's browser goes: a recent payment's own returnUrl with `paymentId` added (the
 * page there must read the confirmed state from the API; the redirect proves nothing). A txId that
 * is malformed, unknown, or of a payment older than its expiry plus an hour goes to the neutral
 * fallback instead, the same answer for all of them: knowing a txId is not enough to read a
 * payment's returnUrl later.
 */
export async function paymentReturnUrl(
  deps: Pick<Dependencies, 'payments' | 'config' | 'clock'>,
  txId: string | undefined,
): Promise<string> {
  const fallback = deps.config.payments.returnFallbackUrl;
  const id = paymentId.safeParse(txId);
  if (!id.success) return fallback;
  const payment = await deps.payments.get(id.data);
  if (payment === undefined || !recent(deps, payment)) return fallback;
  const url = new URL(payment.returnUrl);
  url.searchParams.set('paymentId', payment.txId);
  return url.href;
}

function recent(deps: Pick<Dependencies, 'config' | 'clock'>, payment: Payment): boolean {
  const expiry = expiryOf(payment, deps.config.payments.orderExpiryMinutes);
  return deps.clock().getTime() <= expiry.getTime() + RETURN_WINDOW_MS;
}
