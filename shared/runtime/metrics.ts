/**
 * Every custom metric the functions count, named once. The code that counts (`count`) and the
 * alarms that watch (infra/stack.ts) take these names as types, so a misspelt name is a compile
 * error, never an alarm that silently watches nothing. Namespace and service dimension are defined
 * here too, for the same reason.
 */
export const METRIC_NAMESPACE = 'PayonServerless';

/** The `service` dimension of one stage's metrics (Powertools' service name). */
export const metricService = (stage: string) => `payon-${stage}`;

/** Counted by name where they happen. */
export const METRIC_NAMES = [
  'events.deferred',
  'events.delivered',
  'idempotency.unsaved',
  'notifications.badToken',
  'notifications.disagreed',
  'notifications.duplicate',
  'notifications.failed',
  'notifications.forbiddenSource',
  'notifications.handoffFailed',
  'notifications.orphaned',
  'notifications.received',
  'notifications.retried',
  'payments.lateConfirmation',
  'payments.resolvedByOperator',
  'payon.amountMismatch',
  'payon.ordersUnreadable',
  'reconciliation.completed',
  'reconciliation.exceptions',
  'reconciliation.failed',
  'reconciliation.healed',
  'reconciliation.incomplete',
  'reconciliation.unanswered',
  'reconciliation.unreadable',
  'reconciliation.writeFailed',
  'sweep.skipped',
  'webhooks.endpointDisabled',
  'webhooks.errors',
  'webhooks.failed',
  'webhooks.fannedOut',
  'webhooks.gaveUp',
  'webhooks.succeeded',
  'webhooks.targetRefused',
] as const;

/**
 * Metrics with an `endpoint` dimension (a webhook endpoint's id), besides `service`: endpoints
 * exist only at run time, so the dashboard finds them with a SEARCH expression.
 * `webhooks.success` is 1 for a successful attempt and 0 for a failed one (its average is the
 * success rate); `webhooks.backlogAge` is how late, in seconds, the endpoint's oldest due
 * delivery is (also sent without the endpoint dimension, for the alarm).
 */
export const ENDPOINT_METRICS = ['webhooks.success', 'webhooks.backlogAge'] as const;
export type EndpointMetricName = (typeof ENDPOINT_METRICS)[number];

/** The dimension that names a webhook endpoint. */
export const ENDPOINT_DIMENSION = 'endpoint';

/** What the sweep counts of the payments it probed, each run (`sweep.probed`, …). */
export const SWEEP_PAYMENT_COUNTS = [
  'probed',
  'changed',
  'expired',
  'escalated',
  /** PAYON could not be asked (no answer, 5xx, garbage). */
  'unreachable',
  /** PAYON answered with a refusal: a 4xx, a result code outside 0000/9999, 401 twice. */
  'refused',
  /** Anything else went wrong with this payment (the store, an answer nothing could read). */
  'failed',
  /** Payments whose last few probes all failed (alarmed). */
  'repeatedFailures',
  'conflicts',
] as const;
export type SweepPaymentCount = (typeof SWEEP_PAYMENT_COUNTS)[number];

export type SweepMetric = `sweep.${SweepPaymentCount}`;

/** Every function's own counts: `<operation>.runs` (background), `.ok` / `.refused` / `.failed` (API). */
export type OperationMetric = `${string}.${'runs' | 'ok' | 'refused' | 'failed'}`;

export type MetricName = (typeof METRIC_NAMES)[number] | SweepMetric;

/**
 * Milliseconds of each PAYON request until its answer (or fault), one value per request: with
 * Lambda's active tracing, the part of an invocation that was PAYON's (shared/runtime/tracing.ts).
 */
export const PAYON_LATENCY_METRIC = 'payon.latency';

export interface Timer {
  addMetric(name: string, unit: 'Milliseconds', value: number): void;
}

/** Records one PAYON request's latency. */
export function payonLatency(metrics: Timer, ms: number): void {
  metrics.addMetric(PAYON_LATENCY_METRIC, 'Milliseconds', Math.round(ms * 10) / 10);
}

export interface Counter {
  addMetric(name: string, unit: 'Count', value: number): void;
}

export type MetricUnitName = 'Count' | 'Seconds';

/** A counter that can also send one metric with its own dimensions (Powertools' singleMetric). */
export interface DimensionedMetrics extends Counter {
  addMetric(name: string, unit: MetricUnitName, value: number): void;
  singleMetric(): {
    addDimension(name: string, value: string): unknown;
    addMetric(name: string, unit: MetricUnitName, value: number): unknown;
  };
}

/** One value of an endpoint's metric (with the `endpoint` dimension). */
export function endpointMetric(
  metrics: DimensionedMetrics,
  endpointId: string,
  name: EndpointMetricName,
  unit: MetricUnitName,
  value: number,
): void {
  const single = metrics.singleMetric();
  single.addDimension(ENDPOINT_DIMENSION, endpointId);
  single.addMetric(name, unit, value);
  if (name === 'webhooks.backlogAge') metrics.addMetric(name, unit, value);
}

/** Counts `value` (default 1) of the metric `name`. */
export function count(metrics: Counter, name: MetricName | OperationMetric, value = 1): void {
  metrics.addMetric(name, 'Count', value);
}
