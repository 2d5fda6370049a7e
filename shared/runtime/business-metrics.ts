/**
 * The day at a glance: business metrics, each one name with the case in a dimension of few values
 * (a change, a method, a currency, a flag, a difference; never a payment's id or reference), so
 * that a new case is a new dimension value, not a new metric. {@link BUSINESS_METRICS} lists each
 * metric's dimension sets: the code emits exactly these (test/unit/runtime/business-metrics.test.ts
 * reads the EMF lines) and the dashboard graphs exactly these (infra/monitoring.ts
 * `BUSINESS_WIDGETS`, test/infra/stack.test.ts).
 *
 * @example
 * ```ts
 * publish(metrics, paymentMeasurements({ payment, created: false, before: [], event }));
 * // EMF: payments.changes {service, change: "succeeded"}, and {service, change, method: "BAKONG_KHQR"}
 * ```
 */
import { type AttentionFlag, attentionOf } from '#shared/domain/attention.ts';
import { CURRENCY_EXPONENTS, type Currency } from '#shared/domain/money.ts';
import type { Payment } from '#shared/domain/payment.ts';
import type { PaymentMethod } from '#shared/domain/payment-method.ts';
import type { MerchantEvent, PaymentEventType } from '#shared/events/envelope.ts';

/** What happened to a payment, as the dashboard counts it: its creation, or its event's type. */
export const PAYMENT_CHANGES = [
  'created',
  'authorized',
  'succeeded',
  'captured',
  'attempt_declined',
  'failed',
  'expired',
  'cancelled',
  'refunded',
] as const;
export type PaymentChange = (typeof PAYMENT_CHANGES)[number];

/** The changes that move money at PAYON, whose amounts `payments.amount` sums. */
export const MONEY_CHANGES = [
  'authorized',
  'succeeded',
  'captured',
  'cancelled',
  'refunded',
] as const satisfies readonly PaymentChange[];
export type MoneyChange = (typeof MONEY_CHANGES)[number];

/** Each dimension and the type of its values. */
export interface BusinessDimensions {
  readonly change: PaymentChange;
  readonly method: PaymentMethod;
  readonly currency: Currency;
  readonly flag: AttentionFlag;
  /** A reconciliation difference (shared/reconciliation/compare.ts `DIFFERENCE_KINDS`). */
  readonly difference: string;
}
export type BusinessDimension = keyof BusinessDimensions;

/**
 * Every business metric: its unit and the dimension sets it is recorded under (each with the
 * stage's `service` dimension too). A data point is recorded once under each of its sets (an EMF
 * line each: CloudWatch keeps a series per set), so a graph by change and a graph by change and
 * method read the same counts.
 */
export const BUSINESS_METRICS = {
  /** A payment was created or changed as its event says (one per event, so once per change). */
  'payments.changes': { unit: 'Count', dimensionSets: [['change'], ['change', 'method']] },
  /** The amount of a money change, in the currency's units (12.5 for USD 12.50). */
  'payments.amount': { unit: 'None', dimensionSets: [['change', 'currency']] },
  /** An attention flag was raised on a payment (it had not had it before this write). */
  'payments.attention': { unit: 'Count', dimensionSets: [['flag']] },
  /** Differences a reconciliation run found, by kind (`reconciliation.exceptions` is their sum). */
  'reconciliation.differences': { unit: 'Count', dimensionSets: [['difference']] },
} as const satisfies Record<
  string,
  { unit: 'Count' | 'None'; dimensionSets: readonly (readonly BusinessDimension[])[] }
>;
export type BusinessMetric = keyof typeof BUSINESS_METRICS;

/** One data point: a metric, the values of its dimensions, a value. */
export interface Measurement {
  readonly name: BusinessMetric;
  readonly dimensions: Partial<Record<BusinessDimension, string>>;
  readonly value: number;
}

/** What Powertools' `Metrics` offers for a data point with its own dimensions. */
export interface SingleMetricSource {
  singleMetric(): SingleMetric;
}

/** A Powertools single metric: flushed (and its dimensions cleared) by each `addMetric`. */
interface SingleMetric {
  clearDimensions(): unknown;
  addDimensions(dimensions: Record<string, string>): unknown;
  addMetric(name: string, unit: 'Count' | 'None', value: number): unknown;
}

/** One single metric per source, reused: a new Powertools instance per data point costs ~0.1 ms. */
const singles = new WeakMap<SingleMetricSource, SingleMetric>();

function singleOf(metrics: SingleMetricSource): SingleMetric {
  let single = singles.get(metrics);
  if (single === undefined) {
    single = metrics.singleMetric();
    singles.set(metrics, single);
  }
  return single;
}

/**
 * Emits each measurement as EMF lines of its own, one per dimension set of its metric. Never
 * throws: a metric must not fail the write it describes.
 */
export function publish(metrics: SingleMetricSource, measurements: readonly Measurement[]): void {
  for (const { name, dimensions, value } of measurements) {
    const { unit, dimensionSets } = BUSINESS_METRICS[name];
    for (const set of dimensionSets) {
      try {
        const single = singleOf(metrics);
        single.clearDimensions();
        single.addDimensions(
          Object.fromEntries(set.map((dimension) => [dimension, dimensions[dimension] ?? 'none'])),
        );
        single.addMetric(name, unit, value);
      } catch {
        // Powertools refused it (a bad value); the payment's write stands.
      }
    }
  }
}

const CHANGE_OF: Record<PaymentEventType, PaymentChange> = {
  'payment.authorized': 'authorized',
  'payment.succeeded': 'succeeded',
  'payment.captured': 'captured',
  'payment.attempt_declined': 'attempt_declined',
  'payment.failed': 'failed',
  'payment.expired': 'expired',
  'payment.cancelled': 'cancelled',
  'payment.refunded': 'refunded',
};

const isMoneyChange = (change: PaymentChange): change is MoneyChange =>
  (MONEY_CHANGES as readonly string[]).includes(change);

/** A committed write of a payment, as the store tells its observer (shared/store/payments.ts). */
export interface PaymentWrite {
  /** The payment as written. */
  readonly payment: Payment;
  /** The write created it. */
  readonly created: boolean;
  /** Its attention flags before this write (none for a new payment). */
  readonly before: readonly AttentionFlag[];
  /** The event written with it, if the write is one a merchant is told about. */
  readonly event: MerchantEvent | undefined;
}

/** What a committed payment write measures: its change, its amount, the flags it raised. */
export function paymentMeasurements({
  payment,
  created,
  before,
  event,
}: PaymentWrite): Measurement[] {
  const out: Measurement[] = [];
  const method = payment.paymentMethod;
  const change: PaymentChange | undefined = created
    ? 'created'
    : event !== undefined && event.type in CHANGE_OF
      ? CHANGE_OF[event.type as PaymentEventType]
      : undefined;
  if (change !== undefined) {
    out.push({ name: 'payments.changes', dimensions: { change, method }, value: 1 });
  }
  if (change !== undefined && isMoneyChange(change)) {
    // A capture, and a refund or cancel after one, moves the captured amount (PAYON refunds in full
    // what it holds); anything else the payment's amount.
    const amount =
      change === 'authorized' || change === 'succeeded'
        ? payment.amount
        : (payment.capturedAmount ?? payment.amount);
    out.push({
      name: 'payments.amount',
      dimensions: { change, currency: amount.currency },
      value: amount.minor / 10 ** CURRENCY_EXPONENTS[amount.currency],
    });
  }
  for (const flag of attentionOf(payment)) {
    if (!before.includes(flag)) {
      out.push({ name: 'payments.attention', dimensions: { flag }, value: 1 });
    }
  }
  return out;
}

/** What a finished reconciliation run measures: its differences by kind. */
export function reconciliationMeasurements(
  byDifference: Readonly<Partial<Record<string, number>>>,
): Measurement[] {
  return Object.entries(byDifference).flatMap(([difference, n]) =>
    n !== undefined && n > 0
      ? [{ name: 'reconciliation.differences' as const, dimensions: { difference }, value: n }]
      : [],
  );
}
