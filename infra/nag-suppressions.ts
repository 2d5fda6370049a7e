/**
 * Every cdk-nag finding this stack accepts, with why, in one place. The infra tests fail on a
 * suppression without a specific reason and on any `acknowledge(` outside this file.
 */
import { Validations } from 'aws-cdk-lib';
import type { HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Rule } from 'aws-cdk-lib/aws-events';
import type { EventSourceMapping } from 'aws-cdk-lib/aws-lambda';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Subscription } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { deliverWebhooksFunction } from '#functions/deliver-webhooks/background.ts';
import { BACKGROUND_FUNCTIONS, ROUTES } from '#functions/index.ts';
import { reconcileDayFunction } from '#functions/reconcile-day/background.ts';
import { syncPaymentsFunction } from '#functions/sync-payments/background.ts';
import type { PayonFunction } from '#infra/constructs/payon-function.ts';
import type { RouteAccess } from '#shared/runtime/descriptor.ts';

/** What the suppressions point at: the parts of the stack they name (infra/stack.ts passes itself). */
export interface NaggedStack extends IConstruct {
  readonly functions: ReadonlyMap<string, PayonFunction>;
  readonly publicRoutes: readonly HttpRoute[];
  readonly merchantSecret: Secret;
  readonly sweepSchedule: Rule;
  readonly reconcileSchedule: Rule;
  readonly reconcileRequests: Rule;
  readonly webhookSchedule: Rule;
  readonly webhookTrigger: Rule;
  readonly confirmDeadLetters: Queue;
  readonly confirmQueueSource: EventSourceMapping;
  readonly vpc: IConstruct | undefined;
  readonly alarmSubscriptions: readonly Subscription[];
}

export interface NagSuppression {
  /** The rule (or `Rule[finding]`) id as cdk-nag reports it. */
  readonly id: string;
  readonly reason: string;
  /** The constructs it applies to (and their children); empty when the finding cannot occur. */
  readonly targets: (stack: NaggedStack) => readonly IConstruct[];
}

const functions = (stack: NaggedStack) => [...stack.functions.values()];

/** The functions behind API routes (API Gateway invokes them synchronously). */
const routeFunctions = (stack: NaggedStack) =>
  functions(stack).filter((fn) => ROUTES.some((r) => r.function === fn.operation));

/** The background function fed by this trigger. */
const background = (stack: NaggedStack, trigger: 'queue' | 'schedule') =>
  functions(stack).filter((fn) =>
    BACKGROUND_FUNCTIONS.some((b) => b.trigger === trigger && b.function === fn.operation),
  );

/** One function by name (the synth stops if it is missing). */
const fn = (stack: NaggedStack, name: string) => {
  const found = stack.functions.get(name);
  if (!found) throw new Error(`no function ${name}`);
  return found.function;
};

/** The unauthorized routes of one access level. */
const routesOf = (stack: NaggedStack, access: RouteAccess) =>
  stack.publicRoutes.filter((route) =>
    ROUTES.some((r) => r.access === access && r.path === route.path),
  );

export const NAG_SUPPRESSIONS: readonly NagSuppression[] = [
  {
    id: 'AwsSolutions-SMG4',
    reason:
      'The merchant secret holds credentials PAYON issues (merchant id, API key, keys); PAYON has no ' +
      'API to rotate them, so there is nothing a rotation Lambda could call. The merchant rotates by ' +
      'writing the new value (docs/configuration.md); functions reload it within the cache TTL or on a 401.',
    targets: (stack) => [stack.merchantSecret],
  },
  {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'Only for xray:PutTraceSegments/PutTelemetryRecords and, with fixed egress, the Lambda VPC ' +
      'network-interface actions: neither supports resource-level permissions. Table, index, secret, ' +
      'queue, event bus and key statements name their exact ARNs.',
    targets: (stack) => functions(stack).map((fn) => fn.policy),
  },
  {
    id: 'AwsSolutions-APIG4',
    reason:
      "GET /return is where PAYON sends the customer's browser back after paying: it carries no " +
      'credentials by design, reads one payment by id and only redirects to that payment’s own ' +
      'allowlisted returnUrl (functions/payment-return/route.ts access "public").',
    targets: (stack) => routesOf(stack, 'public'),
  },
  {
    id: 'AwsSolutions-APIG4',
    reason:
      'POST /payon/notifications/{token} is where PAYON pushes payment results: PAYON sends no ' +
      'credentials an authorizer could check. The function compares the secret token in the path ' +
      'with the merchant secret in constant time (and the source address with notifySourceCidrs ' +
      'when set), and only stores and queues the push: its status is then confirmed by asking PAYON.',
    targets: (stack) => routesOf(stack, 'payon'),
  },
  {
    id: 'Serverless-LambdaDLQ',
    reason:
      'These functions are invoked synchronously by API Gateway: the caller receives the error, and a ' +
      'dead-letter queue only ever receives failed asynchronous invocations, which never happen here.',
    targets: (stack) => routeFunctions(stack).map((fn) => fn.function),
  },
  {
    id: 'Serverless-LambdaDLQ',
    reason:
      'confirm-notification is invoked synchronously by its SQS event source: a message it fails ' +
      'returns to the queue, and after 5 receives SQS moves it to ConfirmDeadLetters (the redrive ' +
      'policy), which alarms. A function dead-letter queue would never receive anything.',
    targets: (stack) => background(stack, 'queue').map((fn) => fn.function),
  },
  {
    id: 'Serverless-LambdaDLQ',
    reason:
      'sync-payments is invoked by the one-minute schedule with an event that carries no data: a ' +
      'failed run has nothing to replay, the next run takes everything still due, and failures ' +
      'raise its Errors alarm and, if runs stop, SweepStoppedAlarm.',
    targets: (stack) => [fn(stack, syncPaymentsFunction.function)],
  },
  {
    id: 'Serverless-LambdaDLQ',
    reason:
      'reconcile-day is invoked asynchronously with one day (the daily schedule, or the request ' +
      'rule for POST /reconciliations) and retried twice by Lambda. A failed run leaves its report saying ' +
      '`failed` (GET /reconciliations/{day}), counts reconciliation.failed (alarmed) and raises its ' +
      'Errors alarm; the day is rerun with POST /reconciliations. A queue holding `{day}` would add ' +
      'nothing the report does not show.',
    targets: (stack) => [fn(stack, reconcileDayFunction.function)],
  },
  {
    id: 'Serverless-EventBusDLQ',
    reason:
      'The sweep schedule target delivers an empty "run now" event every minute: an undelivered one ' +
      'has nothing to replay (the next run a minute later does the same work), and runs that stop ' +
      'raise SweepStoppedAlarm (metric sync-payments.runs). A queue of such events would hold nothing useful.',
    targets: (stack) => [stack.sweepSchedule],
  },
  {
    id: 'Serverless-LambdaDLQ',
    reason:
      'deliver-webhooks is invoked by its one-minute schedule and by each merchant event on the bus, ' +
      'with events it never reads: the outbox and the deliveries in DynamoDB are the source, so a ' +
      'failed run has nothing to replay and the next run takes all that is due. Failures raise its ' +
      'Errors alarm, WebhooksErrorsAlarm and, if runs stop, WebhooksStoppedAlarm.',
    targets: (stack) => [fn(stack, deliverWebhooksFunction.function)],
  },
  {
    id: 'Serverless-EventBusDLQ',
    reason:
      'The webhook schedule and trigger deliver "run now" to deliver-webhooks (it reads the outbox, ' +
      "not the event): an undelivered one loses nothing (the next minute's run takes everything due), " +
      'and runs that stop raise WebhooksStoppedAlarm (metric deliver-webhooks.runs).',
    targets: (stack) => [stack.webhookSchedule, stack.webhookTrigger],
  },
  {
    id: 'Serverless-LambdaAsyncFailureDestination',
    reason:
      'deliver-webhooks is invoked asynchronously by its schedule and the bus rule with no Lambda ' +
      'retries and events it does not read: a failed run has nothing to send anywhere; what it did ' +
      'not deliver stays due in DynamoDB, and its Errors alarm and WebhooksStoppedAlarm report it.',
    targets: (stack) => [fn(stack, deliverWebhooksFunction.function)],
  },
  {
    id: 'Serverless-EventBusDLQ',
    reason:
      'The daily reconciliation target delivers only "reconcile the day before now": an ' +
      'undelivered one is caught by ReconciliationMissingAlarm (no reconciliation.completed in a ' +
      'day), and the day is rerun with POST /reconciliations.',
    targets: (stack) => [stack.reconcileSchedule],
  },
  {
    id: 'Serverless-EventBusDLQ',
    reason:
      'The reconciliation request target delivers only `{ day }` from POST /reconciliations, retried ' +
      'twice within 6 hours as the schedule is: an undelivered one leaves the day without a new ' +
      'report (GET /reconciliations/{day} shows the run never started), and the day is asked for ' +
      'again. A queue holding `{ day }` would add nothing the report does not show.',
    targets: (stack) => [stack.reconcileRequests],
  },
  {
    id: 'Serverless-LambdaAsyncFailureDestination',
    reason:
      'The sweep is invoked asynchronously only by its schedule, with an empty event and no Lambda ' +
      'retries: a failed run has nothing to send anywhere, the next run a minute later takes all ' +
      'that is still due, and its Errors alarm and SweepStoppedAlarm report failures.',
    targets: (stack) => [fn(stack, syncPaymentsFunction.function)],
  },
  {
    id: 'Serverless-LambdaAsyncFailureDestination',
    reason:
      'A failed reconcile-day run is recorded where an operator looks: its report says `failed`, ' +
      'reconciliation.failed and the Errors alarm fire, and ReconciliationMissingAlarm fires if no ' +
      'run completes in a day. The event holds only the day, which the report already names.',
    targets: (stack) => [fn(stack, reconcileDayFunction.function)],
  },
  {
    id: 'Serverless-SQSRedrivePolicy',
    reason:
      'ConfirmDeadLetters is itself the dead-letter queue of ConfirmQueue: a redrive from it would ' +
      'need a third queue nobody reads. Messages are kept 14 days, ConfirmDeadLettersAlarm fires on ' +
      'the first one, and the pushes they name stay due in the sweep index anyway.',
    targets: (stack) => [stack.confirmDeadLetters],
  },
  {
    id: 'Serverless-LambdaEventSourceMappingDestination',
    reason:
      'Lambda supports on-failure destinations only for stream and Kafka event sources, not SQS: for ' +
      'an SQS source the failure destination is the queue’s own redrive policy (ConfirmQueue to ' +
      'ConfirmDeadLetters after 5 receives), which the stack configures and alarms on.',
    targets: (stack) => [stack.confirmQueueSource],
  },
  {
    id: 'PCI.DSS.321-LambdaInsideVPC',
    reason:
      'Fixed egress is off (context fixedEgress=false, the default): the functions reach only AWS APIs ' +
      'over TLS and PAYON over the internet, hold no network-reachable resources, and a VPC would add a ' +
      'NAT gateway (about USD 32/month). Set fixedEgress=true to run them in private subnets.',
    targets: (stack) => (stack.vpc ? [] : functions(stack).map((fn) => fn.function)),
  },
  {
    id: 'PCI.DSS.321-VPCDefaultSecurityGroupClosed',
    reason:
      "Nothing is attached to the VPC's default security group: the functions use their own group " +
      'that allows only outbound HTTPS and the PAYON port. Closing it needs a custom-resource Lambda.',
    targets: (stack) => (stack.vpc ? [stack.vpc] : []),
  },
  {
    id: 'PCI.DSS.321-VPCNoUnrestrictedRouteToIGW',
    reason:
      'The public subnets exist only for the NAT gateway, whose Elastic IP is the fixed egress PAYON ' +
      'allowlists; a NAT gateway needs a default route to the internet gateway. No function runs there.',
    targets: (stack) => (stack.vpc ? [stack.vpc] : []),
  },
  {
    id: 'PCI.DSS.321-IAMNoInlinePolicy',
    reason:
      "CDK generates the VPC flow-log delivery role's inline policy: write to its one encrypted log " +
      'group and pass itself to the flow-log service; it is attached to no other principal.',
    targets: (stack) => (stack.vpc ? [stack.vpc.node.findChild('FlowLog')] : []),
  },
  {
    id: 'Serverless-SNSRedrivePolicy',
    reason:
      'The only subscription is the optional alarm e-mail: SNS retries e-mail delivery itself and ' +
      'counts failures (NumberOfNotificationsFailed); a dead-letter queue would hold alarm copies ' +
      'nobody reads. The alarm state itself stays visible in CloudWatch.',
    targets: (stack) => stack.alarmSubscriptions,
  },
];

export function applyNagSuppressions(stack: NaggedStack): void {
  for (const suppression of NAG_SUPPRESSIONS) {
    for (const target of suppression.targets(stack)) {
      Validations.of(target).acknowledge({ id: suppression.id, reason: suppression.reason });
    }
  }
}
