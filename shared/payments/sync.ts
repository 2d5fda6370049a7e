/**
 * Asking PAYON what happened to a payment, and applying DEFAULTS.md "Deciding a payment's state":
 * only a status pull saying COMPLETE with the same amount and currency confirms a payment; PAYON's
 * orders list settles reversals and refunds (`cancelYn`, `refundYn`). A failed read changes nothing.
 * The webhook, the status sweep and reconciliation all come through here.
 */
import { moneyEquals } from '#shared/domain/money.ts';
import { markUnknown, type Payment, transition } from '#shared/domain/payment.ts';
import { canTransition, type KnownState } from '#shared/domain/payment-state.ts';
import type { PushClaim } from '#shared/payon/status.ts';
import type { OrderRecord } from '#shared/payon/types.ts';
import type { Dependencies } from '#shared/runtime/dependencies.ts';

export type SyncDeps = Pick<Dependencies, 'payon' | 'payments' | 'clock' | 'logger' | 'metrics'>;

export interface SyncOptions {
  /** What a push claimed, when a push triggered this sync (DEFAULTS.md: 9999 + 302 = FAILED). */
  readonly push?: PushClaim;
  /**
   * PAYON's orders list, consulted for a payment past its expiry that the status pull does not
   * find: a non-0000 result there is a failure, a 0000 for the same amount a confirmation.
   */
  readonly orders?: OrderLookup;
  /** When the payment's order stops being payable. */
  readonly expiry?: Date;
}

/** Finds a payment in PAYON's orders list (the sweep shares one list per run). */
export interface OrderLookup {
  find(payment: Payment): Promise<OrderRecord | undefined>;
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
}

async function save(deps: SyncDeps, next: Payment): Promise<SyncOutcome> {
  await deps.payments.update(next);
  return { payment: next, changed: true };
}

/**
 * Brings a payment up to date with PAYON, if PAYON can say anything new. Read failures propagate
 * (nothing was written); conflicting writers get a ConflictError from the store.
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
    if (deps.clock().getTime() - new Date(payment.createdAt).getTime() < REGISTRATION_GRACE_MS) {
      return { payment, changed: false, note: 'the registration call may still be running' };
    }
    // Stored, but our registration call never reported back (the function died): unknown.
    payment = markUnknown(payment, 'register', 'registration was not answered; asking PAYON', now);
    await deps.payments.update(payment);
  }
  const current = payment.snapshot;
  // EXPIRED is our inference: a late payment PAYON confirms must still be found (A9).
  if (current.state === 'PENDING' || current.state === 'EXPIRED')
    return confirmByStatus(deps, payment, options);
  if (current.state === 'UNKNOWN') {
    return current.operation === 'register'
      ? confirmByStatus(deps, payment, options)
      : resolveMoneyMove(deps, payment, current.operation, current.priorState);
  }
  return {
    payment,
    changed: payment !== stored,
    note: `${current.state} needs nothing from PAYON`,
  };
}

async function confirmByStatus(
  deps: SyncDeps,
  payment: Payment,
  options: SyncOptions,
): Promise<SyncOutcome> {
  const status = await deps.payon.transactionStatus({ txId: payment.txId, amount: payment.amount });
  if (!status.found) {
    if (options.push === 'claims_failure' && canTransition(payment.snapshot, 'FAILED')) {
      // Two independent signals agree (DEFAULTS.md): PAYON pushed 9999 and its status says 302/9999.
      return save(
        deps,
        transition(
          payment,
          'FAILED',
          'status_pull',
          'PAYON pushed 9999 and its status pull found no successful transaction',
          deps.clock(),
        ),
      );
    }
    if (options.orders && options.expiry && deps.clock() >= options.expiry) {
      return confirmByOrder(deps, payment, options.orders);
    }
    return { payment, changed: false, note: 'PAYON has no successful transaction yet' };
  }
  if (status.signal !== 'confirmed') {
    return {
      payment,
      changed: false,
      note: `PAYON status ${status.statusCode} is not a confirmation`,
    };
  }
  if (!moneyEquals(status.amount, payment.amount)) {
    deps.logger.warn('PAYON confirmed another amount; the payment is left as it is', {
      txId: payment.txId,
      expectedMinor: payment.amount.minor,
      confirmedMinor: status.amount.minor,
    });
    deps.metrics.addMetric('payon.amountMismatch', 'Count', 1);
    return { payment, changed: false, note: 'PAYON confirmed a different amount or currency' };
  }
  const to: KnownState = payment.kind === 'preauth' ? 'AUTHORIZED' : 'SUCCEEDED';
  return save(
    deps,
    transition(
      payment,
      to,
      'status_pull',
      `PAYON status ${status.statusCode} for the same amount`,
      deps.clock(),
      {
        approvalNo: status.approvalNo ?? payment.approvalNo,
      },
    ),
  );
}

/** Past expiry and unknown to the status pull: what PAYON's orders list says (DEFAULTS.md). */
async function confirmByOrder(
  deps: SyncDeps,
  payment: Payment,
  orders: OrderLookup,
): Promise<SyncOutcome> {
  const order = await orders.find(payment);
  if (order === undefined) {
    return { payment, changed: false, note: 'PAYON lists no order with this txId' };
  }
  if (order.signal === 'not_successful' && canTransition(payment.snapshot, 'FAILED')) {
    return save(
      deps,
      transition(
        payment,
        'FAILED',
        'orders_list',
        `PAYON's orders list shows result ${order.resultCode ?? '?'}`,
        deps.clock(),
      ),
    );
  }
  if (order.signal === 'confirmed' && moneyEquals(order.amount, payment.amount)) {
    const to: KnownState = payment.kind === 'preauth' ? 'AUTHORIZED' : 'SUCCEEDED';
    if (canTransition(payment.snapshot, to)) {
      return save(
        deps,
        transition(
          payment,
          to,
          'orders_list',
          "PAYON's orders list shows 0000 for the same amount",
          deps.clock(),
          {
            approvalNo: order.approvalNo ?? payment.approvalNo,
          },
        ),
      );
    }
  }
  return {
    payment,
    changed: false,
    note: `PAYON's orders list does not settle it (${order.signal})`,
  };
}

/** One orders-list read per sweep run, covering `from` to now; older payments are looked up alone. */
export class SharedOrderLookup implements OrderLookup {
  #loaded: Promise<Map<string, OrderRecord>> | undefined;

  constructor(
    private readonly deps: SyncDeps,
    private readonly from: Date,
  ) {}

  async find(payment: Payment): Promise<OrderRecord | undefined> {
    if (new Date(payment.createdAt) < this.from) return findOrder(this.deps, payment);
    this.#loaded ??= this.#load();
    return (await this.#loaded).get(payment.txId);
  }

  async #load(): Promise<Map<string, OrderRecord>> {
    const byTxId = new Map<string, OrderRecord>();
    for (let index = 1; index <= 40; index += 1) {
      const page = await this.deps.payon.listOrders({
        from: this.from,
        to: this.deps.clock(),
        index,
        limit: 500,
      });
      for (const order of page) byTxId.set(order.txId, order);
      if (page.length < 500) break;
    }
    return byTxId;
  }
}

/** Finds the payment in PAYON's orders list, from its creation day to today. */
async function findOrder(deps: SyncDeps, payment: Payment): Promise<OrderRecord | undefined> {
  const from = new Date(payment.createdAt);
  const to = deps.clock();
  for (let index = 1; index <= 20; index += 1) {
    const page = await deps.payon.listOrders({
      from,
      to,
      index,
      limit: 500,
      createdAt: (txId) => (txId === payment.txId ? from : undefined),
    });
    const found = page.find((o) => o.txId === payment.txId);
    if (found || page.length < 500) return found;
  }
  return undefined;
}

/** Did the unanswered move happen? true / false / undefined when PAYON cannot tell yet. */
async function moveHappened(
  deps: SyncDeps,
  payment: Payment,
  operation: 'capture' | 'cancel' | 'refund',
): Promise<boolean | undefined> {
  if (operation === 'capture') {
    // The orders list cannot tell a completed pre-auth from an open one; PAYON's reconciliation
    // can: a PRE_AUTH_COMPLETE of that amount is APPROVED or not (assumed, docs/payon-assumptions.md A27).
    const amount = payment.capturedAmount ?? payment.amount;
    const answers = await deps.payon.reconcile([
      { txId: payment.txId, type: 'PRE_AUTH_COMPLETE', grandTotal: amount },
    ]);
    const answer = answers.find((a) => a.txId === payment.txId);
    if (answer === undefined) return undefined;
    if (answer.resultCode === '0000' && answer.verdict === 'APPROVED') return true;
    // Only an explicit verdict or "invalid transaction" says no; a bare 9999 may be a system error.
    const refused =
      answer.resultCode === '3003' ||
      (answer.verdict !== undefined && answer.verdict !== 'APPROVED');
    return refused ? false : undefined;
  }
  const order = await findOrder(deps, payment);
  if (order === undefined) return undefined;
  // A flag PAYON left out is "cannot tell", never "did not happen".
  return operation === 'refund' ? order.refunded : order.cancelled;
}

async function resolveMoneyMove(
  deps: SyncDeps,
  payment: Payment,
  operation: 'capture' | 'cancel' | 'refund',
  priorState: KnownState,
): Promise<SyncOutcome> {
  const happened = await moveHappened(deps, payment, operation);
  const now = deps.clock();
  if (happened === true) {
    const to: KnownState =
      operation === 'refund' ? 'REFUNDED' : operation === 'cancel' ? 'CANCELLED' : 'SUCCEEDED';
    return save(deps, transition(payment, to, 'orders_list', `PAYON shows the ${operation}`, now));
  }
  const lastChange = payment.history.at(-1)?.at ?? payment.updatedAt;
  if (
    happened === false &&
    now.getTime() - new Date(lastChange).getTime() >= MONEY_MOVE_SETTLE_MS
  ) {
    return save(
      deps,
      transition(payment, priorState, 'orders_list', `PAYON shows no ${operation}`, now, {
        ...(operation === 'capture' ? { capturedAmount: undefined } : {}),
      }),
    );
  }
  return { payment, changed: false, note: `PAYON does not show the ${operation} yet` };
}
