/**
 * Starting a reconciliation run without waiting for it: the API answers 202 and the run happens in
 * the reconcile-day function (in AWS a request event on the stage's bus, which a rule hands to
 * reconcile-day: ./eventbridge-starter.ts; an in-process call locally).
 * Also which day a run is for: the one named, or for the daily schedule the Cambodian business day
 * that ended before the schedule fired.
 */

import { cambodiaDay, dayBefore } from '#shared/domain/business-day.ts';
import { InvalidRequestError } from '#shared/errors.ts';

export interface ReconciliationStarter {
  /** Hands the run of `day` over; resolves once it is accepted, not when it is done. */
  start(day: string): Promise<void>;
}

/** The payload the reconcile-day function takes from the API (the schedule sends its own event). */
export interface ReconcileRequest {
  readonly day: string;
}

/**
 * The request event's source and detail type: the stage's rule matches exactly these and hands
 * reconcile-day the event's detail (a {@link ReconcileRequest}); start-reconciliation may put
 * events with these alone. Not `payon.serverless`: no merchant event, so neither the archive nor a
 * merchant's rule for PAYON's events takes it.
 */
export const RECONCILE_REQUEST = {
  source: 'payon.serverless.internal',
  detailType: 'Reconciliation requested',
} as const;

/**
 * The daily run's hour, UTC: 18:00 UTC is 01:00 in Cambodia, an hour into the next business day,
 * so late answers of the day before have landed (the stack's schedule and `npm start` use it).
 */
export const RECONCILIATION_HOUR_UTC = 18;

/** The earliest day a run may be asked for. */
export const FIRST_DAY = '2020-01-01';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The reason `day` cannot be reconciled at `now`, or undefined when it can. */
export function dayProblem(day: string, now: Date): string | undefined {
  const match = DAY.exec(day);
  const date = new Date(`${day}T00:00:00Z`);
  if (!match || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== day) {
    return 'must be a date such as 2026-11-21';
  }
  if (day < FIRST_DAY) return `must not be before ${FIRST_DAY}`;
  if (day > cambodiaDay(now)) return 'must not be after today in Cambodia (UTC+7)';
  return undefined;
}

/**
 * The day a reconcile-day invocation is for: `{ day }` from the API, or an EventBridge scheduled
 * event (its `time`), which reconciles the Cambodian day before. Anything else is refused.
 */
export function dayToReconcile(event: unknown, now: Date): string {
  const record = (typeof event === 'object' && event !== null ? event : {}) as Record<
    string,
    unknown
  >;
  if (record['detail-type'] === 'Scheduled Event') {
    const time = typeof record.time === 'string' ? new Date(record.time) : now;
    return dayBefore(Number.isNaN(time.getTime()) ? now : time);
  }
  const day = typeof record.day === 'string' ? record.day : '';
  const problem = dayProblem(day, now);
  if (problem) throw new InvalidRequestError([{ field: 'day', reason: problem }]);
  return day;
}
