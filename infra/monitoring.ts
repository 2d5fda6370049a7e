/**
 * What an operator is told and shown: one alarm per function error and throttle, the API's 5xx
 * rate, the custom metrics that page (`OPERATOR_METRICS`, names typed by
 * `#shared/runtime/metrics.ts`), the sweep's and reconciliation's heartbeats, the confirmation
 * dead-letter queue; all to one KMS-encrypted SNS topic; and the stage's dashboard: the business
 * at a glance (`BUSINESS_WIDGETS`, from the metrics of `#shared/runtime/business-metrics.ts`),
 * then the API and the functions.
 */
import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  type Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IWidget,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { type Subscription, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { StackConfig } from '#infra/config.ts';
import type { PayonFunction } from '#infra/constructs/payon-function.ts';
import { pascal } from '#infra/ids.ts';
import { ATTENTION_FLAGS } from '#shared/domain/attention.ts';
import { CURRENCIES } from '#shared/domain/money.ts';
import { PAYMENT_METHODS } from '#shared/domain/payment-method.ts';
import { DIFFERENCE_KINDS } from '#shared/reconciliation/compare.ts';
import {
  type BusinessDimensions,
  type BusinessMetric,
  PAYMENT_CHANGES,
} from '#shared/runtime/business-metrics.ts';
import {
  ENDPOINT_DIMENSION,
  type EndpointMetricName,
  METRIC_NAMESPACE,
  type MetricName,
  metricService,
  type OperationMetric,
} from '#shared/runtime/metrics.ts';

/** Custom metrics (Powertools, namespace PayonServerless) that page an operator at 1 or more. */
export const OPERATOR_METRICS = {
  'notifications.disagreed':
    "a PAYON push disagrees with PAYON's status (forged, or PAYON is wrong)",
  'notifications.orphaned': 'a PAYON push named no payment of ours for a day',
  'sweep.escalated':
    'PAYON has not settled a capture, cancel or refund within 24 h, or could not be asked about a payment at the end of its schedule',
  'sweep.repeatedFailures':
    'PAYON could not be asked about a payment 3 probes in a row (refused, unreachable or unreadable answers)',
  'sweep.failed':
    'the sweep could not process an event, push or payment (the store failed or an answer could not be handled); it stays due',
  'notifications.failed':
    'a push could not be confirmed for a reason other than PAYON being unreachable; it is retried on its schedule',
  'payon.amountMismatch': 'PAYON confirmed a different amount or currency than the payment',
  'payments.lateConfirmation':
    'PAYON confirmed a payment the product had concluded FAILED or EXPIRED: ship the order or refund it',
  'payments.resolvedByOperator':
    'an operator settled an unknown outcome (POST /payments/{id}/resolve): review the reason',
  'reconciliation.exceptions':
    'reconciliation found differences it could not heal (GET /reconciliations/{day}/exceptions)',
  'reconciliation.failed': 'a reconciliation run failed (its report says so; Lambda retries it)',
  'webhooks.gaveUp':
    'a merchant webhook delivery failed for 72 h and was given up (GET /webhook-endpoints/{id}/deliveries?state=failed; resend once fixed)',
  'webhooks.endpointDisabled':
    'a merchant webhook endpoint was disabled: every delivery to it failed for 72 h (POST /webhook-endpoints/{id}/enable once fixed)',
  'webhooks.errors':
    'deliver-webhooks could not fan out an event or record an attempt (the store or KMS failed); it stays due',
} as const satisfies Partial<Record<MetricName, string>>;

/** The oldest due webhook delivery of any endpoint, in seconds, above which the backlog alarms. */
export const WEBHOOK_BACKLOG_THRESHOLD_SECONDS = 900;
/** One line of a business widget: a metric and the values of its dimensions. */
export interface Series {
  readonly metric: BusinessMetric | MetricName;
  /** Exactly one of the metric's dimension sets (BUSINESS_METRICS); none for a plain count. */
  readonly dimensions: Partial<BusinessDimensions>;
  readonly label: string;
}

/** A widget of the business row: its lines (left axis, and right for another unit), per period. */
export interface BusinessWidget {
  readonly title: string;
  readonly left: readonly Series[];
  readonly right?: readonly Series[];
  /** Hours a data point sums. */
  readonly hours: number;
  /** A number for the last day instead of a graph. */
  readonly single?: boolean;
}

const changes = (
  values: readonly BusinessDimensions['change'][],
  method?: BusinessDimensions['method'],
): Series[] =>
  values.map((change) => ({
    metric: 'payments.changes',
    dimensions: method === undefined ? { change } : { change, method },
    label: method === undefined ? change : `${change} ${method}`,
  }));
const amounts = (
  values: readonly BusinessDimensions['change'][],
  currency: BusinessDimensions['currency'],
): Series[] =>
  values.map((change) => ({
    metric: 'payments.amount',
    dimensions: { change, currency },
    label: `${change} (${currency})`,
  }));

/**
 * The day at a glance, first on the dashboard: payments by state and method, amounts confirmed,
 * refunds, declined attempts, attention flags raised, push disagreements and reconciliation
 * differences. Each line is a business metric with its dimensions
 * (`#shared/runtime/business-metrics.ts`), so a test can check the code emits every one.
 */
export const BUSINESS_WIDGETS: readonly BusinessWidget[] = [
  {
    title: 'The last 24 hours',
    single: true,
    hours: 24,
    left: [
      ...changes(['created', 'succeeded', 'authorized', 'refunded', 'attempt_declined']),
      ...amounts(['succeeded', 'captured'], 'USD'),
      { metric: 'notifications.disagreed', dimensions: {}, label: 'push disagreements' },
      { metric: 'reconciliation.exceptions', dimensions: {}, label: 'reconciliation exceptions' },
    ],
  },
  {
    title: 'Payments by state (changes per hour)',
    hours: 1,
    left: changes(PAYMENT_CHANGES.filter((c) => c !== 'attempt_declined')),
  },
  {
    title: 'Payments confirmed by method',
    hours: 1,
    left: PAYMENT_METHODS.flatMap((method) => changes(['succeeded', 'authorized'], method)),
  },
  {
    title: 'Amounts confirmed',
    hours: 1,
    left: amounts(['succeeded', 'authorized', 'captured'], 'USD'),
    right: CURRENCIES.filter((c) => c !== 'USD').flatMap((currency) =>
      amounts(['succeeded', 'authorized', 'captured'], currency),
    ),
  },
  {
    title: 'Refunds and cancellations',
    hours: 1,
    left: changes(['refunded', 'cancelled']),
    right: amounts(['refunded', 'cancelled'], 'USD'),
  },
  {
    title: 'Declined attempts by method',
    hours: 1,
    left: PAYMENT_METHODS.flatMap((method) => changes(['attempt_declined'], method)),
  },
  {
    title: 'Attention flags raised',
    hours: 1,
    left: ATTENTION_FLAGS.map((flag) => ({
      metric: 'payments.attention',
      dimensions: { flag },
      label: flag,
    })),
  },
  {
    title: 'Push disagreements',
    hours: 1,
    left: [
      { metric: 'notifications.disagreed', dimensions: {}, label: 'disagreed with PAYON status' },
      { metric: 'notifications.orphaned', dimensions: {}, label: 'named no payment of ours' },
    ],
  },
  {
    title: 'Reconciliation exceptions by difference (per day)',
    hours: 24,
    left: Object.keys(DIFFERENCE_KINDS).map((difference) => ({
      metric: 'reconciliation.differences',
      dimensions: { difference },
      label: difference,
    })),
  },
];

/** API 5xx answers, as a share of requests over 5 minutes, above which the alarm fires. */
export const API_5XX_RATE_THRESHOLD = 0.05;

/** The parts of the stack its monitoring watches (infra/stack.ts passes itself). */
export interface MonitoredStack extends Construct {
  readonly config: StackConfig;
  readonly key: Key;
  readonly api: HttpApi;
  readonly functions: ReadonlyMap<string, PayonFunction>;
  readonly confirmDeadLetters: Queue;
  /** Filled with the alarm topic's subscriptions (context alarmEmail). */
  readonly alarmSubscriptions: Subscription[];
}

export function createMonitoring(stack: MonitoredStack): Topic {
  const topic = new Topic(stack, 'AlarmTopic', {
    displayName: `PAYON ${stack.config.stage} alarms`,
    masterKey: stack.key,
    enforceSSL: true,
  });
  if (stack.config.alarmEmail) {
    stack.alarmSubscriptions.push(
      topic.addSubscription(new EmailSubscription(stack.config.alarmEmail)),
    );
  }
  const action = new SnsAction(topic);
  const period = Duration.minutes(5);

  const alarms: Alarm[] = [];
  for (const [name, fn] of stack.functions) {
    const id = pascal(name);
    alarms.push(
      fn.function.metricErrors({ period }).createAlarm(stack, `${id}ErrorsAlarm`, {
        alarmDescription: `${name}: the function failed (unhandled error, timeout or crash)`,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      fn.function.metricThrottles({ period }).createAlarm(stack, `${id}ThrottlesAlarm`, {
        alarmDescription: `${name}: invocations were throttled (account concurrency exhausted)`,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }
  // The HTTP API's 5xx metric is 1 per failed request and 0 otherwise: its average is the rate.
  const serverErrorRate = stack.api.metricServerError({ period, statistic: 'Average' });
  alarms.push(
    serverErrorRate.createAlarm(stack, 'Api5xxRateAlarm', {
      alarmDescription: `API: more than ${API_5XX_RATE_THRESHOLD * 100}% of requests answered 5xx over 5 minutes`,
      threshold: API_5XX_RATE_THRESHOLD,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }),
  );
  const custom = (
    metricName: MetricName | OperationMetric | EndpointMetricName,
    at = period,
    statistic = 'Sum',
  ) =>
    new Metric({
      namespace: METRIC_NAMESPACE,
      metricName,
      dimensionsMap: { service: metricService(stack.config.stage) },
      statistic,
      period: at,
    });
  for (const [metricName, description] of Object.entries(OPERATOR_METRICS) as [
    MetricName,
    string,
  ][]) {
    alarms.push(
      custom(metricName).createAlarm(stack, `${pascal(metricName.replace('.', '-'))}Alarm`, {
        alarmDescription: `Operator: ${description} (metric ${metricName}).`,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }
  alarms.push(
    // Every sweep invocation counts itself: silence for 10 minutes means nothing is confirmed.
    custom('sync-payments.runs').createAlarm(stack, 'SweepStoppedAlarm', {
      alarmDescription:
        'The status sweep has not run for 10 minutes: payments are not being confirmed.',
      threshold: 1,
      evaluationPeriods: 2,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.BREACHING,
    }),
    // Every completed run counts itself: none for a day means the day before went unreconciled.
    custom('reconciliation.completed', Duration.days(1)).createAlarm(
      stack,
      'ReconciliationMissingAlarm',
      {
        alarmDescription:
          'No reconciliation completed in the last day: POST /reconciliations reruns a day ' +
          '(also in alarm on a new stack until its first daily run).',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.BREACHING,
      },
    ),
    // Every run counts itself: none for 10 minutes means no webhook goes out.
    custom('deliver-webhooks.runs').createAlarm(stack, 'WebhooksStoppedAlarm', {
      alarmDescription:
        'deliver-webhooks has not run for 10 minutes: no merchant webhook is being delivered.',
      threshold: 1,
      evaluationPeriods: 2,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.BREACHING,
    }),
    custom('webhooks.backlogAge', period, 'Maximum').createAlarm(stack, 'WebhooksBacklogAlarm', {
      alarmDescription: `A merchant webhook endpoint's oldest due delivery has waited more than ${WEBHOOK_BACKLOG_THRESHOLD_SECONDS / 60} minutes past its time for 15 minutes (a slow or flooded endpoint; the dashboard's backlog widget names it).`,
      threshold: WEBHOOK_BACKLOG_THRESHOLD_SECONDS,
      evaluationPeriods: 3,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }),
    custom('events.deferred').createAlarm(stack, 'EventsDeferredAlarm', {
      alarmDescription:
        'EventBridge refused merchant events for 15 minutes; they wait in the outbox (nothing lost).',
      threshold: 1,
      evaluationPeriods: 3,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }),
    stack.confirmDeadLetters
      .metricApproximateNumberOfMessagesVisible({ period })
      .createAlarm(stack, 'ConfirmDeadLettersAlarm', {
        alarmDescription:
          'Queued pushes failed confirmation 5 times (still stored; the sweep retries them).',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
  );
  for (const alarm of alarms) alarm.addAlarmAction(action);

  const fns = [...stack.functions.values()].map((f) => f.function);
  // Webhook endpoints exist only at run time: the widgets find them by the endpoint dimension.
  const search = (
    metric: EndpointMetricName,
    statistic: string,
    expression: (s: string) => string,
    label: string,
  ) =>
    new MathExpression({
      expression: expression(
        `SEARCH('{${METRIC_NAMESPACE},${ENDPOINT_DIMENSION},service} service="${metricService(stack.config.stage)}" MetricName="${metric}"', '${statistic}', ${period.toSeconds()})`,
      ),
      usingMetrics: {},
      label,
      period,
    });
  const line = (series: Series, hours: number) =>
    new Metric({
      namespace: METRIC_NAMESPACE,
      metricName: series.metric,
      dimensionsMap: { service: metricService(stack.config.stage), ...series.dimensions },
      statistic: 'Sum',
      period: Duration.hours(hours),
      label: series.label,
    });
  const business: IWidget[] = BUSINESS_WIDGETS.map((w) =>
    w.single
      ? new SingleValueWidget({
          title: w.title,
          metrics: w.left.map((s) => line(s, w.hours)),
          width: 24,
          height: 3,
        })
      : new GraphWidget({
          title: w.title,
          left: w.left.map((s) => line(s, w.hours)),
          right: (w.right ?? []).map((s) => line(s, w.hours)),
          width: 8,
          height: 6,
        }),
  );
  new Dashboard(stack, 'Dashboard', {
    dashboardName: `payon-${stack.config.stage}`,
    widgets: [
      [
        new TextWidget({
          markdown: `# PAYON ${stack.config.stage}\nThe business first (payments, amounts, refunds, declines, attention, pushes, reconciliation), then the API and the functions. Alarms go to the topic in the stack outputs.`,
          width: 24,
          height: 2,
        }),
      ],
      business.slice(0, 1),
      business.slice(1, 4),
      business.slice(4, 7),
      business.slice(7),
      [
        new GraphWidget({
          title: 'API requests and errors',
          left: [
            stack.api.metricCount({ period }),
            stack.api.metricClientError({ period }),
            stack.api.metricServerError({ period }),
          ],
          width: 12,
        }),
        new GraphWidget({
          title: 'API latency (p99)',
          left: [stack.api.metricLatency({ period, statistic: 'p99' })],
          width: 12,
        }),
      ],
      [
        new GraphWidget({
          title: 'Function errors',
          left: fns.map((f) => f.metricErrors({ period })),
          width: 8,
        }),
        new GraphWidget({
          title: 'Function throttles',
          left: fns.map((f) => f.metricThrottles({ period })),
          width: 8,
        }),
        new GraphWidget({
          title: 'Function duration (p99)',
          left: fns.map((f) => f.metricDuration({ period, statistic: 'p99' })),
          width: 8,
        }),
      ],
      [
        new GraphWidget({
          title: 'Webhook success rate per endpoint (%)',
          left: [search('webhooks.success', 'Average', (e) => `100 * ${e}`, 'success %')],
          leftYAxis: { min: 0, max: 100 },
          width: 8,
        }),
        new GraphWidget({
          title: 'Webhook attempts per endpoint',
          left: [search('webhooks.success', 'SampleCount', (e) => e, 'attempts')],
          width: 8,
        }),
        new GraphWidget({
          title: 'Webhook backlog age per endpoint (s past due)',
          left: [search('webhooks.backlogAge', 'Maximum', (e) => e, 'backlog age')],
          width: 8,
        }),
      ],
    ],
  });
  return topic;
}
