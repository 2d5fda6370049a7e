/**
 * Every cdk-nag finding this stack accepts, with why, in one place. The infra tests fail on a
 * suppression without a specific reason and on any `acknowledge(` outside this file.
 */
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { PayonStack } from '#infra/stack.ts';

export interface NagSuppression {
  /** The rule (or `Rule[finding]`) id as cdk-nag reports it. */
  readonly id: string;
  readonly reason: string;
  /** The constructs it applies to (and their children); empty when the finding cannot occur. */
  readonly targets: (stack: PayonStack) => readonly IConstruct[];
}

const functions = (stack: PayonStack) => [...stack.functions.values()];

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
      'network-interface actions: neither supports resource-level permissions. Table, secret and key ' +
      'statements name their exact ARNs.',
    targets: (stack) => functions(stack).map((fn) => fn.policy),
  },
  {
    id: 'AwsSolutions-APIG4',
    reason:
      "GET /return is where PAYON sends the customer's browser back after paying: it carries no " +
      'credentials by design, reads one payment by id and only redirects to that payment’s own ' +
      'allowlisted returnUrl (functions/routes.ts access "public").',
    targets: (stack) => stack.publicRoutes,
  },
  {
    id: 'Serverless-LambdaDLQ',
    reason:
      'These functions are invoked synchronously by API Gateway: the caller receives the error, and a ' +
      'dead-letter queue only ever receives failed asynchronous invocations, which never happen here.',
    targets: (stack) => functions(stack).map((fn) => fn.function),
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

export function applyNagSuppressions(stack: PayonStack): void {
  for (const suppression of NAG_SUPPRESSIONS) {
    for (const target of suppression.targets(stack)) {
      Validations.of(target).acknowledge({ id: suppression.id, reason: suppression.reason });
    }
  }
}
