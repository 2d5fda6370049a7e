/**
 * Reconciling one Cambodian business day (issue 9): PAYON's order history page by page, each page
 * joined with the product's payments (one batched read), the confirmed ones submitted to PAYON's
 * merchant reconciliation in batches, every transaction compared three ways (`./compare.ts`); then
 * the day's own payments streamed to find those PAYON's history did not show. Memory holds one page
 * at a time: counts, never the day. Healing uses the shared transition (`transition` + the store's
 * conditional write, which also writes the merchant event); exceptions are written as they are found.
 */
import { dayNoon } from '#shared/domain/business-day.ts';
import { maskCardNumbers } from '#shared/domain/card.ts';
import type { Money } from '#shared/domain/money.ts';
import { noteAttention, type Payment, transition } from '#shared/domain/payment.ts';
import type { KnownState } from '#shared/domain/payment-state.ts';
import { ConflictError, PayonRejectedError } from '#shared/errors.ts';
import { reconciliationEvent } from '#shared/events/envelope.ts';
import { groupByTxId, type StatusEvidence, statusEvidence } from '#shared/payments/evidence.ts';
import { confirmedPayment, failureAfter } from '#shared/payments/sync.ts';
import { atLocalTime } from '#shared/payon/answers.ts';
import { walkOrders } from '#shared/payon/orders-walk.ts';
import { isPayonFault } from '#shared/payon/outcome.ts';
import type {
  OrderRecord,
  ReconciliationItemInput,
  ReconciliationType,
} from '#shared/payon/types.ts';
import {
  compareTransaction,
  isProvisional,
  type LocalRecord,
  type Verdict,
} from '#shared/reconciliation/compare.ts';
import { publish, reconciliationMeasurements } from '#shared/runtime/business-metrics.ts';
import type { Dependencies } from '#shared/runtime/dependencies.ts';
import { describeError } from '#shared/runtime/describe-error.ts';
import { count } from '#shared/runtime/metrics.ts';
import type { EventOutlet } from '#shared/store/payments.ts';
import type {
  ExceptionRecord,
  ReconciliationCounts,
  ReconciliationReport,
  ReconciliationStore,
} from '#shared/store/reconciliations.ts';

export type ReconcileDeps = Pick<
  Dependencies,
  'payon' | 'payments' | 'clock' | 'logger' | 'metrics' | 'config'
> & {
  readonly reconciliations: ReconciliationStore;
  /** Delivers the `reconciliation.completed` event after the report commits. */
  readonly events: EventOutlet;
};

/** How long a run's `running` report blocks another run of the same day (the function's timeout). */
export const RUN_LEASE_MS = 15 * 60_000;

export interface ReconcileOptions {
  /** PAYON's orders list page size (its `limit`). */
  readonly pageSize?: number;
  /** Items per reconciliation request (assumed; PAYON documents no limit). */
  readonly batchSize?: number;
  /** See {@link RUN_LEASE_MS}. */
  readonly leaseMs?: number;
  /** Pages of PAYON's history read at most (default {@link MAX_HISTORY_PAGES}). */
  readonly maxPages?: number;
}

/** A day's history is read to at most this many pages (a million rows at 500 a page). */
export const MAX_HISTORY_PAGES = 2_000;

/** The reconciliation item a confirmed payment is submitted as, or undefined for none. */
export function reconciliationItem(payment: Payment): ReconciliationItemInput | undefined {
  const { snapshot, kind } = payment;
  const captured = payment.capturedAmount ?? payment.amount;
  const item = (type: ReconciliationType, grandTotal: Money) => ({
    txId: payment.txId,
    type,
    grandTotal,
  });
  switch (snapshot.state) {
    case 'AUTHORIZED':
      return item('PRE_AUTH', payment.amount);
    case 'SUCCEEDED':
      return kind === 'preauth'
        ? item('PRE_AUTH_COMPLETE', captured)
        : item('PURCHASE', payment.amount);
    case 'REFUNDED':
      // PAYON refunds in full what it holds: the captured amount of a completed pre-auth.
      return item('REFUND', kind === 'preauth' ? captured : payment.amount);
    case 'CANCELLED':
      return kind === 'preauth'
        ? payment.capturedAmount
          ? item('PRE_AUTH_COMPLETE_REVERSAL', captured)
          : item('PRE_AUTH_REVERSAL', payment.amount)
        : item('PURCHASE_REVERSAL', payment.amount);
    default:
      return undefined;
  }
}

const localRecord = (p: Payment): LocalRecord => ({
  txId: p.txId,
  kind: p.kind,
  snapshot: p.snapshot,
  amount: p.amount,
  capturedAmount: p.capturedAmount,
});

export async function reconcileDay(
  deps: ReconcileDeps,
  day: string,
  options: ReconcileOptions = {},
): Promise<ReconciliationReport> {
  const pageSize = options.pageSize ?? 500;
  const batchSize = options.batchSize ?? 100;
  const startedAt = deps.clock();
  const runId = startedAt.toISOString();
  const counts: ReconciliationCounts = {
    payonTransactions: 0,
    localPayments: 0,
    submitted: 0,
    matched: 0,
    healed: 0,
    pending: 0,
    exceptions: 0,
    unanswered: 0,
    byDifference: {},
    payonApprovedMinor: {},
    exceptionMinor: {},
  };
  const base = { day, runId, startedAt: runId };
  await deps.reconciliations.begin(
    { ...base, status: 'running', counts },
    startedAt,
    options.leaseMs ?? RUN_LEASE_MS,
  );
  // A txId's rows may be spread over pages: a verdict more rows could change waits here (bounded)
  // until the txId's next rows, or the end of the walk.
  const deferred: Deferred = new Map();
  let walk: NonNullable<ReconciliationReport['walk']> = { pagesRead: 0, stoppedBy: 'end' };
  try {
    // 1. PAYON's history, page by page, three ways; bounded, and a page PAYON refuses ends it.
    let pagesRead = 0;
    try {
      const read = await walkOrders(deps.payon, {
        query: { from: dayNoon(day), to: dayNoon(day) },
        bounds: { pageSize, maxPages: options.maxPages ?? MAX_HISTORY_PAGES },
        onPage: async (page) => {
          pagesRead += 1;
          await reconcilePage(deps, page, { day, runId, counts, batchSize, deferred });
        },
      });
      walk = { pagesRead: read.pagesRead, stoppedBy: read.stoppedBy };
    } catch (error) {
      if (!isPayonFault(error)) throw error;
      walk = { pagesRead, stoppedBy: 'unreadable' };
      deps.logger.warn("PAYON's order history could not be read to its end", {
        day,
        pagesRead,
        error: error.name,
      });
    }
    const complete = walk.stoppedBy === 'end' || walk.stoppedBy === 'empty_page';
    if (!complete) {
      count(deps.metrics, 'reconciliation.incomplete');
      const exception = await act(deps, historyIncomplete(walk), { payment: undefined, counts });
      if (exception)
        await deps.reconciliations.addExceptions({
          day,
          runId,
          exceptions: [exception],
          now: deps.clock(),
        });
    }
    await settleDeferred(deps, deferred, { day, runId, counts, complete });
    // 2. The day's own payments PAYON's history did not show.
    let cursor: Record<string, unknown> | undefined;
    do {
      const next = await deps.payments.dayPage(day, pageSize, cursor);
      cursor = next.cursor;
      counts.localPayments += next.payments.length;
      const seen = await deps.reconciliations.seen(
        day,
        runId,
        next.payments.map((p) => p.txId),
      );
      const exceptions: ExceptionRecord[] = [];
      for (const payment of next.payments.filter((p) => !seen.has(p.txId))) {
        const verdict = await confirmUnseen(deps, payment, { historyComplete: complete, counts });
        const exception = await act(deps, verdict, { payment, counts });
        if (exception) exceptions.push(exception);
      }
      await deps.reconciliations.addExceptions({ day, runId, exceptions, now: deps.clock() });
    } while (cursor);
  } catch (error) {
    count(deps.metrics, 'reconciliation.failed');
    await deps.reconciliations
      .saveReport(
        { ...base, status: 'failed', finishedAt: deps.clock().toISOString(), counts, walk },
        deps.clock(),
      )
      .catch((saveError: unknown) =>
        deps.logger.error('the failed reconciliation report could not be saved', {
          day,
          error: saveError instanceof Error ? saveError.name : 'unknown',
        }),
      );
    throw error;
  }
  const finishedAt = deps.clock();
  const report: ReconciliationReport = {
    ...base,
    status: 'completed',
    finishedAt: finishedAt.toISOString(),
    counts,
    walk,
  };
  const event = reconciliationEvent(
    { ...report, finishedAt: finishedAt.toISOString() },
    deps.events.stage,
  );
  await deps.reconciliations.complete(report, event, finishedAt);
  await deps.events.committed(event);
  count(deps.metrics, 'reconciliation.exceptions', counts.exceptions);
  publish(deps.metrics, reconciliationMeasurements(counts.byDifference));
  if (counts.unanswered > 0) {
    count(deps.metrics, 'reconciliation.unanswered', counts.unanswered);
  }
  count(deps.metrics, 'reconciliation.healed', counts.healed);
  count(deps.metrics, 'reconciliation.completed');
  return report;
}

type Answer = Awaited<ReturnType<ReconcileDeps['payon']['reconcile']>>[number];

/** Rows (and the reconciliation answer) of txIds whose verdict waits for more of their rows. */
type Deferred = Map<
  string,
  {
    rows: OrderRecord[];
    reconciliation?: { answer: Answer; submitted: Money };
    /** Its reconciliation item was in a batch PAYON did not answer. */
    unanswered?: true;
  }
>;

/** Most txIds held back at once; beyond it a verdict is taken from the rows seen so far. */
export const MAX_DEFERRED = 10_000;

/** The run a page, a held-back verdict or a payment is reconciled in. */
interface Run {
  readonly day: string;
  readonly runId: string;
  /** Added to as the run goes (one page at a time in memory: counts, never the day). */
  readonly counts: ReconciliationCounts;
}

async function reconcilePage(
  deps: ReconcileDeps,
  page: readonly OrderRecord[],
  {
    day,
    runId,
    counts,
    batchSize,
    deferred,
  }: Run & { readonly batchSize: number; readonly deferred: Deferred },
): Promise<void> {
  counts.payonTransactions += page.length;
  for (const order of page) {
    if (order.signal === 'confirmed') {
      const key = order.amount.currency;
      counts.payonApprovedMinor[key] = (counts.payonApprovedMinor[key] ?? 0) + order.amount.minor;
    }
  }
  // One txId may be listed several times (a declined attempt, the approval, a refund): each txId
  // is one piece of evidence, and one item of the seen-set (docs/payon-assumptions.md A46).
  const groups = groupByTxId(page);
  const txIds = [...groups.keys()];
  const locals = await deps.payments.getMany(txIds);
  // Confirmed payments go to PAYON's reconciliation, in batches.
  const items = [...locals.values()].map(reconciliationItem).filter((i) => i !== undefined);
  const answers = new Map<string, { answer: Answer; submitted: Money }>();
  const unanswered = new Set<string>();
  for (let start = 0; start < items.length; start += batchSize) {
    const batch = items.slice(start, start + batchSize);
    let results: Answer[];
    try {
      results = await deps.payon.reconcile(batch);
    } catch (error) {
      // One batch PAYON refuses or cannot answer: its items are not reconciled; the run goes on.
      if (!isPayonFault(error)) throw error;
      deps.logger.warn(
        'PAYON did not answer a reconciliation batch; its items are left for the next run',
        {
          day,
          items: batch.length,
          error: error.name,
          ...(error instanceof PayonRejectedError ? { payonCode: error.payonCode } : {}),
        },
      );
      for (const item of batch) unanswered.add(item.txId);
      counts.unanswered += batch.length;
      continue;
    }
    counts.submitted += batch.length;
    for (const result of results) {
      const sent = batch.find((i) => i.txId === result.txId);
      if (sent) answers.set(result.txId, { answer: result, submitted: sent.grandTotal });
    }
  }
  const exceptions: ExceptionRecord[] = [];
  for (const [txId, rows] of groups) {
    const payment = locals.get(txId);
    const held = deferred.get(txId);
    deferred.delete(txId);
    const reconciliation = answers.get(txId) ?? held?.reconciliation;
    const notAnswered = reconciliation === undefined && (unanswered.has(txId) || held?.unanswered);
    // The 12-hour times, read against the payment's own creation time (docs/payon-assumptions.md
    // A18).
    const created = payment ? new Date(payment.createdAt) : undefined;
    const orders = [...(held?.rows ?? []), ...rows].map((row) => atLocalTime(row, created));
    const verdict = compareTransaction({
      orders,
      ...(payment ? { local: localRecord(payment) } : {}),
      ...(reconciliation ? { reconciliation } : {}),
    });
    if (isProvisional(verdict) && deferred.size < MAX_DEFERRED) {
      deferred.set(txId, {
        rows: orders,
        ...(reconciliation ? { reconciliation } : {}),
        ...(notAnswered ? { unanswered: true } : {}),
      });
      continue;
    }
    const exception = await act(deps, unlessUnanswered(verdict, notAnswered), {
      payment,
      counts,
      order: orders[0],
    });
    if (exception) exceptions.push(exception);
  }
  await deps.reconciliations.markSeen({ day, runId, txIds, now: deps.clock() });
  await deps.reconciliations.addExceptions({ day, runId, exceptions, now: deps.clock() });
}

/**
 * The end of PAYON's history: what was held back is decided on all the rows PAYON listed. When
 * the history was not read to its end, a verdict later rows could change is left pending.
 */
async function settleDeferred(
  deps: ReconcileDeps,
  deferred: Deferred,
  { day, runId, counts, complete }: Run & { readonly complete: boolean },
): Promise<void> {
  const entries = [...deferred.entries()];
  for (let start = 0; start < entries.length; start += 100) {
    const batch = entries.slice(start, start + 100);
    const locals = await deps.payments.getMany(batch.map(([txId]) => txId));
    const exceptions: ExceptionRecord[] = [];
    for (const [txId, { rows, reconciliation, unanswered }] of batch) {
      const payment = locals.get(txId);
      const verdict = compareTransaction({
        orders: rows,
        ...(payment ? { local: localRecord(payment) } : {}),
        ...(reconciliation ? { reconciliation } : {}),
      });
      const decided =
        !complete && verdict.kind === 'exception' && verdict.provisional
          ? ({ kind: 'pending' } as const)
          : unlessUnanswered(verdict, unanswered === true && reconciliation === undefined);
      const exception = await act(deps, decided, { payment, counts, order: rows[0] });
      if (exception) exceptions.push(exception);
    }
    await deps.reconciliations.addExceptions({ day, runId, exceptions, now: deps.clock() });
  }
  deferred.clear();
}

/** A match on the order history alone, when PAYON's reconciliation did not answer, is not one. */
function unlessUnanswered(verdict: Verdict, unanswered: boolean | undefined): Verdict {
  if (!unanswered || verdict.kind !== 'matched') return verdict;
  return {
    kind: 'exception',
    difference: 'not_answered',
    detail: "PAYON's reconciliation did not answer the batch this transaction was submitted in",
  };
}

function historyIncomplete(walk: NonNullable<ReconciliationReport['walk']>): Verdict {
  const why: Record<NonNullable<ReconciliationReport['walk']>['stoppedBy'], string> = {
    end: 'it ended',
    empty_page: 'it ended',
    repeated_page: 'PAYON answered a page that repeats the one before',
    page_limit: 'the page limit was reached',
    time_limit: 'the time limit was reached',
    unreadable: 'PAYON refused or did not answer the next page',
  };
  return {
    kind: 'exception',
    difference: 'history_incomplete',
    detail: `read ${walk.pagesRead} page(s); stopped because ${why[walk.stoppedBy]}`,
  };
}

/**
 * What PAYON's status says of the payment ({@link statusEvidence}, as sync reads it), or undefined
 * (counted `unanswered`) when PAYON fails the read.
 */
async function statusOrNone(
  deps: ReconcileDeps,
  payment: Payment,
  counts: ReconciliationCounts,
): Promise<StatusEvidence | undefined> {
  try {
    return statusEvidence(
      await deps.payon.transactionStatus({ txId: payment.txId, amount: payment.amount }),
      payment.amount,
    );
  } catch (error) {
    if (!isPayonFault(error)) throw error;
    count(deps.metrics, 'reconciliation.unreadable');
    counts.unanswered += 1;
    return undefined;
  }
}

/**
 * A payment of the day PAYON's history did not show: only a confirmed one is a difference, and
 * only if PAYON's status does not know it either (it may be in the history of another day).
 */
async function confirmUnseen(
  deps: ReconcileDeps,
  payment: Payment,
  {
    historyComplete,
    counts,
  }: { readonly historyComplete: boolean; readonly counts: ReconciliationCounts },
): Promise<Verdict> {
  const verdict = compareTransaction({ local: localRecord(payment) });
  if (verdict.kind !== 'exception') return verdict;
  const status = await statusOrNone(deps, payment, counts);
  if (status === undefined) {
    return {
      kind: 'exception',
      difference: 'not_answered',
      detail: "PAYON's history did not show it and its status could not be read",
    };
  }
  if (status.kind === 'confirmed') return { kind: 'matched' };
  // Not in the part of the history that was read: it may be on a page that was not.
  return historyComplete ? verdict : { kind: 'pending' };
}

/**
 * PAYON recorded another amount: the payment is not moved, but it is flagged `amount_mismatch`
 * (once, as sync flags it) so the attention list shows it, and not only the day's report. Changed
 * meanwhile: the next run or sync sees its new state.
 */
async function flagAmountMismatch(
  deps: ReconcileDeps,
  payment: Payment,
  detail: string,
  counts: ReconciliationCounts,
): Promise<void> {
  const noted = noteAttention(payment, {
    change: 'amount_mismatch',
    source: 'reconciliation',
    reason: `reconciliation: ${maskCardNumbers(detail)}`,
    now: deps.clock(),
  });
  if (noted === undefined) return;
  try {
    await deps.payments.update(noted);
    writeFailures.delete(counts);
  } catch (error) {
    // The exception is in the report either way; the next run flags it.
    if (!(error instanceof ConflictError)) await writeFailed(deps, payment, error, counts);
  }
}

/** Consecutive payment writes that failed in a run (keyed by the run's counts): the next wait. */
const writeFailures = new WeakMap<ReconciliationCounts, number>();

/**
 * One payment could not be written (DynamoDB throttled or failed): it is counted, logged and left
 * for the next run, and the run goes on after a short wait that doubles while failures follow each
 * other (50 ms up to 1.6 s); one bad item never stops the day.
 */
async function writeFailed(
  deps: ReconcileDeps,
  payment: Payment,
  error: unknown,
  counts: ReconciliationCounts,
): Promise<void> {
  const streak = (writeFailures.get(counts) ?? 0) + 1;
  writeFailures.set(counts, streak);
  count(deps.metrics, 'reconciliation.writeFailed');
  deps.logger.error('a reconciled payment could not be written; the next run decides it again', {
    txId: payment.txId,
    error: describeError(error),
  });
  const waitMs = Math.min(1_600, 50 * 2 ** (streak - 1));
  await new Promise((resolve) => setTimeout(resolve, waitMs));
}

/**
 * Carries out a verdict on `payment` (none for a row PAYON lists that the product does not know,
 * or for the history as a whole): counts it, heals the payment, or returns the exception to write.
 * `order` is the PAYON row the verdict was taken on, for an exception's amount when there is no
 * payment.
 */
async function act(
  deps: ReconcileDeps,
  given: Verdict,
  {
    payment,
    counts,
    order,
  }: {
    readonly payment: Payment | undefined;
    readonly counts: ReconciliationCounts;
    readonly order?: OrderRecord | undefined;
  },
): Promise<ExceptionRecord | undefined> {
  const verdict =
    given.kind === 'ask_status' && payment
      ? await askStatus(deps, payment, { verdict: given, counts })
      : given;
  switch (verdict.kind) {
    case 'matched':
      counts.matched += 1;
      return undefined;
    case 'pending':
    case 'ask_status':
      counts.pending += 1;
      return undefined;
    case 'heal': {
      if (!payment) return undefined;
      try {
        const now = deps.clock();
        const paid = verdict.to === 'AUTHORIZED' || verdict.to === 'SUCCEEDED';
        // Paid from PENDING, an unanswered registration, or (late) from FAILED / EXPIRED.
        const healed = paid
          ? confirmedPayment(deps, payment, {
              source: 'reconciliation',
              reason: verdict.reason,
              now,
            })
          : transition(payment, {
              to: verdict.to,
              source: 'reconciliation',
              reason: verdict.reason,
              now,
            });
        await deps.payments.update(healed);
        counts.healed += 1;
        writeFailures.delete(counts);
      } catch (error) {
        // Changed meanwhile, or the write failed: left pending, the next run decides it again.
        counts.pending += 1;
        if (!(error instanceof ConflictError)) await writeFailed(deps, payment, error, counts);
      }
      return undefined;
    }
    case 'exception': {
      if (verdict.difference === 'amount_differs' && payment) {
        await flagAmountMismatch(deps, payment, verdict.detail, counts);
      }
      counts.exceptions += 1;
      counts.byDifference[verdict.difference] = (counts.byDifference[verdict.difference] ?? 0) + 1;
      const amount = payment?.amount ?? order?.amount;
      if (amount) {
        counts.exceptionMinor[amount.currency] =
          (counts.exceptionMinor[amount.currency] ?? 0) + amount.minor;
      }
      return {
        txId: payment?.txId ?? order?.txId ?? '?',
        difference: verdict.difference,
        // PAYON's messages are not ours: nothing card-like is stored from them.
        detail: maskCardNumbers(verdict.detail),
        ...(verdict.payonCode ? { payonCode: verdict.payonCode } : {}),
        ...(payment ? { localState: payment.snapshot.state } : {}),
        ...(amount ? { amountMinor: amount.minor, currency: amount.currency } : {}),
      };
    }
  }
}

/**
 * PAYON's history lists only declined attempts for a payment: its status pull decides
 * (docs/payon-assumptions.md A40), read as sync reads it ({@link statusEvidence}): only 302/9999
 * can make a waiting payment FAILED (past its expiry and grace); a `txStCd` this product does not
 * know cannot tell, and `COMPLETE` for another amount is an `amount_differs`. A read PAYON refuses
 * or cannot answer leaves the payment pending (one failed probe of that payment; the run goes on).
 */
async function askStatus(
  deps: ReconcileDeps,
  payment: Payment,
  {
    verdict,
    counts,
  }: {
    readonly verdict: Extract<Verdict, { kind: 'ask_status' }>;
    readonly counts: ReconciliationCounts;
  },
): Promise<Verdict> {
  const paid: KnownState = payment.kind === 'preauth' ? 'AUTHORIZED' : 'SUCCEEDED';
  const state = payment.snapshot.state;
  const waiting =
    state === 'PENDING' || (state === 'UNKNOWN' && payment.snapshot.operation === 'register');
  const status = await statusOrNone(deps, payment, counts);
  if (status === undefined) return verdict;
  if (status.kind === 'confirmed') {
    return waiting
      ? { kind: 'heal', to: paid, reason: `PAYON status ${status.statusCode} for the same amount` }
      : { kind: 'matched' };
  }
  if (status.kind === 'other_amount') {
    // Never a confirmation, and never a failure: a difference for an operator.
    return {
      kind: 'exception',
      difference: 'amount_differs',
      detail: `${verdict.reason}; its status confirms ${status.amount.minor} ${status.amount.currency}, the payment is ${payment.amount.minor} ${payment.amount.currency}`,
    };
  }
  if (status.kind === 'cannot_tell') {
    // A txStCd this product does not know says nothing: never FAILED on it.
    return waiting
      ? { kind: 'pending' }
      : {
          kind: 'exception',
          difference: 'status_differs',
          detail: `${verdict.reason}; its status answers ${status.statusCode}, which does not confirm it`,
        };
  }
  if (waiting) {
    return deps.clock() >= failureAfter(deps, payment)
      ? {
          kind: 'heal',
          to: 'FAILED',
          reason: `${verdict.reason}; its status finds no successful transaction, and the order expired`,
        }
      : { kind: 'pending' };
  }
  return {
    kind: 'exception',
    difference: 'status_differs',
    detail: `${verdict.reason}; its status finds no successful transaction`,
  };
}
