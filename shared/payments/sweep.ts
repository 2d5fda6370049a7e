/**
 * The status sweep (EventBridge schedule, every minute): delivers outbox events EventBridge did
 * not take, confirms pushes nothing confirmed yet, and probes payments whose state PAYON still has
 * to settle, on the schedule of `./schedule.ts`. Every change goes through the same sync code as
 * the webhook. One run does a bounded amount of work and stops before its time is up; what is
 * left is still due and is taken by the next run.
 *
 * Each event, push and payment is its own unit of work: one that fails (PAYON refuses a read,
 * answers garbage, the store throws) is counted, backed off on its own schedule, alarmed when it
 * keeps failing, and the run goes on with the next.
 */

import { randomUUID } from 'node:crypto';
import { type Payment, transition } from '#shared/domain/payment.ts';
import { ConflictError } from '#shared/errors.ts';
import { type ConfirmDeps, confirmNotification } from '#shared/notifications/confirm.ts';
import {
  ESCALATED_PROBE_MS,
  expiryOf,
  nextProbeDelayMs,
  SCHEDULE_SPAN_MS,
} from '#shared/payments/schedule.ts';
import { SharedOrderLookup, syncPayment } from '#shared/payments/sync.ts';
import { payonReadOutcome } from '#shared/payon/outcome.ts';
import type { Dependencies } from '#shared/runtime/dependencies.ts';
import { describeError } from '#shared/runtime/describe-error.ts';
import { count, SWEEP_PAYMENT_COUNTS, type SweepPaymentCount } from '#shared/runtime/metrics.ts';

export type SweepDeps = ConfirmDeps & Pick<Dependencies, 'events' | 'config' | 'leases'>;

/**
 * How long one run may hold the sweep (the function's timeout). Runs do not overlap: a run that
 * finds the lease held by another skips (`sweep.skipped`). A lease in DynamoDB rather than reserved
 * concurrency 1: it also holds for `npm start`, a manual invoke and EventBridge delivering one
 * schedule twice, takes nothing from the account's concurrency pool, and a throttled invoke would
 * be retried for hours by Lambda's asynchronous queue.
 */
export const SWEEP_LEASE_MS = 120_000;

export interface SweepLimits {
  /** Stop starting new work once this returns less than the margin (Lambda's remaining time). */
  readonly remainingMs: () => number;
  readonly marginMs?: number;
  readonly events?: number;
  readonly notifications?: number;
  readonly payments?: number;
  /** Payments probed at once. */
  readonly concurrency?: number;
  /** Who holds the sweep's lease (the invocation's request id). */
  readonly holder?: string;
}

/** Failed probes in a row after which each further failure is alarmed (`sweep.repeatedFailures`). */
export const REPEATED_FAILURES = 3;

export interface SweepReport {
  /** Another run held the sweep: this one did nothing. */
  skipped: boolean;
  events: { delivered: number; failed: number; errors: number };
  notifications: { confirmed: number; failed: number };
  /** See SWEEP_PAYMENT_COUNTS; {@link REPEATED_FAILURES} failed probes in a row count as repeated. */
  payments: Record<SweepPaymentCount, number>;
  /** Time spent on each part, for the run's log line. */
  ms: { events: number; notifications: number; payments: number };
}

export async function runSweep(deps: SweepDeps, limits: SweepLimits): Promise<SweepReport> {
  const margin = limits.marginMs ?? 10_000;
  const hasTime = () => limits.remainingMs() > margin;
  const report: SweepReport = {
    skipped: false,
    events: { delivered: 0, failed: 0, errors: 0 },
    notifications: { confirmed: 0, failed: 0 },
    payments: Object.fromEntries(SWEEP_PAYMENT_COUNTS.map((name) => [name, 0])) as Record<
      SweepPaymentCount,
      number
    >,
    ms: { events: 0, notifications: 0, payments: 0 },
  };
  const holder = limits.holder ?? randomUUID();
  if (!(await deps.leases.acquire('sweep', { holder, now: deps.clock(), ms: SWEEP_LEASE_MS }))) {
    count(deps.metrics, 'sweep.skipped');
    return { ...report, skipped: true };
  }
  try {
    return await sweep(deps, { limits, report, hasTime });
  } finally {
    await deps.leases.release('sweep', holder).catch((error: unknown) =>
      // It expires by itself; the next run after that takes it.
      deps.logger.warn('the sweep lease could not be given back', { error: describeError(error) }),
    );
  }
}

async function sweep(
  deps: SweepDeps,
  {
    limits,
    report,
    hasTime,
  }: {
    readonly limits: SweepLimits;
    readonly report: SweepReport;
    readonly hasTime: () => boolean;
  },
): Promise<SweepReport> {
  let mark = Date.now();
  const lap = (part: keyof SweepReport['ms']) => {
    report.ms[part] = Date.now() - mark;
    mark = Date.now();
  };

  try {
    report.events = { ...(await deps.events.drain(limits.events ?? 100)), errors: 0 };
  } catch (error) {
    // The outbox could not be read or marked: the events stay due; pushes and payments go on.
    report.events.errors += 1;
    deps.logger.error('the outbox could not be drained; its events stay due', {
      error: describeError(error),
    });
  }
  lap('events');

  const notifications = await dueOrNone(deps, 'notifications', () =>
    deps.notifications.due(deps.clock(), limits.notifications ?? 50),
  );
  for (const notification of notifications) {
    if (!hasTime()) break;
    try {
      await confirmNotification(deps, notification);
      report.notifications.confirmed += 1;
    } catch (error) {
      // Its store write failed too (confirmNotification backs off every other failure itself).
      report.notifications.failed += 1;
      deps.logger.error('a push could not be confirmed; it stays due', {
        notificationId: notification.id,
        error: describeError(error),
      });
    }
  }
  lap('notifications');

  const due = await dueOrNone(deps, 'payments', () =>
    deps.payments.dueForSync(deps.clock(), limits.payments ?? 100),
  );
  // One orders-list read per run for payments of the last schedule span (a day and a bit).
  const orders = new SharedOrderLookup(
    deps,
    new Date(deps.clock().getTime() - SCHEDULE_SPAN_MS - 3_600_000),
  );
  const queue = [...due];
  const worker = async () => {
    for (let payment = queue.shift(); payment; payment = queue.shift()) {
      if (!hasTime()) return;
      await probe(deps, payment, { orders, report });
    }
  };
  await Promise.all(Array.from({ length: limits.concurrency ?? 4 }, worker));
  lap('payments');
  for (const name of SWEEP_PAYMENT_COUNTS) {
    const value = report.payments[name];
    if (value > 0 && name !== 'failed') count(deps.metrics, `sweep.${name}`, value);
  }
  // One count of every unit of work that failed for a reason other than PAYON.
  const failures = report.payments.failed + report.events.errors + report.notifications.failed;
  if (failures > 0) count(deps.metrics, 'sweep.failed', failures);
  return report;
}

/** The due items of one part, or none when the store cannot list them (the other parts go on). */
async function dueOrNone<T>(deps: SweepDeps, part: string, list: () => Promise<T[]>): Promise<T[]> {
  try {
    return await list();
  } catch (error) {
    count(deps.metrics, 'sweep.failed');
    deps.logger.error(`the due ${part} could not be listed`, { error: describeError(error) });
    return [];
  }
}

type Failure = 'unreachable' | 'refused' | 'failed';

function kindOf(error: unknown): Failure {
  // A read moves no money: a refusal is a refusal, after a 401 retry too.
  const outcome = payonReadOutcome(error);
  if (outcome === undefined) return 'failed';
  return outcome === 'refused' ? 'refused' : 'unreachable';
}

async function probe(
  deps: SweepDeps,
  payment: Payment,
  { orders, report }: { readonly orders: SharedOrderLookup; readonly report: SweepReport },
): Promise<void> {
  report.payments.probed += 1;
  const expiry = expiryOf(payment, deps.config.payments.orderExpiryMinutes);
  let failed = false;
  // A sync that changed nothing may still have written a finding (amount_mismatch): reschedule
  // the version it wrote.
  let seen = payment;
  try {
    const outcome = await syncPayment(deps, payment, { orders });
    seen = outcome.payment;
    if (outcome.changed) {
      report.payments.changed += 1;
      return;
    }
    if (outcome.unread) {
      // PAYON's status answered but its orders list did not: nothing concluded, a failed probe.
      failed = true;
      report.payments[outcome.unread === 'refused' ? 'refused' : 'unreachable'] += 1;
    }
  } catch (error) {
    if (error instanceof ConflictError) {
      // Someone else moved it; its new state has its own schedule.
      report.payments.conflicts += 1;
      return;
    }
    // PAYON could not be asked, refused, or something failed: this probe counts as made (the
    // schedule backs off), nothing is concluded from it, and the next payment is probed.
    failed = true;
    const kind = kindOf(error);
    report.payments[kind] += 1;
    deps.logger.warn('a status probe failed; the payment keeps its schedule', {
      txId: payment.txId,
      failure: kind,
      error: describeError(error),
    });
  }
  try {
    await afterProbe(deps, seen, { expiry, report, failed });
  } catch (error) {
    // Not rescheduled (the store failed): the payment is still due and taken by the next run.
    report.payments.failed += 1;
    deps.logger.error('a probed payment could not be rescheduled', {
      txId: payment.txId,
      error: describeError(error),
    });
  }
}

/** Nothing new from PAYON: the next probe, or the end of the schedule. */
async function afterProbe(
  deps: SweepDeps,
  payment: Payment,
  {
    expiry,
    report,
    failed,
  }: { readonly expiry: Date; readonly report: SweepReport; readonly failed: boolean },
): Promise<void> {
  const now = deps.clock();
  const attempts = payment.syncAttempts + 1;
  const syncFailures = failed ? payment.syncFailures + 1 : 0;
  if (syncFailures >= REPEATED_FAILURES) {
    report.payments.repeatedFailures += 1;
    deps.logger.error('PAYON could not be asked about this payment several times in a row', {
      txId: payment.txId,
      failures: syncFailures,
      state: payment.snapshot.state,
    });
  }
  const delay = nextProbeDelayMs(attempts);
  if (delay !== undefined) {
    await deps.payments.reschedule(payment, {
      syncAttempts: attempts,
      syncFailures,
      nextSyncAt: new Date(now.getTime() + delay).toISOString(),
      escalatedAt: payment.escalatedAt,
    });
    return;
  }
  const { snapshot } = payment;
  if (snapshot.state === 'FAILED' || snapshot.state === 'EXPIRED') {
    // Still asked hourly for a late confirmation until the schedule ends, then left alone.
    await deps.payments.reschedule(payment, {
      syncAttempts: attempts,
      syncFailures,
      nextSyncAt: undefined,
      escalatedAt: payment.escalatedAt,
    });
    return;
  }
  const neverConfirmed =
    snapshot.state === 'PENDING' ||
    (snapshot.state === 'UNKNOWN' && snapshot.operation === 'register');
  // Expired only on PAYON's answers: a payment whose last probe failed goes to an operator.
  if (neverConfirmed && now >= expiry && syncFailures === 0) {
    try {
      await deps.payments.update(
        transition(payment, {
          to: 'EXPIRED',
          source: 'sweep',
          reason:
            'PAYON confirmed nothing within the 24 h status schedule and the order is past its expiry',
          now,
        }),
      );
      report.payments.expired += 1;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      report.payments.conflicts += 1;
    }
    return;
  }
  if (neverConfirmed && now < expiry) {
    // Still payable (an expiry set beyond the schedule): keep asking hourly until it is not.
    await deps.payments.reschedule(payment, {
      syncAttempts: attempts,
      syncFailures,
      nextSyncAt: new Date(
        Math.min(now.getTime() + 3_600_000, Math.max(expiry.getTime(), now.getTime() + 60_000)),
      ).toISOString(),
      escalatedAt: payment.escalatedAt,
    });
    return;
  }
  // An unanswered capture, cancel or refund only PAYON can settle, or a payment PAYON could not
  // be asked about at the end of its schedule: an operator must look.
  if (payment.escalatedAt === undefined) {
    report.payments.escalated += 1;
    deps.logger.error('PAYON has not settled this payment within 24 h; an operator must check it', {
      txId: payment.txId,
      state: snapshot.state,
      ...(snapshot.state === 'UNKNOWN' ? { operation: snapshot.operation } : {}),
    });
  }
  await deps.payments.reschedule(payment, {
    syncAttempts: attempts,
    syncFailures,
    nextSyncAt: new Date(now.getTime() + ESCALATED_PROBE_MS).toISOString(),
    escalatedAt: payment.escalatedAt ?? now.toISOString(),
  });
}
