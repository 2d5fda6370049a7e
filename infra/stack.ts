/**
 * This repo's deployable stack: one stage of PAYON Serverless (`cdk deploy -c stage=…`), which is
 * the `PayonPayments` construct (`infra/payments.ts`) and nothing else. A merchant with a CDK app
 * of its own puts the construct in its own stack instead.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { StackConfig } from '#infra/config.ts';
import { PayonPayments } from '#infra/payments.ts';

export {
  ACCESS_LOG_FIELDS,
  CONFIRM_MAX_RECEIVES,
  MONEY_FUNCTIONS,
  RECONCILE_RETRIES,
  SWEEP_RATE,
} from '#infra/payments.ts';

export interface PayonStackProps extends StackProps {
  readonly config: StackConfig;
}

export class PayonStack extends Stack {
  readonly payments: PayonPayments;

  constructor(scope: Construct, id: string, props: PayonStackProps) {
    super(scope, id, props);
    this.payments = new PayonPayments(this, 'Payments', { config: props.config });
    const p = this.payments;
    // The stack's outputs, named for docs/deployment.md (a merchant's own stack picks its own).
    new CfnOutput(this, 'ApiUrl', { value: p.stage.url, description: 'Base URL of the API' });
    new CfnOutput(this, 'TableName', { value: p.table.tableName });
    new CfnOutput(this, 'MerchantSecretName', {
      value: p.secretName,
      description: 'Fill in with the PAYON credentials after the first deploy',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: p.alarmTopic.topicArn,
      description: 'Subscribe to receive alarms',
    });
    new CfnOutput(this, 'AuthMode', { value: p.config.auth.type });
    new CfnOutput(this, 'ResolvePaymentRouteArn', {
      value: p.api.arnForExecuteApi('POST', '/payments/*/resolve', '*'),
      description:
        'execute-api ARN of POST /payments/{id}/resolve (IAM only): grant execute-api:Invoke on it to your operators',
    });
    new CfnOutput(this, 'NotificationUrl', {
      value: `${p.stage.url}payon/notifications/<notificationToken of secret ${p.secretName}>`,
      description: "Give PAYON this URL for push notifications, with the secret's token in place",
    });
    new CfnOutput(this, 'EventBusName', {
      value: p.eventBus.eventBusName,
      description: 'Add rules here to receive payment events (docs/events.md)',
    });
    if (p.egressIp) {
      new CfnOutput(this, 'EgressIp', {
        value: p.egressIp.attrPublicIp,
        description: 'The one IP address PAYON sees (give it to PAYON for allowlisting)',
      });
    }
  }

  get config() {
    return this.payments.config;
  }
  get key() {
    return this.payments.key;
  }
  get table() {
    return this.payments.table;
  }
  get merchantSecret() {
    return this.payments.merchantSecret;
  }
  get api() {
    return this.payments.api;
  }
  get stage() {
    return this.payments.stage;
  }
  get functions() {
    return this.payments.functions;
  }
  get alarmTopic() {
    return this.payments.alarmTopic;
  }
  get publicRoutes() {
    return this.payments.publicRoutes;
  }
  get alarmSubscriptions() {
    return this.payments.alarmSubscriptions;
  }
  get vpc() {
    return this.payments.vpc;
  }
  get eventBus() {
    return this.payments.eventBus;
  }
  get confirmQueue() {
    return this.payments.confirmQueue;
  }
  get confirmDeadLetters() {
    return this.payments.confirmDeadLetters;
  }
  get confirmQueueSource() {
    return this.payments.confirmQueueSource;
  }
  get sweepSchedule() {
    return this.payments.sweepSchedule;
  }
  get reconcileSchedule() {
    return this.payments.reconcileSchedule;
  }

  get reconcileRequests() {
    return this.payments.reconcileRequests;
  }
}
