/**
 * Asking PAYON what happened to a payment, and applying the product's decisions
 * (docs/payon-assumptions.md A9, A19, A27, A35, A47): money is settled only by PAYON's positive
 * evidence.
 * - SUCCEEDED / AUTHORIZED: a status pull saying COMPLETE, or an orders row `0000`, for the same
 *   amount; also from FAILED or EXPIRED (a late confirmation, alarmed).
 * - A declined attempt (an orders row with a documented non-`0000` result) is recorded
 *   (`lastDecline`, event `payment.attempt_declined`); the payment stays PENDING and payable.
 * - FAILED only past the order's expiry plus the grace period, when the status pull answers
 *   302/9999 and the orders list shows no `0000` row (a declined row, or a `9999` push, came).
 * - An unanswered refund or reversal: `refundYn` / `cancelYn` `Y` happened, `N` two minutes after
 *   the attempt did not, anything else cannot tell. An unanswered capture: only a reconciliation
 *   `APPROVED` + `0000` of the attempted amount says it happened; nothing says it did not.
 * A failed read changes nothing. The webhook, the sweep, `?sync=true` and reconciliation come here.
 */
import { maskCardNumbers } from '#shared/domain/card.ts';
import { moneyEquals } from '#shared/domain/money.ts';
import {
  type Decline,
  markUnknown,
  noteAttention,
  type Payment,
  recordDecline,
  transition,
} from '#shared/domain/payment.ts';
import { CONCLUDED_UNPAID, canTransition, type KnownState } from '#shared/domain/payment-state.ts';
import { PayonRejectedError } from '#shared/errors.ts';
import {
  acceptedAmounts,
  groupByTxId,
  latestDecline,
  type OrderEvidence,
  orderEvidence,
  reconciliationApproved,
  statusEvidence,
} from '#shared/payments/evidence.ts';
import { expiryOf } from '#shared/payments/schedule.ts';
import { atLocalTime } from '#shared/payon/answers.ts';
import { walkOrders } from '#shared/payon/orders-walk.ts';
import { type PayonReadOutcome, payonReadOutcome } from '#shared/payon/outcome.ts';
import type { PushClaim } from '#shared/payon/status.ts';
import type { OrderRecord } from '#shared/payon/types.ts';
import type { Dependencies } from '#shared/runtime/dependencies.ts';
import { count } from '#shared/runtime/metrics.ts';

export type SyncDeps = Pick<
  Dependencies,
  'payon' | 'payments' | 'clock' | 'logger' | 'metrics' | 'config'
>;

export interface SyncOptions {
  /** What a push claimed, when a push triggered this sync (a `9999` push: a reason to look). */
  readonly push?: PushClaim;
  /** PAYON's orders list, shared by the sweep's run; otherwise the payment is looked up alone. */
  readonly orders?: OrderLookup;
}

/**
 * A payment's rows in PAYON's orders list, and whether the list was read to its end: rows from a
 * walk cut short by its page bound can say "yes" (an approval, a `Y`), never "no".
 */
export interface OrderRows {
  readonly rows: readonly OrderRecord[];
  readonly complete: boolean;
}

/** Finds a payment's rows in PAYON's orders list (the sweep shares one list per run). */
export interface OrderLookup {
  find(payment: Payment): Promise<OrderRows>;
}

/** How long a CREATED payment is left to its own registration call (longer than a Lambda runs). */
export const REGISTRATION_GRACE_MS = 2 * 60_000;

/** How long an unanswered money move must be before the orders list may say it did not happen. */
export const MONEY_MOVE_SETTLE_MS = 2 * 60_000;

export interface SyncOutcome {
  readonly payment: Payment;
  readonly changed: boolean;
  /** Why nothing changed, when nothing did. */
  readonly note?: string;
  /**
   * A read this sync needed (PAYON's orders list) was refused or not answered, so nothing could be
   * concluded: the sweep counts the probe as failed, so that a payment PAYON never lets us read is
   * escalated at the end of its schedule instead of expired (docs/payon-assumptions.md A36).
   */
  readonly unread?: PayonReadOutcome;
}

/**
 * PAYON confirmed another amount: the payment stays as it is, and is flagged `amount_mismatch` for
 * an operator once (a history entry with its own version, no event).
 */
async function noteMismatch(
  deps: SyncDeps,
  payment: Payment,
  { source, reason }: { readonly source: 'status_pull' | 'orders_list'; readonly reason: string },
): Promise<Payment> {
  const noted = noteAttention(payment, {
    change: 'amount_mismatch',
    source,
    reason,
    now: deps.clock(),
  });
  if (noted === undefined) return payment;
  await deps.payments.update(noted);
  return noted;
}

async function save(deps: SyncDeps, next: Payment): Promise<SyncOutcome> {
  await deps.payments.update(next);
  return { payment: next, changed: true };
}

/**
 * When a payment still PENDING past its expiry may be concluded FAILED (docs/payon-assumptions.md
 * A35).
 */
export function failureAfter(deps: Pick<SyncDeps, 'config'>, payment: Payment): Date {
  const { orderExpiryMinutes, failureGraceMinutes } = deps.config.payments;
  return new Date(expiryOf(payment, orderExpiryMinutes).getTime() + failureGraceMinutes * 60_000);
}

/**
 * Brings a payment up to date with PAYON, if PAYON can say anything new. Status read failures
 * propagate (nothing was written); conflicting writers get a ConflictError from the store.
 */
export async function syncPayment(
  deps: SyncDeps,
  stored: Payment,
  options: SyncOptions = {},
): Promise<SyncOutcome> {
  const now = deps.clock();
  let payment = stored;
  const { snapshot } = payment;
  if (snapshot.state === 'CREATED') {
    // The registration call may still be running (timeout × 2 attempts): leave it alone until then.
    if (now.getTime() - new Date(payment.createdAt).getTime() < REGISTRATION_GRACE_MS) {
      return { payment, changed: false, note: 'the registration call may still be running' };
    }
    // Stored, but our registration call never reported back (the function died): unknown.
    payment = markUnknown(payment, {
      operation: 'register',
      reason: 'registration was not answered; asking PAYON',
      now,
    });
    await deps.payments.update(payment);
  }
  const current = payment.snapshot;
  // EXPIRED and FAILED are our conclusions: a late payment PAYON confirms must still be found.
  if (current.state === 'PENDING' || CONCLUDED_UNPAID.includes(current.state as KnownState)) {
    return confirmByStatus(deps, payment, options);
  }
  if (current.state === 'UNKNOWN') {
    return current.operation === 'register'
      ? confirmByStatus(deps, payment, options)
      : resolveMoneyMove(deps, payment, {
          operation: current.operation,
          priorState: current.priorState,
        });
  }
  return {
    payment,
    changed: payment !== stored,
    note: `${current.state} needs nothing from PAYON`,
  };
}

/** PAYON's positive evidence: which reading, why in words, when, and its approval number. */
export interface Confirmation {
  readonly source: 'status_pull' | 'orders_list' | 'reconciliation';
  readonly reason: string;
  readonly now: Date;
  readonly approvalNo?: string | undefined;
}

/**
 * The payment moves to AUTHORIZED / SUCCEEDED on PAYON's positive evidence. From FAILED or
 * EXPIRED it is a late confirmation: PAYON took the money, so the merchant must ship or refund
 * (alarmed through `payments.lateConfirmation`).
 */
export function confirmedPayment(
  deps: Pick<SyncDeps, 'logger' | 'metrics'>,
  payment: Payment,
  { source, reason, now, approvalNo }: Confirmation,
): Payment {
  const to: KnownState = payment.kind === 'preauth' ? 'AUTHORIZED' : 'SUCCEEDED';
  const from = payment.snapshot.state;
  const late = CONCLUDED_UNPAID.includes(from as KnownState);
  if (late) {
    count(deps.metrics, 'payments.lateConfirmation');
    deps.logger.error(
      'PAYON confirmed a payment the product had concluded unpaid: ship the order or refund it',
      { txId: payment.txId, from, to },
    );
  }
  return transition(payment, {
    to,
    source,
    reason: late ? `late confirmation: ${reason} (the payment was ${from})` : reason,
    now,
    changes: { approvalNo: approvalNo ?? payment.approvalNo },
  });
}

async function confirmByStatus(
  deps: SyncDeps,
  payment: Payment,
  options: SyncOptions,
): Promise<SyncOutcome> {
  const status = statusEvidence(
    await deps.payon.transactionStatus({ txId: payment.txId, amount: payment.amount }),
    payment.amount,
  );
  if (status.kind === 'cannot_tell') {
    return {
      payment,
      changed: false,
      note: `PAYON status ${status.statusCode} is not a confirmation`,
    };
  }
  if (status.kind === 'other_amount') {
    deps.logger.warn('PAYON confirmed another amount; the payment is left as it is', {
      txId: payment.txId,
      expectedMinor: payment.amount.minor,
      confirmedMinor: status.amount.minor,
    });
    count(deps.metrics, 'payon.amountMismatch');
    const note = 'PAYON confirmed a different amount or currency';
    return {
      payment: await noteMismatch(deps, payment, {
        source: 'status_pull',
        reason: `${note}: ${status.amount.minor} minor units of ${status.amount.currency}, not the payment's ${payment.amount.minor} of ${payment.amount.currency}`,
      }),
      changed: false,
      note,
    };
  }
  if (status.kind === 'confirmed') {
    return save(
      deps,
      confirmedPayment(deps, payment, {
        source: 'status_pull',
        reason: `PAYON status ${status.statusCode} for the same amount`,
        now: deps.clock(),
        approvalNo: status.approvalNo,
      }),
    );
  }
  // 302/9999: declined OR not paid yet. PAYON's orders list tells more, when it can matter: a
  // `9999` push (look for the decline), the sweep (one shared read per run), `?sync=true`, or an
  // order past its expiry. A `0000` push PAYON's status does not bear out is re-checked later.
  const claimOnly = options.push === 'claims_success' || options.push === 'not_confirmed';
  if (
    options.orders === undefined &&
    claimOnly &&
    deps.clock() < expiryOf(payment, deps.config.payments.orderExpiryMinutes)
  ) {
    return { payment, changed: false, note: 'PAYON has no successful transaction yet' };
  }
  const evidence = await readEvidence(deps, payment, options.orders);
  return decideUnconfirmed(deps, payment, { evidence, push: options.push });
}

/** The payment's rows, or undefined when PAYON's list could not be read (cannot tell). */
async function readEvidence(
  deps: SyncDeps,
  payment: Payment,
  orders: OrderLookup | undefined,
): Promise<
  (OrderEvidence & { readonly complete: boolean }) | { readonly unread: PayonReadOutcome }
> {
  try {
    const { rows, complete } = await (orders ?? new SingleOrderLookup(deps)).find(payment);
    return { ...orderEvidence(rows, acceptedAmounts(payment)), complete };
  } catch (error) {
    // A read PAYON refused or did not answer (whichever way) says nothing: cannot tell.
    const unread = payonReadOutcome(error);
    if (unread === undefined) throw error;
    count(deps.metrics, 'payon.ordersUnreadable');
    deps.logger.warn("PAYON's orders list could not be read; nothing is concluded from it", {
      txId: payment.txId,
      error: error instanceof Error ? error.name : 'unknown',
      ...(error instanceof PayonRejectedError ? { payonCode: error.payonCode } : {}),
    });
    return { unread };
  }
}

// Assumed (docs/payon-assumptions.md A35, A47).
/** The status pull found no successful transaction: what the orders rows (if read) settle. */
async function decideUnconfirmed(
  deps: SyncDeps,
  payment: Payment,
  {
    evidence,
    push,
  }: {
    readonly evidence:
      | (OrderEvidence & { readonly complete: boolean })
      | { readonly unread: PayonReadOutcome };
    readonly push: PushClaim | undefined;
  },
): Promise<SyncOutcome> {
  const now = deps.clock();
  if ('unread' in evidence) {
    return {
      payment,
      changed: false,
      note: "PAYON's orders list could not be read",
      unread: evidence.unread,
    };
  }
  if (evidence.approved) {
    return save(
      deps,
      confirmedPayment(deps, payment, {
        source: 'orders_list',
        reason: "PAYON's orders list shows 0000 for the same amount",
        now,
        approvalNo: evidence.approved.approvalNo,
      }),
    );
  }
  if (evidence.approvedOtherAmount) {
    count(deps.metrics, 'payon.amountMismatch');
    const note = "PAYON's orders list shows 0000 for another amount";
    return {
      payment: await noteMismatch(deps, payment, { source: 'orders_list', reason: note }),
      changed: false,
      note,
    };
  }
  let next = payment;
  const decline = newDecline(payment, evidence, now);
  if (decline && payment.snapshot.state !== 'FAILED' && payment.snapshot.state !== 'EXPIRED') {
    // Its own version and event, written before anything else is concluded.
    next = recordDecline(payment, decline, now);
    await deps.payments.update(next);
  }
  const declinedOrPushed = evidence.declined.length > 0 || push === 'claims_failure';
  // "No 0000 row" needs the whole list: a walk cut short may not have reached the approval.
  if (
    declinedOrPushed &&
    evidence.complete &&
    now >= failureAfter(deps, payment) &&
    canTransition(next.snapshot, 'FAILED')
  ) {
    const why =
      evidence.declined.length > 0
        ? `PAYON declined the attempt (${latestDecline(evidence)?.resultCode ?? '?'}), its status finds no successful transaction, and the order expired`
        : 'PAYON pushed 9999, its status finds no successful transaction, its orders list shows no approval, and the order expired';
    return save(deps, transition(next, { to: 'FAILED', source: 'status_pull', reason: why, now }));
  }
  if (next !== payment) return { payment: next, changed: true };
  return {
    payment,
    changed: false,
    note:
      evidence.declined.length > 0
        ? 'PAYON declined an attempt; the order is still payable'
        : 'PAYON has no successful transaction yet',
  };
}

/** The decline to record, when PAYON lists more declined attempts than the payment knows of. */
function newDecline(payment: Payment, evidence: OrderEvidence, now: Date): Decline | undefined {
  const count = evidence.declined.length;
  if (count <= (payment.lastDecline?.count ?? 0)) return undefined;
  const latest = latestDecline(evidence);
  if (latest === undefined) return undefined;
  return {
    at: (latest.approvedAt ?? now).toISOString(),
    payonCode: latest.resultCode ?? '?',
    payonMessage:
      latest.resultMessage === undefined ? undefined : maskCardNumbers(latest.resultMessage),
    count,
  };
}

/** Pages read at most when one payment is looked up alone (500 rows a page). */
export const SINGLE_LOOKUP_PAGES = 20;

/** Pages read at most by the sweep's one shared read per run. */
export const SHARED_LOOKUP_PAGES = 40;

/** Finds the payment's rows in PAYON's orders list, from its creation day to today. */
export class SingleOrderLookup implements OrderLookup {
  constructor(private readonly deps: Pick<SyncDeps, 'payon' | 'clock'>) {}

  async find(payment: Payment): Promise<OrderRows> {
    const from = new Date(payment.createdAt);
    const rows: OrderRecord[] = [];
    const { complete } = await walkOrders(this.deps.payon, {
      query: {
        from,
        to: this.deps.clock(),
        createdAt: (txId) => (txId === payment.txId ? from : undefined),
      },
      bounds: { pageSize: 500, maxPages: SINGLE_LOOKUP_PAGES },
      // Every row of the txId: a declined attempt, the approval, the refund may all be listed.
      onPage: (page) => {
        rows.push(...page.filter((o) => o.txId === payment.txId));
      },
    });
    return { rows, complete };
  }
}

/** One orders-list read per sweep run, covering `from` to now; older payments are looked up alone. */
export class SharedOrderLookup implements OrderLookup {
  #loaded: Promise<{ byTxId: Map<string, OrderRecord[]>; complete: boolean }> | undefined;
  readonly #single: SingleOrderLookup;

  constructor(
    private readonly deps: SyncDeps,
    private readonly from: Date,
  ) {
    this.#single = new SingleOrderLookup(deps);
  }

  async find(payment: Payment): Promise<OrderRows> {
    if (new Date(payment.createdAt) < this.from) return this.#single.find(payment);
    this.#loaded ??= this.#load();
    const { byTxId, complete } = await this.#loaded;
    const rows = byTxId.get(payment.txId) ?? [];
    // The 12-hour times, read against this payment's own creation time (docs/payon-assumptions.md
    // A18).
    return { rows: rows.map((row) => atLocalTime(row, new Date(payment.createdAt))), complete };
  }

  async #load(): Promise<{ byTxId: Map<string, OrderRecord[]>; complete: boolean }> {
    const rows: OrderRecord[] = [];
    const { complete } = await walkOrders(this.deps.payon, {
      query: { from: this.from, to: this.deps.clock() },
      bounds: { pageSize: 500, maxPages: SHARED_LOOKUP_PAGES },
      onPage: (page) => {
        rows.push(...page);
      },
    });
    return { byTxId: groupByTxId(rows), complete };
  }
}

// Assumed (docs/payon-assumptions.md A27).
/** Did the unanswered move happen? true / false / undefined when PAYON cannot tell (yet). */
async function moveHappened(
  deps: SyncDeps,
  payment: Payment,
  operation: 'capture' | 'cancel' | 'refund',
): Promise<boolean | undefined> {
  if (operation === 'capture') {
    // The orders list cannot tell a completed pre-auth from an open one; PAYON's reconciliation
    // can say it happened (A27). Nothing PAYON documents says a completion did NOT happen: a
    // refusal (3003), a verdict other than APPROVED or a missing answer is "cannot tell".
    const amount = payment.capturedAmount ?? payment.amount;
    const answers = await deps.payon.reconcile([
      { txId: payment.txId, type: 'PRE_AUTH_COMPLETE', grandTotal: amount },
    ]);
    const answer = answers.find((a) => a.txId === payment.txId);
    const approved =
      answer !== undefined &&
      reconciliationApproved(answer) === true &&
      (answer.grandTotal === undefined || moneyEquals(answer.grandTotal, amount));
    return approved ? true : undefined;
  }
  const { rows, complete } = await new SingleOrderLookup(deps).find(payment);
  if (rows.length === 0) return undefined;
  const evidence = orderEvidence(rows, acceptedAmounts(payment));
  // `Y` on any row is `Y`; `N` only when every row says `N` and the list was read to its end
  // (a refund row may be on a page not read); `""` or absent: cannot tell.
  const flag = operation === 'refund' ? evidence.refunded : evidence.cancelled;
  return flag === false && !complete ? undefined : flag;
}

async function resolveMoneyMove(
  deps: SyncDeps,
  payment: Payment,
  {
    operation,
    priorState,
  }: { readonly operation: 'capture' | 'cancel' | 'refund'; readonly priorState: KnownState },
): Promise<SyncOutcome> {
  const happened = await moveHappened(deps, payment, operation);
  const now = deps.clock();
  if (happened === true) {
    const to: KnownState =
      operation === 'refund' ? 'REFUNDED' : operation === 'cancel' ? 'CANCELLED' : 'SUCCEEDED';
    return save(
      deps,
      transition(payment, {
        to,
        source: 'orders_list',
        reason: `PAYON shows the ${operation}`,
        now,
      }),
    );
  }
  const lastChange = payment.history.at(-1)?.at ?? payment.updatedAt;
  if (
    happened === false &&
    operation !== 'capture' &&
    now.getTime() - new Date(lastChange).getTime() >= MONEY_MOVE_SETTLE_MS
  ) {
    return save(
      deps,
      transition(payment, {
        to: priorState,
        source: 'orders_list',
        reason: `PAYON shows no ${operation}`,
        now,
      }),
    );
  }
  return { payment, changed: false, note: `PAYON does not show the ${operation} yet` };
}
