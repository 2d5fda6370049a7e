/**
 * The three-way comparison of one transaction (issue 9, first part): what the product holds, what
 * PAYON's order history says, and what PAYON's merchant reconciliation answered. Pure: the
 * reconciliation run feeds it page by page and acts on its verdict (healing goes through the same
 * sync code as notifications; everything else becomes a named exception).
 *
 * @example
 * ```ts
 * compareTransaction({ local, order, reconciliation }); // { kind: 'matched' } | { kind: 'heal', ... } | ...
 * ```
 */
import { type Money, moneyEquals } from '#shared/domain/money.ts';
import type { KnownState, StateSnapshot } from '#shared/domain/payment-state.ts';
import { SUCCESS_CODE } from '#shared/payon/status.ts';
import type { OrderRecord, ReconciliationResult } from '#shared/payon/types.ts';

/** Every difference the report names, with its reason. */
export const DIFFERENCE_KINDS = {
  missing_locally: 'PAYON has this transaction; the product has no payment with its txId',
  missing_at_payon: "the product holds a confirmed payment PAYON's order history does not show",
  amount_differs: 'PAYON recorded another amount or currency than the payment',
  status_differs:
    'PAYON and the product disagree on what happened, and the evidence cannot settle it',
  fee_differs: "PAYON's reconciliation grand total (with fees) differs from what was submitted",
  rejected: 'PAYON refused the reconciliation item (0001, 0002, 3003 or 0006)',
} as const;
export type DifferenceKind = keyof typeof DIFFERENCE_KINDS;

/** Reconciliation codes PAYON documents as a refusal of the item itself. */
export const REJECTION_CODES = ['0001', '0002', '3003', '0006'] as const;

export interface LocalRecord {
  readonly txId: string;
  readonly kind: 'purchase' | 'preauth';
  readonly snapshot: StateSnapshot;
  readonly amount: Money;
}

export interface Evidence {
  readonly local?: LocalRecord;
  readonly order?: OrderRecord;
  /** PAYON's answer for the item submitted for this txId, with the total that was submitted. */
  readonly reconciliation?: { readonly answer: ReconciliationResult; readonly submitted: Money };
}

export type Verdict =
  | { readonly kind: 'matched' }
  /** The product is still waiting on PAYON, and PAYON has nothing decided: not a difference. */
  | { readonly kind: 'pending' }
  /** The evidence settles it: move the payment (through the shared transition code). */
  | { readonly kind: 'heal'; readonly to: KnownState; readonly reason: string }
  | {
      readonly kind: 'exception';
      readonly difference: DifferenceKind;
      readonly detail: string;
      readonly payonCode?: string;
    };

const exception = (difference: DifferenceKind, detail: string, payonCode?: string): Verdict => ({
  kind: 'exception',
  difference,
  detail,
  ...(payonCode === undefined ? {} : { payonCode }),
});

/** States in which the product says money moved (PAYON must show the transaction). */
const CONFIRMED: readonly KnownState[] = ['AUTHORIZED', 'SUCCEEDED', 'CANCELLED', 'REFUNDED'];

export function compareTransaction(evidence: Evidence): Verdict {
  const { local, order, reconciliation } = evidence;
  if (local === undefined) {
    return order === undefined
      ? exception('missing_locally', 'only the reconciliation answer names it')
      : exception('missing_locally', `PAYON result ${order.resultCode ?? '?'}`);
  }
  const rejected = reconciliation && rejection(reconciliation.answer);
  if (rejected) return rejected;
  if (order === undefined) {
    if (local.snapshot.state !== 'UNKNOWN' && CONFIRMED.includes(local.snapshot.state)) {
      return exception('missing_at_payon', `the payment is ${local.snapshot.state}`);
    }
    return local.snapshot.state === 'UNKNOWN' || local.snapshot.state === 'PENDING'
      ? { kind: 'pending' }
      : { kind: 'matched' };
  }
  if (!moneyEquals(order.amount, local.amount)) {
    return exception(
      'amount_differs',
      `PAYON ${order.amount.minor} ${order.amount.currency}, payment ${local.amount.minor} ${local.amount.currency}`,
    );
  }
  const byOrder = compareWithOrder(local, order);
  if (byOrder.kind !== 'matched' || reconciliation === undefined) return byOrder;
  return compareWithReconciliation(reconciliation.answer, reconciliation.submitted);
}

function rejection(answer: ReconciliationResult): Verdict | undefined {
  const code = answer.resultCode;
  return (REJECTION_CODES as readonly string[]).includes(code)
    ? exception('rejected', answer.resultMessage ?? 'refused', code)
    : undefined;
}

function compareWithOrder(local: LocalRecord, order: OrderRecord): Verdict {
  const { snapshot } = local;
  const paid: KnownState = local.kind === 'preauth' ? 'AUTHORIZED' : 'SUCCEEDED';
  const waiting =
    snapshot.state === 'PENDING' ||
    snapshot.state === 'EXPIRED' ||
    (snapshot.state === 'UNKNOWN' && snapshot.operation === 'register');
  if (order.signal === 'not_confirmed') {
    return exception(
      'status_differs',
      `PAYON result ${order.resultCode ?? 'missing'} is not one this product knows`,
    );
  }
  if (order.signal === 'not_successful') {
    if (snapshot.state === 'FAILED' || snapshot.state === 'EXPIRED') return { kind: 'matched' };
    if (waiting) {
      return {
        kind: 'heal',
        to: 'FAILED',
        reason: `PAYON's order history shows result ${order.resultCode}`,
      };
    }
    return exception(
      'status_differs',
      `PAYON shows result ${order.resultCode}; the payment is ${snapshot.state}`,
    );
  }
  // PAYON shows the payment approved.
  if (waiting) {
    return {
      kind: 'heal',
      to: paid,
      reason: "PAYON's order history shows it approved for the same amount",
    };
  }
  if (snapshot.state === 'FAILED') {
    return exception('status_differs', 'PAYON shows it approved; the payment is FAILED');
  }
  if (snapshot.state === 'UNKNOWN') {
    // An unanswered refund or cancel that PAYON's flags settle.
    if (snapshot.operation === 'refund' && order.refunded !== undefined) {
      return order.refunded
        ? { kind: 'heal', to: 'REFUNDED', reason: 'PAYON shows the refund' }
        : { kind: 'pending' };
    }
    if (snapshot.operation === 'cancel' && order.cancelled !== undefined) {
      return order.cancelled
        ? { kind: 'heal', to: 'CANCELLED', reason: 'PAYON shows the reversal' }
        : { kind: 'pending' };
    }
    return { kind: 'pending' };
  }
  if (order.refunded === true && snapshot.state !== 'REFUNDED') {
    return exception('status_differs', `PAYON shows a refund; the payment is ${snapshot.state}`);
  }
  if (order.cancelled === true && snapshot.state !== 'CANCELLED') {
    return exception('status_differs', `PAYON shows a reversal; the payment is ${snapshot.state}`);
  }
  if (snapshot.state === 'REFUNDED' && order.refunded === false) {
    return exception('status_differs', 'the payment is REFUNDED; PAYON shows no refund');
  }
  if (snapshot.state === 'CANCELLED' && order.cancelled === false) {
    return exception('status_differs', 'the payment is CANCELLED; PAYON shows no reversal');
  }
  return { kind: 'matched' };
}

function compareWithReconciliation(answer: ReconciliationResult, submitted: Money): Verdict {
  if (answer.grandTotal !== undefined && !moneyEquals(answer.grandTotal, submitted)) {
    return exception(
      'fee_differs',
      `submitted ${submitted.minor}, PAYON ${answer.grandTotal.minor} ${answer.grandTotal.currency}`,
      answer.resultCode,
    );
  }
  if (answer.resultCode === SUCCESS_CODE && (answer.verdict ?? 'APPROVED') === 'APPROVED') {
    return { kind: 'matched' };
  }
  return exception(
    'status_differs',
    `PAYON's reconciliation answered ${answer.resultCode} ${answer.verdict ?? ''}`.trim(),
    answer.resultCode,
  );
}
