import type { Payment } from '#shared/domain/payment.ts';
import { canStart } from '#shared/domain/payment-state.ts';
import { ConflictError, ServiceUnavailableError } from '#shared/errors.ts';
import { acceptedAmounts, orderEvidence } from '#shared/payments/evidence.ts';
import { loadPayment, type MoneyMoveDeps, move } from '#shared/payments/money-moves.ts';
import { walkOrders } from '#shared/payon/orders-walk.ts';
import { payonReadOutcome } from '#shared/payon/outcome.ts';
import type { OrderRecord } from '#shared/payon/types.ts';

/**
 * How far the settlement look-up reads PAYON's orders list before giving up
 * (docs/payon-assumptions.md A50).
 */
export const SETTLEMENT_LOOKUP = { pages: 5, pageSize: 500, ms: 5_000 } as const;

/**
 * Reverses a payment before settlement (PAYON's reversal). PAYON's orders list of the payment's own
 * Cambodian day is read first (bounded): settled → refused (refund instead), not readable → refused
 * as unavailable; nothing is sent to `/pg/reversal` in either case (docs/payon-assumptions.md A50).
 */
export async function cancelPayment(deps: MoneyMoveDeps, txId: string): Promise<Payment> {
  const payment = await loadPayment(deps, txId);
  // The state checks (and their 409s) come first: they need nothing from PAYON.
  if (payment.snapshot.state !== 'UNKNOWN' && canStart(payment.snapshot, 'cancel')) {
    await assertNotSettled(deps, payment);
  }
  return move(deps, payment, {
    operation: 'cancel',
    call: () => deps.payon.reverse(txId),
    done: 'CANCELLED',
  });
}

// Assumed (docs/payon-assumptions.md A50).
async function assertNotSettled(deps: MoneyMoveDeps, payment: Payment): Promise<void> {
  const read = await settlementRows(deps, payment);
  const evidence = orderEvidence(read?.rows ?? [], acceptedAmounts(payment));
  if (evidence.settled === true) {
    throw new ConflictError(
      'payment_settled',
      `PAYON has settled payment ${payment.txId}: it can no longer be reversed; refund it instead`,
    );
  }
  if (evidence.refunded === true) {
    throw new ConflictError(
      'payment_state_conflict',
      `PAYON shows a refund of payment ${payment.txId}: it cannot be reversed`,
    );
  }
  // "Not settled" needs the day read to its end: a row past the bound could say `Y`.
  if (
    read === undefined ||
    !read.complete ||
    evidence.approved === undefined ||
    evidence.settled === undefined
  ) {
    throw new ServiceUnavailableError(
      'settlement_unknown',
      `PAYON's orders list does not tell whether payment ${payment.txId} is settled yet; nothing was sent to PAYON, try again later`,
      60,
    );
  }
}

/**
 * The payment's rows in its own day's orders list, and whether the day was read to its end within
 * the bound; undefined when PAYON could not be read.
 */
async function settlementRows(
  deps: MoneyMoveDeps,
  payment: Payment,
): Promise<{ rows: OrderRecord[]; complete: boolean } | undefined> {
  const created = new Date(payment.createdAt);
  const started = Date.now();
  const rows: OrderRecord[] = [];
  try {
    const { complete } = await walkOrders(deps.payon, {
      query: {
        from: created,
        to: created,
        createdAt: (txId) => (txId === payment.txId ? created : undefined),
      },
      bounds: {
        pageSize: SETTLEMENT_LOOKUP.pageSize,
        maxPages: SETTLEMENT_LOOKUP.pages,
        hasTime: () => Date.now() - started <= SETTLEMENT_LOOKUP.ms,
      },
      onPage: (page) => {
        rows.push(...page.filter((o) => o.txId === payment.txId));
      },
    });
    return { rows, complete };
  } catch (error) {
    // A read PAYON refused or did not answer tells nothing: "cannot tell", never "not settled".
    // Credentials PAYON rejects twice are the merchant's to fix, and the answer says so.
    if (payonReadOutcome(error) === undefined || error instanceof ServiceUnavailableError) {
      throw error;
    }
    return undefined;
  }
}
