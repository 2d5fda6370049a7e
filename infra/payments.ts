import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnRoute,
  type CfnStage,
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  type HttpRoute,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AttributeType,
  Billing,
  type CfnGlobalTable,
  ProjectionType,
  TableEncryptionV2,
  TableV2,
} from 'aws-cdk-lib/aws-dynamodb';
import {
  CfnEIP,
  FlowLogDestination,
  FlowLogTrafficType,
  GatewayVpcEndpointAwsService,
  NatProvider,
  Peer,
  Port,
  SecurityGroup,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { Archive, EventBus, Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { EventSourceMapping } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Subscription, Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { confirmNotificationFunction } from '#functions/confirm-notification/background.ts';
import { deliverWebhooksFunction } from '#functions/deliver-webhooks/background.ts';
import { FUNCTIONS, ROUTES } from '#functions/index.ts';
import { reconcileDayFunction } from '#functions/reconcile-day/background.ts';
import { syncPaymentsFunction } from '#functions/sync-payments/background.ts';
import {
  type ContextKey,
  functionEnvironment,
  type LegacyIndex,
  readStackConfig,
  resourceNames,
  type StackConfig,
  StackConfigError,
} from '#infra/config.ts';
import {
  asIVpc,
  FUNCTION_TIMEOUT,
  LOG_RETENTION,
  PayonFunction,
} from '#infra/constructs/payon-function.ts';
import { pascal } from '#infra/ids.ts';
import { createMonitoring, type MonitoredStack } from '#infra/monitoring.ts';
import { applyNagSuppressions, type NaggedStack } from '#infra/nag-suppressions.ts';
import { EVENT_SOURCE } from '#shared/events/envelope.ts';
import {
  CORS_ALLOWED_HEADERS,
  CORS_ALLOWED_METHODS,
  CORS_EXPOSED_HEADERS,
  CORS_MAX_AGE_SECONDS,
} from '#shared/http/cors.ts';
import { RECONCILE_REQUEST, RECONCILIATION_HOUR_UTC } from '#shared/reconciliation/starter.ts';
import { TABLE_KEYS } from '#shared/store/table.ts';

/**
 * The construct's settings: the context keys of `cdk.json` (docs/deployment.md#context-keys), typed
 * and checked exactly as `cdk synth -c …` checks them; or a configuration already read.
 */
export type PayonPaymentsProps =
  | { readonly settings?: PayonSettings }
  | { readonly config: StackConfig };

/** One value per context key; numbers and flags may be given as such. */
export type PayonSettings = Partial<Record<ContextKey, string | number | boolean>>;

/** The configuration the construct deploys, read and checked from settings (throws StackConfigError). */
export function payonConfig(settings: PayonSettings): StackConfig {
  return readStackConfig((key) => {
    const value = settings[key];
    return value === undefined ? undefined : String(value);
  });
}

/** JSON access log line: who, which route, outcome, time. Never a body or a header value. */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  latency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
} as const;

/** How often the status sweep runs. */
export const SWEEP_RATE = Duration.minutes(1);

/** How often deliver-webhooks runs besides the bus rule (what is due again, a missed trigger). */
export const WEBHOOK_RATE = Duration.minutes(1);

/** reconcile-day runs daily at RECONCILIATION_HOUR_UTC (01:00 in Cambodia) for the day before. */
/** Lambda's own retries of a failed asynchronous reconcile-day run (schedule or API). */
export const RECONCILE_RETRIES = 2;

/**
 * A queued push is received this often before it goes to the dead-letter queue (it is still
 * stored and due in the sweep index, so the sweep confirms it anyway).
 */
export const CONFIRM_MAX_RECEIVES = 5;

/**
 * The functions that move money at PAYON (their descriptors say `movesMoney`): with context
 * moneyReservedConcurrency, each keeps that much Lambda concurrency for itself, so nothing else in
 * the account can starve them.
 */
export const MONEY_FUNCTIONS: readonly string[] = FUNCTIONS.filter((f) => f.movesMoney).map(
  (f) => f.function,
);

/** A function's Lambda timeout: its descriptor's, or the default for API functions. */
const timeoutOf = (descriptor: { readonly timeoutMs?: number }) =>
  descriptor.timeoutMs === undefined ? FUNCTION_TIMEOUT : Duration.millis(descriptor.timeoutMs);

/**
 * PAYON Serverless as one construct, for the merchant's own CDK app or this repo's stack
 * (`infra/stack.ts`). The merchant's deployment of one stage: KMS key, table, merchant secret, one Lambda per route
 * of `#functions/index.ts` behind an HTTP API and one per background function (the confirmation
 * queue's consumer, the scheduled sweep), the merchant's event bus, alarms and a dashboard;
 * optionally a fixed egress IP. Configuration comes from CDK context (infra/config.ts).
 */
export class PayonPayments extends Construct implements MonitoredStack, NaggedStack {
  readonly config: StackConfig;
  readonly key: Key;
  readonly table: TableV2;
  readonly merchantSecret: Secret;
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly functions: ReadonlyMap<string, PayonFunction>;
  readonly alarmTopic: Topic;
  /** Routes without an authorizer (`access: 'public'` or `'payon'` in the route table). */
  readonly publicRoutes: HttpRoute[] = [];
  /** The alarm topic's subscriptions (context alarmEmail). */
  readonly alarmSubscriptions: Subscription[] = [];
  readonly vpc: Vpc | undefined;
  /** The Elastic IP PAYON sees, with context fixedEgress. */
  readonly egressIp: CfnEIP | undefined;
  /** The merchant secret's name (`payon/<stage>`), for the merchant to fill in. */
  readonly secretName: string;
  readonly eventBus: EventBus;
  readonly confirmQueue: Queue;
  readonly confirmDeadLetters: Queue;
  /** The confirmation queue's event source (confirm-notification). */
  readonly confirmQueueSource: EventSourceMapping;
  /** The rule that runs sync-payments every SWEEP_RATE. */
  readonly sweepSchedule: Rule;
  /** The rule that runs reconcile-day daily at 01:00 in Cambodia. */
  readonly reconcileSchedule: Rule;
  /** The rule that runs reconcile-day for a day POST /reconciliations asks for (its request event). */
  readonly reconcileRequests: Rule;
  /** Seals merchant webhook signing secrets (KMS; docs/webhooks.md). */
  readonly webhookKey: Key;
  /** The rule that runs deliver-webhooks every WEBHOOK_RATE. */
  readonly webhookSchedule: Rule;
  /** The rule that runs deliver-webhooks whenever a merchant event reaches the bus. */
  readonly webhookTrigger: Rule;

  constructor(scope: Construct, id: string, props: PayonPaymentsProps) {
    super(scope, id);
    if (Token.isUnresolved(Stack.of(this).region)) {
      // The table's customer-managed key is named per region (TableV2).
      throw new StackConfigError(
        "PayonPayments needs a stack with a region: env: { region } (cdk deploy takes the AWS CLI's; an offline cdk synth needs -c region=<region>).",
      );
    }
    const config = 'config' in props ? props.config : payonConfig(props.settings ?? {});
    this.config = config;
    const names = resourceNames(config.stage);

    // One customer-managed key for the data at rest of this stage: table, secret, logs, topic,
    // queues.
    this.key = new Key(this, 'Key', {
      alias: `alias/payon-${config.stage}`,
      description: `PAYON ${config.stage}: table, merchant secret, logs, queues and alarm topic`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchLogsOfThisAccount',
        principals: [new ServicePrincipal(`logs.${Stack.of(this).region}.amazonaws.com`)],
        actions: [
          'kms:Encrypt*',
          'kms:Decrypt*',
          'kms:ReEncrypt*',
          'kms:GenerateDataKey*',
          'kms:Describe*',
        ],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${Stack.of(this).partition}:logs:${Stack.of(this).region}:${Stack.of(this).account}:log-group:*`,
          },
        },
      }),
    );
    // CloudWatch alarms publish to the encrypted alarm topic.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsToEncryptedTopic',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );

    this.table = this.createTable(names.tableName, config.keepIndexes);

    // Merchant webhook signing secrets, sealed one by one (encryption context: purpose and
    // endpoint): only create and rotate may encrypt, only deliver-webhooks may decrypt.
    this.webhookKey = new Key(this, 'WebhookKey', {
      alias: `alias/payon-${config.stage}-webhooks`,
      description: `PAYON ${config.stage}: merchant webhook signing secrets`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Created with a random notification token and empty PAYON fields: the merchant fills them in
    // (docs/configuration.md). The functions refuse to run until it is complete, naming the fields.
    // No key material ever sits in the template. Never change generateSecretString: CloudFormation
    // answers any change to it by generating a whole new value, which would wipe the fields the
    // merchant filled in (and the notification token PAYON has) on the next deploy.
    this.merchantSecret = new Secret(this, 'MerchantSecret', {
      secretName: names.secretName,
      description: 'PAYON merchant credentials (shape: docs/configuration.md)',
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({
          merchantId: '',
          termId: '',
          apiKey: '',
          signingScheme: 'hmac-sha256',
        }),
        generateStringKey: 'notificationToken',
        passwordLength: 48,
        excludePunctuation: true,
        includeSpace: false,
      },
    });

    const egress = config.fixedEgress ? this.createFixedEgress() : undefined;
    this.vpc = egress?.vpc;

    // Merchant events (docs/events.md); archived 30 days so a consumer can replay what it missed.
    this.eventBus = new EventBus(this, 'EventBus', {
      eventBusName: names.busName,
      description: `PAYON ${config.stage}: payment events for the merchant's systems`,
    });
    new Archive(this, 'EventArchive', {
      sourceEventBus: this.eventBus,
      archiveName: `payon-${config.stage}-events`,
      description: 'Every merchant event, 30 days',
      eventPattern: { source: [EVENT_SOURCE] },
      retention: Duration.days(30),
    });

    // The webhook's hand-off to confirmation: encrypted, TLS only, dead letters after 5 receives.
    this.confirmDeadLetters = new Queue(this, 'ConfirmDeadLetters', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.confirmQueue = new Queue(this, 'ConfirmQueue', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      // Six times the consumer's timeout (AWS's advice for Lambda event sources).
      visibilityTimeout: Duration.seconds(timeoutOf(confirmNotificationFunction).toSeconds() * 6),
      deadLetterQueue: { queue: this.confirmDeadLetters, maxReceiveCount: CONFIRM_MAX_RECEIVES },
    });

    const environment = functionEnvironment(config, {
      tableName: this.table.tableName,
      secretName: names.secretName,
      busName: this.eventBus.eventBusName,
    });
    const functions = new Map<string, PayonFunction>();
    for (const descriptor of FUNCTIONS) {
      const name = descriptor.function;
      const access = descriptor.aws;
      const fn = new PayonFunction(this, pascal(name), {
        operation: name,
        key: this.key,
        environment,
        timeout: timeoutOf(descriptor),
        sdkTracer: config.sdkTracer,
        ...(config.moneyReservedConcurrency !== undefined && descriptor.movesMoney
          ? { reservedConcurrency: config.moneyReservedConcurrency }
          : {}),
        ...(egress ? { vpc: egress.vpc, securityGroup: egress.securityGroup } : {}),
      });
      if (access.table) fn.useTable(this.table, access.table);
      if (access.syncIndex) fn.useIndex(this.table, TABLE_KEYS.syncIndex.name);
      if (access.listIndex) fn.useIndex(this.table, TABLE_KEYS.listIndex.name);
      if (access.queryTable) fn.useTableQuery(this.table);
      if (access.batchTable) fn.useTableBatches(this.table);
      if (access.batchRead) fn.useTableBatchReads(this.table);
      if (access.merchantSecret) fn.useMerchantSecret(this.merchantSecret, names.secretName);
      if (access.publishEvents) fn.useEventBus(this.eventBus);
      if (access.webhookSecrets) fn.useWebhookKey(this.webhookKey, access.webhookSecrets);
      if (access.sendToConfirmQueue) fn.useConfirmQueue(this.confirmQueue);
      if (access.consumeConfirmQueue) fn.consumeQueue(this.confirmQueue);
      functions.set(name, fn);
    }
    this.functions = functions;
    for (const descriptor of FUNCTIONS) {
      if (descriptor.aws.requestReconcile) {
        functions.get(descriptor.function)?.useReconcileRequests(this.eventBus);
      }
    }
    ({
      confirmQueueSource: this.confirmQueueSource,
      sweepSchedule: this.sweepSchedule,
      reconcileSchedule: this.reconcileSchedule,
      reconcileRequests: this.reconcileRequests,
      webhookSchedule: this.webhookSchedule,
      webhookTrigger: this.webhookTrigger,
    } = this.wireBackground());

    ({ api: this.api, stage: this.stage } = this.createApi());
    this.alarmTopic = createMonitoring(this);

    this.secretName = names.secretName;
    this.egressIp = egress?.ip;

    applyNagSuppressions(this);
  }

  /** The queue feeds confirmation; a schedule runs the sweep. */
  private wireBackground() {
    const confirm = this.functions.get(confirmNotificationFunction.function);
    const sweep = this.functions.get(syncPaymentsFunction.function);
    if (!confirm || !sweep) throw new Error('background functions are missing');
    // A plain mapping, not SqsEventSource: that one grants through the role's inline default
    // policy. The consumer's grants are in its managed policy (`consumeConfirmQueue` in its
    // descriptor, functions/confirm-notification/background.ts); nothing else may read the queue.
    const confirmQueueSource = confirm.function.addEventSourceMapping('ConfirmQueueSource', {
      eventSourceArn: this.confirmQueue.queueArn,
      batchSize: 10,
      reportBatchItemFailures: true,
    });
    const sweepSchedule = new Rule(this, 'SweepSchedule', {
      description: `PAYON ${this.config.stage}: status sweep`,
      schedule: Schedule.rate(SWEEP_RATE),
      // A missed run is not retried: the next one, a minute later, takes everything still due.
      targets: [new LambdaFunction(sweep.function, { retryAttempts: 0 })],
    });
    // Nor by Lambda's own asynchronous retries; overlapping runs are safe (conditional writes),
    // so a run that overruns the next does no harm either.
    sweep.function.configureAsyncInvoke({ retryAttempts: 0 });

    const reconcile = this.functions.get(reconcileDayFunction.function);
    if (!reconcile) throw new Error('reconcile-day is missing');
    const reconcileSchedule = new Rule(this, 'ReconcileSchedule', {
      description: `PAYON ${this.config.stage}: daily reconciliation of the Cambodian day before`,
      schedule: Schedule.cron({ minute: '0', hour: String(RECONCILIATION_HOUR_UTC) }),
      targets: [
        new LambdaFunction(reconcile.function, {
          retryAttempts: RECONCILE_RETRIES,
          maxEventAge: Duration.hours(6),
        }),
      ],
    });
    // POST /reconciliations: start-reconciliation's request event, its `{ day }` handed over as
    // the payload, retried as the schedule's target is.
    const reconcileRequests = new Rule(this, 'ReconcileRequests', {
      description: `PAYON ${this.config.stage}: reconciliation runs asked for through the API`,
      eventBus: this.eventBus,
      eventPattern: {
        source: [RECONCILE_REQUEST.source],
        detailType: [RECONCILE_REQUEST.detailType],
      },
      targets: [
        new LambdaFunction(reconcile.function, {
          event: RuleTargetInput.fromEventPath('$.detail'),
          retryAttempts: RECONCILE_RETRIES,
          maxEventAge: Duration.hours(6),
        }),
      ],
    });
    // A failed run (its report says `failed`) is retried by Lambda; a rerun of a day is safe.
    reconcile.function.configureAsyncInvoke({
      retryAttempts: RECONCILE_RETRIES,
      maxEventAge: Duration.hours(6),
    });

    // Webhooks: every minute (retries, a lost trigger), and at once when an event reaches the
    // bus (the event only wakes the run: it reads the outbox). Runs that overlap skip what another
    // holds (leases), so neither rule nor Lambda retries a failed one.
    const webhooks = this.functions.get(deliverWebhooksFunction.function);
    if (!webhooks) throw new Error('deliver-webhooks is missing');
    const webhookSchedule = new Rule(this, 'WebhookSchedule', {
      description: `PAYON ${this.config.stage}: merchant webhooks due`,
      schedule: Schedule.rate(WEBHOOK_RATE),
      targets: [new LambdaFunction(webhooks.function, { retryAttempts: 0 })],
    });
    const webhookTrigger = new Rule(this, 'WebhookTrigger', {
      description: `PAYON ${this.config.stage}: merchant webhooks, woken by each event`,
      eventBus: this.eventBus,
      eventPattern: { source: [EVENT_SOURCE] },
      targets: [new LambdaFunction(webhooks.function, { retryAttempts: 0 })],
    });
    webhooks.function.configureAsyncInvoke({ retryAttempts: 0 });
    return {
      confirmQueueSource,
      sweepSchedule,
      reconcileSchedule,
      reconcileRequests,
      webhookSchedule,
      webhookTrigger,
    };
  }

  /** The table of `#shared/store/table.ts` (`createTableInput`), with its data protected. */
  private createTable(tableName: string, keepIndexes: readonly LegacyIndex[]): TableV2 {
    const { partitionKey, sortKey, ttlAttribute, syncIndex, listIndex } = TABLE_KEYS;
    // TableV2 (AWS::DynamoDB::GlobalTable with one replica, in the stack's region): CDK's current
    // table; replicas in other regions can be added later without replacing it.
    const table = new TableV2(this, 'Table', {
      tableName,
      partitionKey: { name: partitionKey, type: AttributeType.STRING },
      sortKey: { name: sortKey, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      timeToLiveAttribute: ttlAttribute,
      encryption: TableEncryptionV2.customerManagedKey(this.key),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      globalSecondaryIndexes: [
        {
          indexName: syncIndex.name,
          partitionKey: { name: syncIndex.partitionKey, type: AttributeType.STRING },
          sortKey: { name: syncIndex.sortKey, type: AttributeType.STRING },
          projectionType: ProjectionType.KEYS_ONLY,
        },
        {
          indexName: listIndex.name,
          partitionKey: { name: listIndex.partitionKey, type: AttributeType.STRING },
          sortKey: { name: listIndex.sortKey, type: AttributeType.STRING },
          projectionType: ProjectionType.INCLUDE,
          nonKeyAttributes: [...listIndex.projected],
        },
        // An earlier release's indexes, kept while a deployed table is upgraded (keepIndexes).
        ...keepIndexes.map((indexName) => {
          const prefix = indexName === 'gsi1-sync' ? 'gsi1' : 'gsi2';
          return {
            indexName,
            partitionKey: { name: `${prefix}pk`, type: AttributeType.STRING },
            sortKey: { name: `${prefix}sk`, type: AttributeType.STRING },
            projectionType: ProjectionType.ALL,
          };
        }),
      ],
    });
    (table.node.defaultChild as CfnGlobalTable).applyRemovalPolicy(RemovalPolicy.RETAIN, {
      applyToUpdateReplacePolicy: true,
    });
    return table;
  }

  /** A VPC whose private subnets leave through one NAT gateway with one Elastic IP. */
  private createFixedEgress() {
    const ip = new CfnEIP(this, 'NatEip', { domain: 'vpc' });
    const vpc = new Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 1,
      natGatewayProvider: NatProvider.gateway({ eipAllocationIds: [ip.attrAllocationId] }),
      subnetConfiguration: [
        {
          name: 'public',
          subnetType: SubnetType.PUBLIC,
          cidrMask: 24,
          // Only the NAT gateway lives here, with its own Elastic IP.
          mapPublicIpOnLaunch: false,
        },
        { name: 'private', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
    });
    // DynamoDB through a free gateway endpoint, not the (metered) NAT gateway.
    vpc.addGatewayEndpoint('DynamoDb', { service: GatewayVpcEndpointAwsService.DYNAMODB });
    vpc.addFlowLog('FlowLog', {
      destination: FlowLogDestination.toCloudWatchLogs(
        new LogGroup(this, 'FlowLogs', {
          retention: LOG_RETENTION,
          encryptionKey: this.key,
          removalPolicy: RemovalPolicy.RETAIN,
        }),
      ),
      trafficType: FlowLogTrafficType.ALL,
    });
    const securityGroup = new SecurityGroup(this, 'FunctionsSecurityGroup', {
      vpc: asIVpc(vpc),
      description: 'PAYON functions: HTTPS to AWS APIs and the PAYON port only',
      allowAllOutbound: false,
    });
    securityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(443), 'HTTPS: AWS APIs');
    const payonPort = Number(new URL(this.config.payonBaseUrl).port || 443);
    if (payonPort !== 443) {
      securityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(payonPort), 'PAYON');
    }
    return { vpc, ip, securityGroup };
  }

  private createApi() {
    const { config } = this;
    const api = new HttpApi(this, 'Api', {
      apiName: `payon-${config.stage}`,
      description: `PAYON ${config.stage}`,
      createDefaultStage: false,
      ...(config.corsOrigins.length > 0
        ? {
            corsPreflight: {
              allowOrigins: [...config.corsOrigins],
              allowMethods: CORS_ALLOWED_METHODS.map((m) => CorsHttpMethod[m]),
              allowHeaders: [...CORS_ALLOWED_HEADERS],
              exposeHeaders: [...CORS_EXPOSED_HEADERS],
              maxAge: Duration.seconds(CORS_MAX_AGE_SECONDS),
            },
          }
        : {}),
    });
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: LOG_RETENTION,
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const stage = new HttpStage(this, 'DefaultStage', {
      httpApi: api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { ...config.throttle },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    const cfnStage = stage.node.defaultChild as CfnStage;
    const routeSettings: Record<
      string,
      { readonly ThrottlingRateLimit: number; readonly ThrottlingBurstLimit: number }
    > = {};
    const merchant: IHttpRouteAuthorizer =
      config.auth.type === 'jwt'
        ? new HttpJwtAuthorizer('MerchantJwt', config.auth.issuer, {
            jwtAudience: [...config.auth.audience],
          })
        : new HttpIamAuthorizer();
    // Operator routes are IAM whatever `auth` the merchant routes use: a JWT the merchant's
    // frontend holds must never settle an unknown outcome. Nobody is granted them by default.
    const operator = new HttpIamAuthorizer();
    for (const route of ROUTES) {
      const fn = this.functions.get(route.function);
      if (!fn) throw new Error(`No function for route ${route.method} ${route.path}`);
      const added = api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(
          `${pascal(route.function)}Integration`,
          fn.function,
          {
            payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
          },
        ),
        // PAYON's pushes carry no credentials: the secret token in the path is checked by the
        // function in constant time (and the source address, when an allowlist is configured).
        authorizer:
          route.access === 'merchant'
            ? merchant
            : route.access === 'operator'
              ? operator
              : new HttpNoneAuthorizer(),
      });
      if (route.access === 'public' || route.access === 'payon') this.publicRoutes.push(...added);
      const own =
        route.access === 'payon'
          ? config.routeThrottles.webhook
          : route.access === 'public'
            ? config.routeThrottles.return
            : undefined;
      if (own) {
        // Raw JSON (the property is untyped): CloudFormation's own field names.
        routeSettings[`${route.method} ${route.path}`] = {
          ThrottlingRateLimit: own.rateLimit,
          ThrottlingBurstLimit: own.burstLimit,
        };
        // API Gateway refuses route settings for a route that does not exist yet.
        for (const r of added) cfnStage.addResourceDependency(r.node.defaultChild as CfnRoute);
      }
    }
    // The anonymous routes (PAYON's pushes, customers' browsers) get their own throttle: a flood on
    // them is refused (429) there and leaves the merchant routes' default throttle alone.
    cfnStage.routeSettings = routeSettings;
    return { api, stage };
  }
}
