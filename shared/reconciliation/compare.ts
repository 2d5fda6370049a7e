/**
 * The three-way comparison of one transaction (issue 9, first part): what the product holds, what
 * PAYON's order history says (every row of the txId, read as one piece of evidence by
 * `#shared/payments/evidence.ts`), and what PAYON's merchant reconciliation answered. Pure: the
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
import {
  acceptedAmounts,
  type OrderEvidence,
  orderEvidence,
  reconciliationApproved,
} from '#shared/payments/evidence.ts';
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
  not_answered:
    "PAYON's reconciliation or status did not answer for this transaction (refused, unreachable or unreadable); the next run checks it again",
  history_incomplete:
    "PAYON's order history could not be read to its end: what its later pages hold was not compared",
} as const;
export type DifferenceKind = keyof typeof DIFFERENCE_KINDS;

/** Reconciliation codes PAYON documents as a refusal of the item itself. */
export const REJECTION_CODES = ['0001', '0002', '3003', '0006'] as const;

export interface LocalRecord {
  readonly txId: string;
  readonly kind: 'purchase' | 'preauth';
  readonly snapshot: StateSnapshot;
  readonly amount: Money;
  /**
   * After a (partial) capture: PAYON's rows may show either amount (docs/payon-assumptions.md A38).
   */
  readonly capturedAmount?: Money | undefined;
}

export interface Evidence {
  readonly local?: LocalRecord;
  /** Every row PAYON's history lists for this txId (on the page being reconciled). */
  readonly orders?: readonly OrderRecord[];
  /** PAYON's answer for the item submitted for this txId, with the total that was submitted. */
  readonly reconciliation?: { readonly answer: ReconciliationResult; readonly submitted: Money };
}

export type Verdict =
  | { readonly kind: 'matched' }
  /** The product is still waiting on PAYON, and PAYON has nothing decided: not a difference. */
  | { readonly kind: 'pending' }
  /** The evidence settles it: move the payment (through the shared transition code). */
  | { readonly kind: 'heal'; readonly to: KnownState; readonly reason: string }
  /**
   * PAYON lists only declined attempts for the txId: not final on its own (an approval may be
   * listed elsewhere, or come late). PAYON's status pull decides (docs/payon-assumptions.md A40):
   * COMPLETE for the same amount confirms; 302/9999 past expiry plus grace makes a waiting payment
   * FAILED, and is a `status_differs` for a payment the product holds as paid.
   */
  | { readonly kind: 'ask_status'; readonly reason: string }
  | {
      readonly kind: 'exception';
      readonly difference: DifferenceKind;
      readonly detail: string;
      readonly payonCode?: string;
      /**
       * More rows of the same txId (later in PAYON's list) could change it: a flag `N` a refund
       * row may contradict, only declined or unknown rows an approval may outweigh.
       */
      readonly provisional?: true;
    };

/** Whether more rows of the txId could still change this verdict (the run waits for them). */
export function isProvisional(verdict: Verdict): boolean {
  return (
    verdict.kind === 'ask_status' || (verdict.kind === 'exception' && verdict.provisional === true)
  );
}

const provisional = (verdict: Verdict): Verdict =>
  verdict.kind === 'exception' ? { ...verdict, provisional: true } : verdict;

const exception = (difference: DifferenceKind, detail: string, payonCode?: string): Verdict => ({
  kind: 'exception',
  difference,
  detail,
  ...(payonCode === undefined ? {} : { payonCode }),
});

/** States in which the product says money moved (PAYON must show the transaction). */
const CONFIRMED: readonly KnownState[] = ['AUTHORIZED', 'SUCCEEDED', 'CANCELLED', 'REFUNDED'];

export function compareTransaction(evidence: Evidence): Verdict {
  const { local, orders = [], reconciliation } = evidence;
  if (local === undefined) {
    const first = orders[0];
    return first === undefined
      ? exception('missing_locally', 'only the reconciliation answer names it')
      : exception('missing_locally', `PAYON result ${first.resultCode ?? '?'}`);
  }
  const rejected = reconciliation && rejection(reconciliation.answer);
  if (rejected) return rejected;
  if (orders.length === 0) {
    if (local.snapshot.state !== 'UNKNOWN' && CONFIRMED.includes(local.snapshot.state)) {
      return exception('missing_at_payon', `the payment is ${local.snapshot.state}`);
    }
    return local.snapshot.state === 'UNKNOWN' || local.snapshot.state === 'PENDING'
      ? { kind: 'pending' }
      : { kind: 'matched' };
  }
  const rows = orderEvidence(orders, acceptedAmounts(local));
  if (rows.approved === undefined && rows.approvedOtherAmount !== undefined) {
    const other = rows.approvedOtherAmount.amount;
    return provisional(
      exception(
        'amount_differs',
        `PAYON ${other.minor} ${other.currency}, payment ${local.amount.minor} ${local.amount.currency}`,
      ),
    );
  }
  const byOrder = compareWithOrders(local, rows);
  if (byOrder.kind !== 'matched' || reconciliation === undefined) return byOrder;
  return compareWithReconciliation(reconciliation.answer, reconciliation.submitted);
}

function rejection(answer: ReconciliationResult): Verdict | undefined {
  const code = answer.resultCode;
  return (REJECTION_CODES as readonly string[]).includes(code)
    ? exception('rejected', answer.resultMessage ?? 'refused', code)
    : undefined;
}

function compareWithOrders(local: LocalRecord, rows: OrderEvidence): Verdict {
  const { snapshot } = local;
  const paid: KnownState = local.kind === 'preauth' ? 'AUTHORIZED' : 'SUCCEEDED';
  const waiting =
    snapshot.state === 'PENDING' ||
    (snapshot.state === 'UNKNOWN' && snapshot.operation === 'register');
  const concluded = snapshot.state === 'FAILED' || snapshot.state === 'EXPIRED';
  if (rows.approved === undefined) {
    if (rows.declined.length === 0) {
      const code = rows.unreadable[0]?.resultCode;
      return provisional(
        exception(
          'status_differs',
          `PAYON result ${code ?? 'missing'} is not one this product knows`,
        ),
      );
    }
    if (concluded) return { kind: 'matched' };
    const codes = [...new Set(rows.declined.map((r) => r.resultCode ?? '?'))].join(', ');
    return {
      kind: 'ask_status',
      reason: `PAYON's order history lists only declined attempts (${codes}); the payment is ${snapshot.state}`,
    };
  }
  // PAYON shows the payment approved (one 0000 row outweighs any declined rows).
  if (waiting || concluded) {
    return {
      kind: 'heal',
      to: paid,
      reason: "PAYON's order history shows it approved for the same amount",
    };
  }
  if (snapshot.state === 'UNKNOWN') {
    // An unanswered refund or cancel that PAYON's flags settle (a Y on any row); N is left to
    // the sweep, which waits the settling delay first; a capture only reconciliation can settle.
    if (snapshot.operation === 'refund' && rows.refunded === true) {
      return { kind: 'heal', to: 'REFUNDED', reason: 'PAYON shows the refund' };
    }
    if (snapshot.operation === 'cancel' && rows.cancelled === true) {
      return { kind: 'heal', to: 'CANCELLED', reason: 'PAYON shows the reversal' };
    }
    return { kind: 'pending' };
  }
  if (rows.refunded === true && snapshot.state !== 'REFUNDED') {
    return exception('status_differs', `PAYON shows a refund; the payment is ${snapshot.state}`);
  }
  if (rows.cancelled === true && snapshot.state !== 'CANCELLED') {
    return exception('status_differs', `PAYON shows a reversal; the payment is ${snapshot.state}`);
  }
  if (snapshot.state === 'REFUNDED' && rows.refunded === false) {
    return provisional(
      exception('status_differs', 'the payment is REFUNDED; PAYON shows no refund'),
    );
  }
  if (snapshot.state === 'CANCELLED' && rows.cancelled === false) {
    return provisional(
      exception('status_differs', 'the payment is CANCELLED; PAYON shows no reversal'),
    );
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
  const approved = reconciliationApproved(answer);
  if (approved === true) return { kind: 'matched' };
  if (approved === undefined) {
    return exception(
      'not_answered',
      `PAYON's reconciliation answered ${answer.resultCode} without a verdict (reconciliationDv)`,
      answer.resultCode,
    );
  }
  return exception(
    'status_differs',
    `PAYON's reconciliation answered ${answer.resultCode} ${answer.verdict ?? ''}`.trim(),
    answer.resultCode,
  );
}
