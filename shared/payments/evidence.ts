/**
 * What PAYON's orders list says about one txId (docs/payon-assumptions.md A46). PAYON may
 * list a txId several times: a declined attempt before the approved one, and refund, reversal and
 * completion reuse the payment's txId. Every decision that reads the orders list (the sweep,
 * `?sync=true`, reconciliation, cancel) reads it through {@link orderEvidence}, never row by row:
 * - one `0000` row for an amount of the payment outweighs any declined rows;
 * - a flag (`settleYn`, `cancelYn`, `refundYn`) that is `Y` on any row counts as `Y`; it is `N` only
 *   when every row says `N`; anything else is "cannot tell";
 * - a row with a code this product does not know is "cannot tell", never a decline.
 *
 * @example
 * ```ts
 * const evidence = orderEvidence(rows, [payment.amount]);
 * if (evidence.approved) ...; else if (evidence.declined.length > 0) ...;
 * ```
 */
import { type Money, moneyEquals } from '#shared/domain/money.ts';
import { SUCCESS_CODE } from '#shared/payon/status.ts';
import type { OrderRecord, ReconciliationResult, TransactionStatus } from '#shared/payon/types.ts';

export interface OrderEvidence {
  readonly txId: string;
  /** Every row PAYON listed for the txId (duplicates removed), in PAYON's order. */
  readonly rows: readonly OrderRecord[];
  /** A `0000` row for one of the accepted amounts (authorised or captured), if any. */
  readonly approved: OrderRecord | undefined;
  /** A `0000` row for an amount the payment does not have (a difference, never a confirmation). */
  readonly approvedOtherAmount: OrderRecord | undefined;
  /** Rows with a documented non-`0000` result: declined attempts. */
  readonly declined: readonly OrderRecord[];
  /** Rows whose result this product does not know (cannot tell). */
  readonly unreadable: readonly OrderRecord[];
  readonly settled: boolean | undefined;
  readonly cancelled: boolean | undefined;
  readonly refunded: boolean | undefined;
}

/** Rows PAYON listed twice are one row: same sequence, time, result and amount. */
const identity = (row: OrderRecord) =>
  [
    row.sequenceNo ?? '',
    row.approvedAtText ?? '',
    row.approvalNo ?? '',
    row.resultCode ?? '',
    row.amount.currency,
    row.amount.minor,
  ].join('|');

/** Any `Y` is `Y`; `N` only when every row says `N`; otherwise undefined (cannot tell). */
export function combinedFlag(values: readonly (boolean | undefined)[]): boolean | undefined {
  if (values.includes(true)) return true;
  return values.length > 0 && values.every((v) => v === false) ? false : undefined;
}

// Assumed (docs/payon-assumptions.md A46).
/**
 * The evidence of one txId's rows. `amounts` are the amounts PAYON may show for the payment: the
 * authorised amount and, after a partial capture, the captured one (docs/payon-assumptions.md A46).
 */
export function orderEvidence(
  rows: readonly OrderRecord[],
  amounts: readonly Money[],
): OrderEvidence {
  const seen = new Set<string>();
  const unique = rows.filter((row) => {
    const id = identity(row);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  const approvedRows = unique.filter((r) => r.signal === 'confirmed');
  const matches = (row: OrderRecord) => amounts.some((a) => moneyEquals(a, row.amount));
  return {
    txId: unique[0]?.txId ?? '',
    rows: unique,
    approved: approvedRows.find(matches),
    approvedOtherAmount: approvedRows.find((r) => !matches(r)),
    declined: unique.filter((r) => r.signal === 'not_successful'),
    unreadable: unique.filter((r) => r.signal === 'not_confirmed'),
    settled: combinedFlag(unique.map((r) => r.settled)),
    cancelled: combinedFlag(unique.map((r) => r.cancelled)),
    refunded: combinedFlag(unique.map((r) => r.refunded)),
  };
}

/** Rows grouped by txId, in the order PAYON listed them. */
export function groupByTxId(rows: readonly OrderRecord[]): Map<string, OrderRecord[]> {
  const groups = new Map<string, OrderRecord[]>();
  for (const row of rows) {
    const group = groups.get(row.txId);
    if (group) group.push(row);
    else groups.set(row.txId, [row]);
  }
  return groups;
}

/** The amounts PAYON's rows may show for a payment: authorised, and captured after a capture. */
export function acceptedAmounts(payment: {
  readonly amount: Money;
  readonly capturedAmount?: Money | undefined;
}): Money[] {
  return payment.capturedAmount && !moneyEquals(payment.capturedAmount, payment.amount)
    ? [payment.amount, payment.capturedAmount]
    : [payment.amount];
}

/** The latest declined row (by PAYON's time, else PAYON's order). */
export function latestDecline(evidence: OrderEvidence): OrderRecord | undefined {
  let latest: OrderRecord | undefined;
  for (const row of evidence.declined) {
    if (
      latest === undefined ||
      (row.approvedAt?.getTime() ?? Number.POSITIVE_INFINITY) >=
        (latest.approvedAt?.getTime() ?? Number.NEGATIVE_INFINITY)
    ) {
      latest = row;
    }
  }
  return latest;
}

// Assumed (docs/payon-assumptions.md A58).
/**
 * What one merchant-reconciliation answer says of its item, read the same way by every caller:
 * `true` for `0000` + `APPROVED`; undefined when it cannot tell (no `reconciliationDv`, which
 * PAYON's examples always send and its docs do not promise); `false` for any other answer.
 */
export function reconciliationApproved(answer: ReconciliationResult): boolean | undefined {
  if (answer.verdict === undefined) return undefined;
  return answer.resultCode === SUCCESS_CODE && answer.verdict === 'APPROVED';
}

/**
 * What one status pull says of a payment, read the same way by every caller
 * (docs/payon-assumptions.md A19):
 * - `confirmed`: `COMPLETE` for the payment's amount (positive evidence);
 * - `other_amount`: `COMPLETE` for another amount or currency (a difference, never a confirmation);
 * - `not_successful`: HTTP 302 / `9999`, "not found or not successful" (one signal, never a failure
 *   on its own);
 * - `cannot_tell`: a `txStCd` this product does not know: nothing may be concluded from it.
 */
export type StatusEvidence =
  | { readonly kind: 'confirmed'; readonly statusCode: string; readonly approvalNo?: string }
  | { readonly kind: 'other_amount'; readonly statusCode: string; readonly amount: Money }
  | { readonly kind: 'not_successful' }
  | { readonly kind: 'cannot_tell'; readonly statusCode: string };

export function statusEvidence(status: TransactionStatus, amount: Money): StatusEvidence {
  if (!status.found) return { kind: 'not_successful' };
  const { statusCode } = status;
  if (status.signal !== 'confirmed') return { kind: 'cannot_tell', statusCode };
  if (!moneyEquals(status.amount, amount)) {
    return { kind: 'other_amount', statusCode, amount: status.amount };
  }
  return {
    kind: 'confirmed',
    statusCode,
    ...(status.approvalNo === undefined ? {} : { approvalNo: status.approvalNo }),
  };
}
