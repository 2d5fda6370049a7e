/**
 * The status sweep (EventBridge schedule, every minute): delivers outbox events EventBridge did
 * not take, confirms pushes nothing confirmed yet, and probes payments whose state PAYON still has
 * to settle, on the schedule of `./schedule.ts`. Every change goes through the same sync code as
 * the webhook. One run does a bounded amount of work and stops before its time is up; what is
 * left is still due and is taken by the next run.
 */
import { type Payment, transition } from '#shared/domain/payment.ts';
import { ConflictError, OutcomeUnknownError, PayonUnavailableError } from '#shared/errors.ts';
import { type ConfirmDeps, confirmNotification } from '#shared/notifications/confirm.ts';
import {
  ESCALATED_PROBE_MS,
  expiryOf,
  nextProbeDelayMs,
  SCHEDULE_SPAN_MS,
} from '#shared/payments/schedule.ts';
import { SharedOrderLookup, syncPayment } from '#shared/payments/sync.ts';
import type { Dependencies } from '#shared/runtime/dependencies.ts';

export type SweepDeps = ConfirmDeps & Pick<Dependencies, 'events' | 'config'>;

export interface SweepLimits {
  /** Stop starting new work once this returns less than the margin (Lambda's remaining time). */
  readonly remainingMs: () => number;
  readonly marginMs?: number;
  readonly events?: number;
  readonly notifications?: number;
  readonly payments?: number;
  /** Payments probed at once. */
  readonly concurrency?: number;
}

export interface SweepReport {
  events: { delivered: number; failed: number };
  notifications: number;
  payments: {
    probed: number;
    changed: number;
    expired: number;
    escalated: number;
    unreachable: number;
    conflicts: number;
  };
  /** Time spent on each part, for the run's log line. */
  ms: { events: number; notifications: number; payments: number };
}

export async function runSweep(deps: SweepDeps, limits: SweepLimits): Promise<SweepReport> {
  const margin = limits.marginMs ?? 10_000;
  const hasTime = () => limits.remainingMs() > margin;
  const report: SweepReport = {
    events: { delivered: 0, failed: 0 },
    notifications: 0,
    payments: { probed: 0, changed: 0, expired: 0, escalated: 0, unreachable: 0, conflicts: 0 },
    ms: { events: 0, notifications: 0, payments: 0 },
  };
  let mark = Date.now();
  const lap = (part: keyof SweepReport['ms']) => {
    report.ms[part] = Date.now() - mark;
    mark = Date.now();
  };

  // Every run counts: the stack alarms when the sweep stops running.
  deps.metrics.addMetric('sweep.runs', 'Count', 1);
  report.events = await deps.events.drain(limits.events ?? 100);
  lap('events');

  const notifications = await deps.notifications.due(deps.clock(), limits.notifications ?? 50);
  for (const notification of notifications) {
    if (!hasTime()) break;
    await confirmNotification(deps, notification);
    report.notifications += 1;
  }
  lap('notifications');

  const due = await deps.payments.dueForSync(deps.clock(), limits.payments ?? 100);
  // One orders-list read per run for payments of the last schedule span (a day and a bit).
  const orders = new SharedOrderLookup(
    deps,
    new Date(deps.clock().getTime() - SCHEDULE_SPAN_MS - 3_600_000),
  );
  const queue = [...due];
  const worker = async () => {
    for (let payment = queue.shift(); payment; payment = queue.shift()) {
      if (!hasTime()) return;
      await probe(deps, payment, orders, report);
    }
  };
  await Promise.all(Array.from({ length: limits.concurrency ?? 4 }, worker));
  lap('payments');
  for (const [name, value] of Object.entries(report.payments)) {
    if (value > 0) deps.metrics.addMetric(`sweep.${name}`, 'Count', value);
  }
  return report;
}

async function probe(
  deps: SweepDeps,
  payment: Payment,
  orders: SharedOrderLookup,
  report: SweepReport,
): Promise<void> {
  report.payments.probed += 1;
  const expiry = expiryOf(payment, deps.config.payments.orderExpiryMinutes);
  try {
    const outcome = await syncPayment(deps, payment, { orders });
    if (outcome.changed) {
      report.payments.changed += 1;
      return;
    }
  } catch (error) {
    if (error instanceof ConflictError) {
      // Someone else moved it; its new state has its own schedule.
      report.payments.conflicts += 1;
      return;
    }
    if (!(error instanceof PayonUnavailableError || error instanceof OutcomeUnknownError)) {
      throw error;
    }
    // PAYON could not be asked: that probe counts, and the schedule goes on.
    report.payments.unreachable += 1;
  }
  await afterProbe(deps, payment, expiry, report);
}

/** Nothing new from PAYON: the next probe, or the end of the schedule. */
async function afterProbe(
  deps: SweepDeps,
  payment: Payment,
  expiry: Date,
  report: SweepReport,
): Promise<void> {
  const now = deps.clock();
  const attempts = payment.syncAttempts + 1;
  const delay = nextProbeDelayMs(attempts);
  if (delay !== undefined) {
    await deps.payments.reschedule(payment, {
      syncAttempts: attempts,
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
      nextSyncAt: undefined,
      escalatedAt: payment.escalatedAt,
    });
    return;
  }
  const neverConfirmed =
    snapshot.state === 'PENDING' ||
    (snapshot.state === 'UNKNOWN' && snapshot.operation === 'register');
  if (neverConfirmed && now >= expiry) {
    try {
      await deps.payments.update(
        transition(
          payment,
          'EXPIRED',
          'sweep',
          'PAYON confirmed nothing within the 24 h status schedule and the order is past its expiry',
          now,
        ),
      );
      report.payments.expired += 1;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      report.payments.conflicts += 1;
    }
    return;
  }
  if (neverConfirmed) {
    // Still payable (an expiry set beyond the schedule): keep asking hourly until it is not.
    await deps.payments.reschedule(payment, {
      syncAttempts: attempts,
      nextSyncAt: new Date(
        Math.min(now.getTime() + 3_600_000, Math.max(expiry.getTime(), now.getTime() + 60_000)),
      ).toISOString(),
      escalatedAt: payment.escalatedAt,
    });
    return;
  }
  // An unanswered capture, cancel or refund only PAYON can settle: an operator must look.
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
    nextSyncAt: new Date(now.getTime() + ESCALATED_PROBE_MS).toISOString(),
    escalatedAt: payment.escalatedAt ?? now.toISOString(),
  });
}
