import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { BACKGROUND_FUNCTIONS, functionNamed, ROUTES } from '#functions/index.ts';
import {
  QUEUE_CONSUME_ACTIONS,
  TABLE_ACTIONS,
  TABLE_KEY_ACTIONS,
} from '#infra/constructs/payon-function.ts';
import {
  API_5XX_RATE_THRESHOLD,
  BUSINESS_WIDGETS,
  OPERATOR_METRICS,
  WEBHOOK_BACKLOG_THRESHOLD_SECONDS,
} from '#infra/monitoring.ts';
import { ACCESS_LOG_FIELDS, MONEY_FUNCTIONS } from '#infra/stack.ts';
import { EVENT_SOURCE } from '#shared/events/envelope.ts';
import {
  CORS_ALLOWED_HEADERS,
  CORS_ALLOWED_METHODS,
  CORS_EXPOSED_HEADERS,
  CORS_MAX_AGE_SECONDS,
} from '#shared/http/cors.ts';
import { RUN_LEASE_MS } from '#shared/reconciliation/run.ts';
import { BUSINESS_METRICS } from '#shared/runtime/business-metrics.ts';
import { METRIC_NAMES } from '#shared/runtime/metrics.ts';
import { createTableInput, TABLE_KEYS } from '#shared/store/table.ts';
import { WEBHOOK_RUN_MS } from '#shared/webhooks/deliver.ts';
import { WEBHOOK_SECRET_PURPOSE } from '#shared/webhooks/secrets.ts';
import {
  JWT_CONTEXT,
  logicalId,
  permissions,
  prop,
  REGION,
  type Resources,
  synth,
} from '#test/infra/synth.ts';

/** Every function of the stack: the route table's and the background ones. */
/** What a function's descriptor says it may touch in AWS. */
const accessOf = (name: string) => functionNamed(name).aws;

const FUNCTIONS = [...new Set([...ROUTES, ...BACKGROUND_FUNCTIONS].map((f) => f.function))];
const WEBHOOK_ROUTE = 'POST /payon/notifications/{token}';

const ref = (id: string) => ({ Ref: id });
const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
// The stacks have a region (the table's key is named per region): service names are literal.
const via = (service: string) => ({
  StringEquals: { 'kms:ViaService': `${service}.${REGION}.amazonaws.com` },
});

function ids() {
  const s = synth();
  return {
    s,
    key: logicalId(s, s.stack.key),
    table: logicalId(s, s.stack.table),
    secret: logicalId(s, s.stack.merchantSecret),
    topic: logicalId(s, s.stack.alarmTopic),
    bus: logicalId(s, s.stack.eventBus),
    queue: logicalId(s, s.stack.confirmQueue),
    deadLetters: logicalId(s, s.stack.confirmDeadLetters),
  };
}

/** The CloudFormation properties of one function's Lambda. */
function functionProperties(s: ReturnType<typeof synth>, operation: string) {
  const fn = s.stack.functions.get(operation);
  if (!fn) throw new Error(`no function ${operation}`);
  const resources = s.template.toJSON().Resources as Resources;
  return resources[logicalId(s, fn.function)];
}

/** One function's environment variables. */
function environmentOf(s: ReturnType<typeof synth>, operation: string) {
  return prop<{ Variables: Record<string, unknown> }>(
    functionProperties(s, operation),
    'Environment',
  ).Variables;
}

describe('PayonStack data', () => {
  // A new logical id is a new resource: CloudFormation would create an empty table, secret, key or
  // bus and (with RETAIN) orphan the old one. These ids change only as a migration, never by a
  // refactor.
  it('keeps the logical ids of its stateful resources', () => {
    const s = synth();
    const p = s.stack.payments;
    expect({
      table: logicalId(s, p.table),
      secret: logicalId(s, p.merchantSecret),
      key: logicalId(s, p.key),
      bus: logicalId(s, p.eventBus),
    }).toEqual({
      table: 'PaymentsTable9E001CC6',
      secret: 'PaymentsMerchantSecret2060E81C',
      key: 'PaymentsKeyB60DCB49',
      bus: 'PaymentsEventBusEF5C631E',
    });
  });

  it('creates the table exactly as createTableInput, on demand, with TTL on ttl', () => {
    const { s } = ids();
    const expected = createTableInput('payon-dev');
    s.template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TableName: 'payon-dev',
      BillingMode: expected.BillingMode,
      AttributeDefinitions: expected.AttributeDefinitions,
      KeySchema: expected.KeySchema,
      GlobalSecondaryIndexes: expected.GlobalSecondaryIndexes,
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
    });
  });

  it("keeps an earlier release's indexes only when keepIndexes names them (one deploy drops each)", () => {
    const indexesOf = (context: Record<string, string> = {}) => {
      const [table] = Object.values(
        synth(context).template.findResources('AWS::DynamoDB::GlobalTable'),
      ) as { Properties: { GlobalSecondaryIndexes: Record<string, unknown>[] } }[];
      return (table?.Properties.GlobalSecondaryIndexes ?? []).map((index) => ({
        name: index.IndexName,
        keys: (index.KeySchema as { AttributeName: string }[]).map((k) => k.AttributeName),
        projection: (index.Projection as { ProjectionType: string }).ProjectionType,
      }));
    };
    const current = [
      { name: 'gsi1-due', keys: ['gsi1pk', 'gsi1sk'], projection: 'KEYS_ONLY' },
      { name: 'gsi3-list', keys: ['gsi3pk', 'gsi3sk'], projection: 'INCLUDE' },
    ];
    expect(indexesOf()).toEqual(current);
    // Step 1 of the upgrade (docs/deployment.md): only gsi1-due is new, both old ones stay.
    expect(indexesOf({ keepIndexes: 'gsi1-sync,gsi2-day' })).toEqual([
      ...current,
      { name: 'gsi1-sync', keys: ['gsi1pk', 'gsi1sk'], projection: 'ALL' },
      { name: 'gsi2-day', keys: ['gsi2pk', 'gsi2sk'], projection: 'ALL' },
    ]);
    // Step 2: gsi2-day goes; step 3 (no keepIndexes): gsi1-sync goes.
    expect(indexesOf({ keepIndexes: 'gsi1-sync' })).toEqual([
      ...current,
      { name: 'gsi1-sync', keys: ['gsi1pk', 'gsi1sk'], projection: 'ALL' },
    ]);
    expect(() => synth({ keepIndexes: 'gsi9-any' })).toThrow(
      /keepIndexes may name gsi1-sync and gsi2-day only \(got "gsi9-any"\)/,
    );
  });

  it('protects the table: PITR, deletion protection, retained, encrypted with the stack key', () => {
    const { s, key } = ids();
    // TableV2: one replica, in the stack's region, carries the protections and the key.
    s.template.resourceCountIs('AWS::DynamoDB::Table', 0);
    s.template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        Replicas: [
          Match.objectLike({
            Region: REGION,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            DeletionProtectionEnabled: true,
            SSESpecification: { KMSMasterKeyId: arn(key) },
          }),
        ],
      }),
    });
  });

  it('uses one retained customer-managed key with rotation that CloudWatch Logs may use', () => {
    const { s } = ids();
    // The stage's key, and the webhook secrets' own (next test).
    s.template.resourceCountIs('AWS::KMS::Key', 2);
    s.template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: {
                Service: `logs.${REGION}.amazonaws.com`,
              },
              Action: Match.arrayWith(['kms:Decrypt*', 'kms:GenerateDataKey*']),
              Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } },
            }),
            Match.objectLike({
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            }),
          ]),
        },
      }),
    });
    s.template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/payon-dev' });
  });

  it('seals webhook signing secrets with their own retained, rotated key: only create and rotate encrypt, only deliver-webhooks decrypts, each for the secrets’ encryption context only', () => {
    const s = synth();
    const webhookKey = logicalId(s, s.stack.payments.webhookKey);
    const resources = s.template.toJSON().Resources as Resources;
    expect(resources[webhookKey]).toMatchObject({
      Type: 'AWS::KMS::Key',
      DeletionPolicy: 'Retain',
      Properties: { EnableKeyRotation: true },
    });
    s.template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/payon-dev-webhooks' });
    const holders = (action: string) =>
      FUNCTIONS.filter((op) =>
        permissions(s, op).some(
          (p) => p.action === action && JSON.stringify(p.resource).includes(webhookKey),
        ),
      ).sort();
    expect(holders('kms:Encrypt')).toEqual(['create-webhook-endpoint', 'rotate-webhook-secret']);
    expect(holders('kms:Decrypt')).toEqual(['deliver-webhooks']);
    for (const op of ['create-webhook-endpoint', 'rotate-webhook-secret', 'deliver-webhooks']) {
      const grants = permissions(s, op).filter((p) =>
        JSON.stringify(p.resource).includes(webhookKey),
      );
      expect(grants, op).toHaveLength(1);
      expect(grants[0]?.condition).toEqual({
        StringEquals: { 'kms:EncryptionContext:purpose': WEBHOOK_SECRET_PURPOSE },
      });
      expect(environmentOf(s, op).WEBHOOK_KEY_ID).toEqual(arn(webhookKey));
    }
  });

  it('never sets WEBHOOKS_ALLOW_LOCAL_TARGETS (npm start only), in any function, with any context', () => {
    for (const context of [
      {},
      { payonEnvironment: 'PRODUCTION' },
      { fixedEgress: 'true' },
      { auth: 'iam' },
    ]) {
      const s = synth(context);
      for (const op of FUNCTIONS) {
        expect(Object.keys(environmentOf(s, op)), `${op} ${JSON.stringify(context)}`).not.toContain(
          'WEBHOOKS_ALLOW_LOCAL_TARGETS',
        );
      }
      const text = JSON.stringify(s.template.toJSON());
      expect(text).not.toContain('WEBHOOKS_ALLOW_LOCAL_TARGETS');
    }
  });

  it('creates one retained, KMS-encrypted merchant secret per stage with a generated notification token', () => {
    const { s, key } = ids();
    s.template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: {
        Name: 'payon/dev',
        Description: Match.anyValue(),
        KmsKeyId: arn(key),
        GenerateSecretString: {
          GenerateStringKey: 'notificationToken',
          PasswordLength: 48,
          ExcludePunctuation: true,
          IncludeSpace: false,
          SecretStringTemplate:
            '{"merchantId":"","termId":"","apiKey":"","signingScheme":"hmac-sha256"}',
        },
      },
    });
    const prod = synth({ stage: 'prod' }).template;
    prod.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'payon/prod' });
    prod.hasResourceProperties('AWS::DynamoDB::GlobalTable', { TableName: 'payon-prod' });
  });

  it('puts no secret value in the template', () => {
    const { s } = ids();
    const secret = Object.values(s.template.findResources('AWS::SecretsManager::Secret'))[0];
    expect(secret?.Properties).not.toHaveProperty('SecretString');
  });

  it('encrypts every log group with the key and keeps it 90 days', () => {
    const { s, key } = ids();
    const groups = Object.values(s.template.findResources('AWS::Logs::LogGroup'));
    expect(groups).toHaveLength(FUNCTIONS.length + 1); // one per function + API access logs
    for (const group of groups) {
      expect(group.Properties).toMatchObject({ RetentionInDays: 90, KmsKeyId: arn(key) });
      expect(group.DeletionPolicy).toBe('Retain');
    }
  });
});

describe('PayonStack functions', () => {
  it('lists the least privilege of exactly the route and background functions', () => {
    expect([...synth().stack.functions.keys()].sort()).toEqual([...FUNCTIONS].sort());
    expect(accessOf('list-transactions')).toEqual({
      table: 'read',
      batchRead: true,
      merchantSecret: true,
    });
    // An operator's resolution reads and writes one payment and announces it; no PAYON. It reads
    // the secret for the idempotencySecret its stored Idempotency-Keys are HMACs with.
    expect(accessOf('resolve-payment')).toEqual({
      table: 'readWrite',
      merchantSecret: true,
      publishEvents: true,
    });
    expect(accessOf('payment-return')).toEqual({ table: 'read', merchantSecret: false });
    // The webhook stores and queues a push; it never moves a payment, so it publishes nothing.
    expect(accessOf('payon-webhook')).toEqual({
      table: 'readWrite',
      merchantSecret: true,
      sendToConfirmQueue: true,
    });
    expect(accessOf('confirm-notification')).toEqual({
      table: 'readWrite',
      merchantSecret: true,
      publishEvents: true,
      consumeConfirmQueue: true,
    });
    expect(accessOf('sync-payments')).toEqual({
      table: 'readWrite',
      syncIndex: true,
      batchRead: true,
      merchantSecret: true,
      publishEvents: true,
    });
    expect(accessOf('reconcile-day')).toEqual({
      table: 'readWrite',
      listIndex: true,
      queryTable: true,
      batchTable: true,
      merchantSecret: true,
      publishEvents: true,
    });
    // The reconciliation API reads reports; only starting a run asks for anything (a request
    // event), and none of it reaches PAYON's credentials.
    expect(accessOf('start-reconciliation')).toEqual({
      table: 'read',
      merchantSecret: false,
      requestReconcile: true,
    });
    expect(accessOf('get-reconciliation')).toEqual({ table: 'read', merchantSecret: false });
    // Saved cards: PAYON's binding calls and the customer's own items; nothing else.
    for (const fn of ['create-binding', 'list-bindings', 'unbind-binding']) {
      expect(accessOf(fn)).toEqual({
        table: 'readWrite',
        queryTable: true,
        merchantSecret: true,
        publishEvents: true,
      });
    }
    for (const fn of ['create-binding-pin', 'set-pin-verification']) {
      expect(accessOf(fn)).toEqual({
        table: 'readWrite',
        merchantSecret: true,
        publishEvents: true,
      });
    }
    expect(accessOf('list-reconciliation-exceptions')).toEqual({
      table: 'read',
      queryTable: true,
      merchantSecret: false,
    });
  });

  it.each(FUNCTIONS)(
    '%s runs on nodejs24.x arm64, traced, 512 MB, JSON logs to its own group',
    (operation) => {
      const { s } = ids();
      const fn = s.stack.functions.get(operation);
      if (!fn) throw new Error(operation);
      expect(functionProperties(s, operation)?.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: 512,
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON', LogGroup: ref(logicalId(s, fn.logGroup)) },
        Description: `PAYON ${operation}`,
      });
    },
  );

  it.each(
    FUNCTIONS.filter(
      (f) => f !== 'sync-payments' && f !== 'reconcile-day' && f !== 'deliver-webhooks',
    ),
  )("%s times out after 25 s (under API Gateway's 30 s for the routes)", (operation) => {
    expect(functionProperties(synth(), operation)?.Properties?.Timeout).toBe(25);
  });

  it('reserves no concurrency by default (a low account quota would fail the deploy)', () => {
    for (const operation of FUNCTIONS) {
      expect(functionProperties(synth(), operation)?.Properties).not.toHaveProperty(
        'ReservedConcurrentExecutions',
      );
    }
  });

  it('reserves moneyReservedConcurrency for each money function, and for no other', () => {
    const s = synth({ moneyReservedConcurrency: '25' });

    const reserved = Object.fromEntries(
      FUNCTIONS.map((f) => [
        f,
        functionProperties(s, f)?.Properties?.ReservedConcurrentExecutions,
      ]).filter(([, n]) => n !== undefined),
    );

    expect(reserved).toEqual({
      'register-payment': 25,
      'capture-payment': 25,
      'cancel-payment': 25,
      'refund-payment': 25,
    });
    expect([...MONEY_FUNCTIONS].sort()).toEqual([
      'cancel-payment',
      'capture-payment',
      'refund-payment',
      'register-payment',
    ]);
  });

  it('gives the sweep 120 s: a run stops starting work 10 s before its timeout', () => {
    expect(functionProperties(synth(), 'sync-payments')?.Properties?.Timeout).toBe(120);
  });

  it('gives deliver-webhooks 120 s, the length of its leases (a run stops starting attempts 15 s before)', () => {
    expect(functionProperties(synth(), 'deliver-webhooks')?.Properties?.Timeout).toBe(
      WEBHOOK_RUN_MS / 1_000,
    );
  });

  it('gives reconcile-day 15 minutes, the lease a running report holds the day for', () => {
    expect(functionProperties(synth(), 'reconcile-day')?.Properties?.Timeout).toBe(
      RUN_LEASE_MS / 1_000,
    );
    expect(RUN_LEASE_MS).toBe(900_000);
  });

  it.each(FUNCTIONS)('%s gets configuration only: names, never a secret value', (operation) => {
    const { s, table, bus, queue } = ids();
    expect(environmentOf(s, operation)).toEqual({
      STAGE: 'dev',
      PAYON_ENVIRONMENT: 'TEST',
      PAYON_SECRET_ID: 'payon/dev',
      TABLE_NAME: ref(table),
      EVENT_BUS_NAME: ref(bus),
      // Only the webhook hands pushes to the confirmation queue.
      ...(operation === 'payon-webhook' ? { CONFIRM_QUEUE_URL: ref(queue) } : {}),
      // Only the functions that seal or open webhook secrets name their key.
      ...(accessOf(operation).webhookSecrets
        ? { WEBHOOK_KEY_ID: arn(logicalId(s, s.stack.payments.webhookKey)) }
        : {}),
      POWERTOOLS_SERVICE_NAME: 'payon-dev',
      POWERTOOLS_METRICS_NAMESPACE: 'PayonServerless',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it('passes PAYON_BASE_URL and RETURN_URL_ORIGINS from context', () => {
    const { template } = synth({
      payonBaseUrl: 'https://payon-proxy.shop.example.com',
      returnUrlOrigins: 'https://shop.example.com,https://m.shop.example.com',
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          PAYON_BASE_URL: 'https://payon-proxy.shop.example.com',
          RETURN_URL_ORIGINS: 'https://shop.example.com,https://m.shop.example.com',
        }),
      },
    });
  });

  it('passes notifySourceCidrs to the webhook as NOTIFY_SOURCE_CIDRS', () => {
    const s = synth({ notifySourceCidrs: '203.0.113.0/24, 2001:db8::/32' });
    expect(environmentOf(s, 'payon-webhook')).toMatchObject({
      NOTIFY_SOURCE_CIDRS: '203.0.113.0/24,2001:db8::/32',
    });
    expect(environmentOf(synth(), 'payon-webhook')).not.toHaveProperty('NOTIFY_SOURCE_CIDRS');
  });

  it.each(FUNCTIONS)(
    '%s has exactly its least privilege: named actions on named ARNs',
    (operation) => {
      const { s, key, table, secret, bus, queue } = ids();
      const access = accessOf(operation);
      const fn = s.stack.functions.get(operation);
      if (!access || !fn) throw new Error(operation);
      const allow = (action: string, resource: unknown, condition?: unknown) => ({
        action,
        resource,
        condition,
      });
      const expected = [
        ...['logs:CreateLogStream', 'logs:PutLogEvents'].map((a) =>
          allow(a, arn(logicalId(s, fn.logGroup))),
        ),
        ...['xray:PutTraceSegments', 'xray:PutTelemetryRecords'].map((a) => allow(a, '*')),
        ...(access.table
          ? [
              ...TABLE_ACTIONS[access.table].map((a) => allow(a, arn(table))),
              ...TABLE_KEY_ACTIONS[access.table].map((a) => allow(a, arn(key), via('dynamodb'))),
            ]
          : []),
        ...(access.syncIndex
          ? [
              allow('dynamodb:Query', {
                'Fn::Join': ['', [arn(table), `/index/${TABLE_KEYS.syncIndex.name}`]],
              }),
            ]
          : []),
        ...(access.listIndex
          ? [
              allow('dynamodb:Query', {
                'Fn::Join': ['', [arn(table), `/index/${TABLE_KEYS.listIndex.name}`]],
              }),
            ]
          : []),
        ...(access.queryTable ? [allow('dynamodb:Query', arn(table))] : []),
        ...(access.batchTable
          ? ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem'].map((a) => allow(a, arn(table)))
          : []),
        ...(access.batchRead ? [allow('dynamodb:BatchGetItem', arn(table))] : []),
        ...(access.merchantSecret
          ? [
              allow('secretsmanager:GetSecretValue', ref(secret)),
              allow('kms:Decrypt', arn(key), via('secretsmanager')),
            ]
          : []),
        ...(access.publishEvents ? [allow('events:PutEvents', arn(bus))] : []),
        ...(access.sendToConfirmQueue
          ? [
              allow('sqs:SendMessage', arn(queue)),
              allow('kms:GenerateDataKey', arn(key), via('sqs')),
              allow('kms:Decrypt', arn(key), via('sqs')),
            ]
          : []),
        ...(access.consumeConfirmQueue
          ? [
              ...QUEUE_CONSUME_ACTIONS.map((a) => allow(a, arn(queue))),
              allow('kms:Decrypt', arn(key), via('sqs')),
            ]
          : []),
        ...(access.requestReconcile
          ? [
              allow('events:PutEvents', arn(bus), {
                StringEquals: {
                  'events:source': 'payon.serverless.internal',
                  'events:detail-type': 'Reconciliation requested',
                },
              }),
            ]
          : []),
        ...(access.webhookSecrets
          ? [
              allow(
                access.webhookSecrets === 'seal' ? 'kms:Encrypt' : 'kms:Decrypt',
                arn(logicalId(s, s.stack.payments.webhookKey)),
                { StringEquals: { 'kms:EncryptionContext:purpose': WEBHOOK_SECRET_PURPOSE } },
              ),
            ]
          : []),
      ].map((p) => ({ effect: 'Allow', ...p }));
      // The same statements; their order is CDK's (minimizePolicies sorts them and merges one
      // action's resources into one statement), not a grant.
      const flat = (statements: readonly { resource: unknown }[]) =>
        statements.flatMap((st) =>
          Array.isArray(st.resource) ? st.resource.map((resource) => ({ ...st, resource })) : [st],
        );
      const sorted = (statements: readonly { resource: unknown }[]) =>
        flat(statements).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
      expect(sorted(permissions(s, operation))).toEqual(sorted(expected));
    },
  );

  it('keeps the public return function away from the secret, and lets list-transactions only read payments', () => {
    const { s } = ids();
    const actions = (op: string) => permissions(s, op).map((p) => p.action);
    expect(actions('payment-return').filter((a) => a.startsWith('dynamodb:'))).toEqual([
      'dynamodb:GetItem',
    ]);
    expect(actions('payment-return').some((a) => a.startsWith('secretsmanager:'))).toBe(false);
    expect(
      actions('list-transactions')
        .filter((a) => a.startsWith('dynamodb:'))
        .sort(),
    ).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem']);
  });

  it('lets every function with an Idempotency-Key route read the merchant secret (its idempotencySecret), and nothing more of Secrets Manager', () => {
    const { s, secret } = ids();
    const idempotent = [...new Set(ROUTES.filter((r) => r.idempotent).map((r) => r.function))];
    expect(idempotent).toContain('resolve-payment');
    for (const op of idempotent) {
      expect(
        permissions(s, op).filter((p) => p.action.startsWith('secretsmanager:')),
        op,
      ).toEqual([
        {
          effect: 'Allow',
          action: 'secretsmanager:GetSecretValue',
          resource: ref(secret),
          condition: undefined,
        },
      ]);
    }
  });

  it('lets only the webhook send to the confirmation queue, only confirm-notification read it, and only the functions that need it query', () => {
    const { s } = ids();
    const holders = (action: string) =>
      FUNCTIONS.filter((op) => permissions(s, op).some((p) => p.action === action));
    expect(holders('sqs:SendMessage')).toEqual(['payon-webhook']);
    expect(holders('sqs:ReceiveMessage')).toEqual(['confirm-notification']);
    expect(holders('sqs:DeleteMessage')).toEqual(['confirm-notification']);
    expect(holders('dynamodb:Query').sort()).toEqual(
      [
        'create-binding',
        'list-bindings',
        'list-payments',
        'list-reconciliation-exceptions',
        'reconcile-day',
        'sync-payments',
        'unbind-binding',
        'list-webhook-endpoints',
        'list-webhook-deliveries',
        'list-payment-events',
        'deliver-webhooks',
      ].sort(),
    );
    // reconcile-day runs from its rules only: no function invokes another.
    expect(holders('lambda:InvokeFunction')).toEqual([]);
    expect(holders('dynamodb:BatchWriteItem')).toEqual(['reconcile-day']);
    expect(holders('events:PutEvents').sort()).toEqual(
      [
        'cancel-payment',
        'capture-payment',
        'confirm-notification',
        'create-binding',
        'create-binding-pin',
        'list-bindings',
        'set-pin-verification',
        'unbind-binding',
        'get-payment',
        'refund-payment',
        'reconcile-day',
        'register-payment',
        'resolve-payment',
        'start-reconciliation',
        'sync-payments',
      ].sort(),
    );
    for (const op of FUNCTIONS) {
      expect(
        permissions(s, op).filter((p) => /^(sqs|events|dynamodb):/.test(p.action)),
        op,
      ).not.toContainEqual(expect.objectContaining({ resource: '*' }));
    }
  });

  it('gives roles no inline policy and no AWS managed policy', () => {
    const { s } = ids();
    s.template.resourceCountIs('AWS::IAM::Policy', 0);
    for (const role of Object.values(s.template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties).not.toHaveProperty('ManagedPolicyArns');
      expect(role.Properties).not.toHaveProperty('Policies');
    }
  });
});

describe('PayonStack API', () => {
  it('routes every entry of the route table to its function with payload 2.0', () => {
    const { s } = ids();
    const resources = s.template.toJSON().Resources as Resources;
    for (const route of ROUTES) {
      const fn = s.stack.functions.get(route.function);
      if (!fn) throw new Error(route.function);
      const [routeResource] = Object.values(
        s.template.findResources('AWS::ApiGatewayV2::Route', {
          Properties: { RouteKey: `${route.method} ${route.path}` },
        }),
      );
      const target = prop<{ 'Fn::Join': [string, unknown[]] }>(routeResource, 'Target')[
        'Fn::Join'
      ][1][1] as {
        Ref: string;
      };
      expect(resources[target.Ref]?.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: arn(logicalId(s, fn.function)),
      });
    }
    s.template.resourceCountIs('AWS::ApiGatewayV2::Route', ROUTES.length);
  });

  it('puts the JWT authorizer from context on merchant routes and none on public ones', () => {
    const { s } = ids();
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: JWT_CONTEXT.jwtIssuer, Audience: [JWT_CONTEXT.jwtAudience] },
    });
    const [authorizer] = Object.keys(s.template.findResources('AWS::ApiGatewayV2::Authorizer'));
    for (const route of ROUTES) {
      const [found] = Object.values(
        s.template.findResources('AWS::ApiGatewayV2::Route', {
          Properties: { RouteKey: `${route.method} ${route.path}` },
        }),
      );
      if (route.access === 'merchant') {
        expect(found?.Properties).toMatchObject({
          AuthorizationType: 'JWT',
          AuthorizerId: ref(authorizer ?? ''),
        });
      } else if (route.access === 'operator') {
        // Operators: IAM even when the merchant routes use JWT.
        expect(found?.Properties?.AuthorizationType).toBe('AWS_IAM');
        expect(found?.Properties).not.toHaveProperty('AuthorizerId');
      } else {
        expect(found?.Properties?.AuthorizationType).toBe('NONE');
        expect(found?.Properties).not.toHaveProperty('AuthorizerId');
      }
    }
  });

  it('uses IAM authorization on merchant routes with auth=iam', () => {
    const { template } = synth({ auth: 'iam' });
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
    for (const route of ROUTES) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `${route.method} ${route.path}`,
        AuthorizationType:
          route.access === 'merchant' || route.access === 'operator' ? 'AWS_IAM' : 'NONE',
      });
    }
  });

  it.each([
    ['JWT', {}],
    ['IAM', { auth: 'iam' }],
  ])('routes PAYON pushes to the webhook without an authorizer (%s auth)', (_, context) => {
    const s = synth(context);
    const routes = Object.values(
      s.template.findResources('AWS::ApiGatewayV2::Route', {
        Properties: { RouteKey: WEBHOOK_ROUTE },
      }),
    );
    expect(routes).toHaveLength(1);
    expect(routes[0]?.Properties?.AuthorizationType).toBe('NONE');
    expect(routes[0]?.Properties).not.toHaveProperty('AuthorizerId');
    const webhook = s.stack.functions.get('payon-webhook');
    if (!webhook) throw new Error('payon-webhook');
    s.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: arn(logicalId(s, webhook.function)),
      Principal: 'apigateway.amazonaws.com',
      SourceArn: {
        'Fn::Join': ['', Match.arrayWith(['/*/*/payon/notifications/{token}'])],
      },
    });
  });

  it('throttles the default stage and writes JSON access logs without bodies or headers', () => {
    const { s } = ids();
    const accessLogs = logicalId(
      s,
      s.stack.payments.node.findChild('ApiAccessLogs') as unknown as {
        node: { defaultChild?: unknown };
      },
    );
    const [stage] = Object.values(s.template.findResources('AWS::ApiGatewayV2::Stage'));
    expect(stage?.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingBurstLimit: 100, ThrottlingRateLimit: 50 },
      AccessLogSettings: { DestinationArn: arn(accessLogs) },
    });
    const format = JSON.parse(
      prop<{ Format: string }>(stage, 'AccessLogSettings').Format,
    ) as Record<string, string>;
    expect(format).toEqual(ACCESS_LOG_FIELDS);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      routeKey: '$context.routeKey',
      status: '$context.status',
      latency: '$context.responseLatency',
    });
    expect(JSON.stringify(format)).not.toMatch(/body|header|authorization/i);
    synth({ throttleRateLimit: '20', throttleBurstLimit: '40' }).template.hasResourceProperties(
      'AWS::ApiGatewayV2::Stage',
      { DefaultRouteSettings: { ThrottlingBurstLimit: 40, ThrottlingRateLimit: 20 } },
    );
  });

  it("throttles PAYON's pushes (20/s, burst 40) and GET /return (10/s, burst 20) apart from the merchant routes", () => {
    const { s } = ids();
    const [[id, stage] = []] = Object.entries(s.template.findResources('AWS::ApiGatewayV2::Stage'));
    expect(prop(stage, 'RouteSettings')).toEqual({
      [WEBHOOK_ROUTE]: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
      'GET /return': { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
    });
    // Every other route keeps the default (merchant) throttle.
    expect(prop(stage, 'DefaultRouteSettings')).toEqual({
      ThrottlingBurstLimit: 100,
      ThrottlingRateLimit: 50,
    });
    // The stage waits for both routes: API Gateway refuses settings for a route it does not have.
    const routes = s.template.findResources('AWS::ApiGatewayV2::Route');
    const routeIds = (key: string) =>
      Object.entries(routes)
        .filter(([, r]) => r.Properties?.RouteKey === key)
        .map(([routeId]) => routeId);
    expect(routeIds(WEBHOOK_ROUTE)).toHaveLength(1);
    expect(routeIds('GET /return')).toHaveLength(1);
    expect(s.template.toJSON().Resources[id as string].DependsOn).toEqual(
      expect.arrayContaining([...routeIds(WEBHOOK_ROUTE), ...routeIds('GET /return')]),
    );
  });

  it('takes each route throttle from its context keys, leaving the others at their defaults', () => {
    const stageOf = (context: Record<string, string>) =>
      Object.values(synth(context).template.findResources('AWS::ApiGatewayV2::Stage'))[0];

    const webhook = stageOf({ webhookThrottleRate: '5', webhookThrottleBurst: '7' });
    const back = stageOf({ returnThrottleRate: '100', returnThrottleBurst: '300' });

    expect(prop(webhook, 'RouteSettings')).toEqual({
      [WEBHOOK_ROUTE]: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 7 },
      'GET /return': { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
    });
    expect(prop(back, 'RouteSettings')).toEqual({
      [WEBHOOK_ROUTE]: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
      'GET /return': { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 300 },
    });
    expect(prop(back, 'DefaultRouteSettings')).toEqual({
      ThrottlingBurstLimit: 100,
      ThrottlingRateLimit: 50,
    });
  });

  it('answers CORS only for the allowlisted origins, with the headers of #shared/http/cors.ts', () => {
    const { s } = ids();
    expect(
      Object.values(s.template.findResources('AWS::ApiGatewayV2::Api'))[0]?.Properties,
    ).not.toHaveProperty('CorsConfiguration');
    synth({
      corsOrigins: 'https://shop.example.com, https://admin.shop.example.com',
    }).template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: {
        AllowOrigins: ['https://shop.example.com', 'https://admin.shop.example.com'],
        AllowMethods: [...CORS_ALLOWED_METHODS],
        AllowHeaders: [...CORS_ALLOWED_HEADERS],
        ExposeHeaders: [...CORS_EXPOSED_HEADERS],
        MaxAge: CORS_MAX_AGE_SECONDS,
      },
    });
  });
});

describe('PayonStack background work and events', () => {
  const denyWithoutTls = (queue: string) => ({
    Effect: 'Deny',
    Principal: { AWS: '*' },
    Action: 'sqs:*',
    Resource: arn(queue),
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  });

  it('encrypts the confirmation queue with the stack key, refuses plain HTTP and dead-letters after 5 receives', () => {
    const { s, key, queue, deadLetters } = ids();
    s.template.resourceCountIs('AWS::SQS::Queue', 2);
    const resources = s.template.toJSON().Resources as Resources;
    expect(resources[queue]?.Properties).toEqual({
      KmsMasterKeyId: arn(key),
      // Six times the consumer's timeout, as AWS advises for a Lambda event source.
      VisibilityTimeout: 6 * 25,
      RedrivePolicy: { deadLetterTargetArn: arn(deadLetters), maxReceiveCount: 5 },
    });
    expect(resources[deadLetters]?.Properties).toEqual({
      KmsMasterKeyId: arn(key),
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    for (const id of [queue, deadLetters]) {
      s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [ref(id)],
        PolicyDocument: { Statement: [denyWithoutTls(id)] },
      });
    }
  });

  it('keeps the queue visible for at least six times its consumer’s timeout', () => {
    const { s, queue } = ids();
    const resources = s.template.toJSON().Resources as Resources;
    const consumerTimeout = functionProperties(s, 'confirm-notification')?.Properties?.Timeout;
    expect(typeof consumerTimeout).toBe('number');
    expect(resources[queue]?.Properties?.VisibilityTimeout).toBeGreaterThanOrEqual(
      6 * (consumerTimeout as number),
    );
  });

  it('feeds confirm-notification from the queue, 10 at a time, reporting failed items only', () => {
    const { s, queue } = ids();
    const confirm = s.stack.functions.get('confirm-notification');
    if (!confirm) throw new Error('confirm-notification');
    s.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arn(queue),
      FunctionName: ref(logicalId(s, confirm.function)),
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    // The mapping checks its role can read the queue: the policy exists before the function.
    const resources = s.template.toJSON().Resources as Resources &
      Record<string, { DependsOn?: string[] }>;
    expect(resources[logicalId(s, confirm.function)]?.DependsOn).toContain(
      logicalId(s, confirm.policy),
    );
  });

  it('runs sync-payments and deliver-webhooks every minute without EventBridge retries, and nothing else on a schedule', () => {
    const { s, bus } = ids();
    const sweep = s.stack.functions.get('sync-payments');
    const reconcile = s.stack.functions.get('reconcile-day');
    const webhooks = s.stack.functions.get('deliver-webhooks');
    if (!sweep || !reconcile || !webhooks) throw new Error('sync-payments');
    const rule = logicalId(s, s.stack.sweepSchedule);
    const p = s.stack.payments;
    // Three schedules, the webhook trigger and the reconciliation requests on the merchant bus.
    s.template.resourceCountIs('AWS::Events::Rule', 5);
    for (const fn of [sweep, webhooks]) {
      s.template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(1 minute)',
        State: 'ENABLED',
        Targets: [
          {
            Id: Match.anyValue(),
            Arn: arn(logicalId(s, fn.function)),
            RetryPolicy: { MaximumRetryAttempts: 0 },
          },
        ],
      });
    }
    // Every merchant event wakes deliver-webhooks (the run reads the outbox, not the event).
    s.template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: ref(bus),
      EventPattern: { source: [EVENT_SOURCE] },
      State: 'ENABLED',
      Targets: [
        {
          Id: Match.anyValue(),
          Arn: arn(logicalId(s, webhooks.function)),
          RetryPolicy: { MaximumRetryAttempts: 0 },
        },
      ],
    });
    s.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: ref(logicalId(s, webhooks.function)),
      MaximumRetryAttempts: 0,
    });
    const permissionsFromEvents = Object.values(
      s.template.findResources('AWS::Lambda::Permission', {
        Properties: { Principal: 'events.amazonaws.com' },
      }),
    );
    const invoke = (fn: { function: unknown }, source: string) => ({
      Action: 'lambda:InvokeFunction',
      FunctionName: arn(logicalId(s, fn.function as Parameters<typeof logicalId>[1])),
      Principal: 'events.amazonaws.com',
      SourceArn: arn(source),
    });
    expect(permissionsFromEvents.map((q) => q.Properties)).toEqual([
      invoke(sweep, rule),
      invoke(reconcile, logicalId(s, s.stack.reconcileSchedule)),
      invoke(reconcile, logicalId(s, s.stack.reconcileRequests)),
      invoke(webhooks, logicalId(s, p.webhookSchedule)),
      invoke(webhooks, logicalId(s, p.webhookTrigger)),
    ]);
  });

  it('runs reconcile-day daily at 18:00 UTC (01:00 in Cambodia), retried twice within 6 hours', () => {
    const { s } = ids();
    const reconcile = s.stack.functions.get('reconcile-day');
    if (!reconcile) throw new Error('reconcile-day');
    s.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 18 * * ? *)',
      State: 'ENABLED',
      Targets: [
        {
          Id: Match.anyValue(),
          Arn: arn(logicalId(s, reconcile.function)),
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21_600 },
        },
      ],
    });
    s.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: ref(logicalId(s, reconcile.function)),
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21_600,
    });
  });

  it("runs reconcile-day for the day POST /reconciliations asks for: the request event's { day }, retried twice within 6 hours", () => {
    const { s, bus } = ids();
    const reconcile = s.stack.functions.get('reconcile-day');
    if (!reconcile) throw new Error('reconcile-day');
    s.template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: ref(bus),
      EventPattern: {
        source: ['payon.serverless.internal'],
        'detail-type': ['Reconciliation requested'],
      },
      State: 'ENABLED',
      Targets: [
        {
          Id: Match.anyValue(),
          Arn: arn(logicalId(s, reconcile.function)),
          InputPath: '$.detail',
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21_600 },
        },
      ],
    });
  });

  it('creates the merchant event bus payon-<stage> with a 30-day archive of its events', () => {
    const { s, bus } = ids();
    s.template.resourceCountIs('AWS::Events::EventBus', 1);
    s.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'payon-dev' });
    s.template.resourceCountIs('AWS::Events::Archive', 1);
    s.template.hasResourceProperties('AWS::Events::Archive', {
      ArchiveName: 'payon-dev-events',
      SourceArn: arn(bus),
      RetentionDays: 30,
      // Exactly the source the publisher writes (shared/events/envelope.ts).
      EventPattern: { source: [EVENT_SOURCE] },
    });
    const prod = synth({ stage: 'prod' }).template;
    prod.hasResourceProperties('AWS::Events::EventBus', { Name: 'payon-prod' });
    prod.hasResourceProperties('AWS::Events::Archive', { ArchiveName: 'payon-prod-events' });
  });
});

describe('PayonStack operations', () => {
  it('alarms on each function’s errors and throttles and on the API 5xx rate, to the encrypted topic', () => {
    const { s, key, topic } = ids();
    s.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: arn(key) });
    s.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
    for (const [operation, fn] of s.stack.functions) {
      for (const metric of ['Errors', 'Throttles']) {
        s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Lambda',
          MetricName: metric,
          Dimensions: [{ Name: 'FunctionName', Value: ref(logicalId(s, fn.function)) }],
          Statistic: 'Sum',
          Period: 300,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: [ref(topic)],
          AlarmDescription: Match.stringLikeRegexp(operation),
        });
      }
    }
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: [{ Name: 'ApiId', Value: ref(logicalId(s, s.stack.api)) }],
      Statistic: 'Average',
      Threshold: API_5XX_RATE_THRESHOLD,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [ref(topic)],
    });
    s.template.resourceCountIs(
      'AWS::CloudWatch::Alarm',
      2 * FUNCTIONS.length + 1 + Object.keys(OPERATOR_METRICS).length + 6,
    );
    s.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it.each(Object.keys(OPERATOR_METRICS))(
    'pages the operator on the first %s of the stage (custom metric)',
    (metricName) => {
      const { s, topic } = ids();
      s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'PayonServerless',
        MetricName: metricName,
        Dimensions: [{ Name: 'service', Value: 'payon-dev' }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [ref(topic)],
        AlarmDescription: Match.stringLikeRegexp(metricName.replace('.', '\\.')),
      });
    },
  );

  it('alarms when no reconciliation completed in a day, counting no data as none', () => {
    const { s, topic } = ids();
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'PayonServerless',
      MetricName: 'reconciliation.completed',
      Dimensions: [{ Name: 'service', Value: 'payon-dev' }],
      Statistic: 'Sum',
      Period: 86_400,
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [ref(topic)],
    });
  });

  it('alarms when the sweep has not run for 10 minutes, counting no data as not running', () => {
    const { s, topic } = ids();
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'PayonServerless',
      MetricName: 'sync-payments.runs',
      Dimensions: [{ Name: 'service', Value: 'payon-dev' }],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 2,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [ref(topic)],
    });
    // The stage's own service name: another stage's sweep never keeps this one quiet.
    synth({ stage: 'prod' }).template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'sync-payments.runs',
      Dimensions: [{ Name: 'service', Value: 'payon-prod' }],
    });
  });

  it('alarms when deliver-webhooks has not run for 10 minutes, and when a webhook backlog is 15 minutes late for 15 minutes', () => {
    const { s, topic } = ids();
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'PayonServerless',
      MetricName: 'deliver-webhooks.runs',
      Dimensions: [{ Name: 'service', Value: 'payon-dev' }],
      Statistic: 'Sum',
      EvaluationPeriods: 2,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [ref(topic)],
    });
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'PayonServerless',
      MetricName: 'webhooks.backlogAge',
      Dimensions: [{ Name: 'service', Value: 'payon-dev' }],
      Statistic: 'Maximum',
      Period: 300,
      EvaluationPeriods: 3,
      Threshold: WEBHOOK_BACKLOG_THRESHOLD_SECONDS,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [ref(topic)],
    });
  });

  it('shows each webhook endpoint on the dashboard by a SEARCH on its dimension: success rate, attempts, backlog age', () => {
    const { s } = ids();
    const dashboard = Object.values(s.template.findResources('AWS::CloudWatch::Dashboard'))[0];
    // The body is a Fn::Join of JSON text and references (region): the text, joined, is JSON.
    const joined = dashboard?.Properties?.DashboardBody as { 'Fn::Join': [string, unknown[]] };
    const parts = joined['Fn::Join'][1];
    const body = parts.map((p) => (typeof p === 'string' ? p : 'ap-southeast-1')).join('');
    const widgets = (
      JSON.parse(body) as {
        widgets: { properties: { metrics?: { expression?: string }[][] } }[];
      }
    ).widgets;
    const expressions = widgets.flatMap((w) =>
      (w.properties.metrics ?? []).flatMap((m) => m.flatMap((x) => x.expression ?? [])),
    );
    const searches = expressions.flatMap((e) => {
      const m =
        /SEARCH\('\{PayonServerless,endpoint,service\} service="payon-dev" MetricName="([\w.]+)"', '(\w+)', 300\)/.exec(
          e,
        );
      return m ? [`${m[1]} ${m[2]}`] : [];
    });
    expect(searches.sort()).toEqual([
      'webhooks.backlogAge Maximum',
      'webhooks.success Average',
      'webhooks.success SampleCount',
    ]);
    expect(expressions).toContainEqual(expect.stringMatching(/^100 \* SEARCH\(/));
  });

  it('alarms when EventBridge refused events in three 5-minute periods in a row', () => {
    const { s, topic } = ids();
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'PayonServerless',
      MetricName: 'events.deferred',
      Dimensions: [{ Name: 'service', Value: 'payon-dev' }],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 3,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [ref(topic)],
    });
  });

  it('alarms on the first message in the confirmation dead-letter queue', () => {
    const { s, topic, deadLetters } = ids();
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [deadLetters, 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [ref(topic)],
    });
  });

  it('subscribes alarmEmail to the topic', () => {
    synth({ alarmEmail: 'ops@shop.example.com' }).template.hasResourceProperties(
      'AWS::SNS::Subscription',
      { Protocol: 'email', Endpoint: 'ops@shop.example.com' },
    );
  });

  it('has a dashboard and outputs the API URL, table, secret name, alarm topic, notification URL and event bus', () => {
    const { s, table, topic, bus } = ids();
    s.template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'payon-dev' });
    s.template.hasOutput('TableName', { Value: ref(table) });
    s.template.hasOutput('MerchantSecretName', { Value: 'payon/dev' });
    s.template.hasOutput('AlarmTopicArn', { Value: ref(topic) });
    s.template.hasOutput('EventBusName', { Value: ref(bus) });
    const stageUrl = (s.stack.resolve(s.stack.stage.url) as { 'Fn::Join': [string, unknown[]] })[
      'Fn::Join'
    ][1];
    s.template.hasOutput('ApiUrl', { Value: { 'Fn::Join': ['', stageUrl] } });
    // The API URL with the route's path, the token left for the merchant to put in.
    s.template.hasOutput('NotificationUrl', {
      Value: {
        'Fn::Join': [
          '',
          [
            ...stageUrl.slice(0, -1),
            '/payon/notifications/<notificationToken of secret payon/dev>',
          ],
        ],
      },
    });
    expect(stageUrl.at(-1)).toBe('/');
    // The operator route's ARN, for an IAM policy the merchant writes: nothing grants it here.
    const [resolveArn] = Object.values(s.template.findOutputs('ResolvePaymentRouteArn'));
    expect(JSON.stringify(resolveArn?.Value)).toContain('/*/POST/payments/*/resolve');
    const iam = Object.entries(s.template.toJSON().Resources as Record<string, { Type: string }>)
      .filter(([, r]) => r.Type.startsWith('AWS::IAM::'))
      .map(([, r]) => r);
    expect(JSON.stringify(iam)).not.toContain('execute-api:Invoke');
    expect(Object.keys(s.template.findOutputs('EgressIp'))).toEqual([]);
    s.template.resourceCountIs('AWS::EC2::VPC', 0);
  });
});

describe('PayonStack fixed egress', () => {
  it('puts the functions in private subnets behind one NAT gateway and outputs its Elastic IP', () => {
    const s = synth({ fixedEgress: 'true' });
    const { template, stack } = s;
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.resourceCountIs('AWS::EC2::EIP', 1);
    const [eip] = Object.keys(template.findResources('AWS::EC2::EIP'));
    template.hasResourceProperties('AWS::EC2::NatGateway', {
      AllocationId: { 'Fn::GetAtt': [eip, 'AllocationId'] },
    });
    template.hasOutput('EgressIp', { Value: { 'Fn::GetAtt': [eip, 'PublicIp'] } });
    const privateSubnets = stack.vpc?.privateSubnets.map((subnet) =>
      ref(stack.getLogicalId(subnet.node.defaultChild as Parameters<typeof stack.getLogicalId>[0])),
    );
    const [sg] = Object.keys(template.findResources('AWS::EC2::SecurityGroup'));
    for (const fn of stack.functions.values()) {
      const resources = template.toJSON().Resources as Resources;
      expect(resources[logicalId(s, fn.function)]?.Properties?.VpcConfig).toEqual({
        SubnetIds: privateSubnets,
        SecurityGroupIds: [{ 'Fn::GetAtt': [sg, 'GroupId'] }],
      });
    }
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupEgress: [
        Match.objectLike({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
        Match.objectLike({
          CidrIp: '0.0.0.0/0',
          IpProtocol: 'tcp',
          FromPort: 36605,
          ToPort: 36605,
        }),
      ],
    });
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL' });
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway' });
  });
});

interface DashboardLine {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Record<string, string>;
  readonly stat: string;
  readonly period: number;
  readonly label: string;
}

interface Widget {
  readonly type: string;
  readonly properties: { title?: string; view?: string; metrics?: unknown[][] };
  readonly y: number;
}

/** The dashboard's widgets as CloudWatch reads the body (the region filled in). */
function dashboardWidgets(stage = 'dev'): Widget[] {
  const { template } = synth({ stage });
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as {
    Properties: { DashboardBody: { 'Fn::Join': [string, unknown[]] } };
  }[];
  const parts = dashboard?.Properties.DashboardBody['Fn::Join'][1] ?? [];
  const body = parts.map((part) => (typeof part === 'string' ? part : REGION)).join('');
  return (JSON.parse(body) as { widgets: Widget[] }).widgets;
}

/** `[namespace, name, dim, value, ..., {options}]` as a line. */
function dashboardLine(raw: unknown[]): DashboardLine {
  const options = raw.at(-1) as { stat: string; period: number; label: string };
  const [namespace, name, ...pairs] = raw.slice(0, -1) as string[];
  const dimensions: Record<string, string> = {};
  for (let i = 0; i < pairs.length; i += 2) dimensions[pairs[i] ?? ''] = pairs[i + 1] ?? '';
  return {
    namespace: namespace ?? '',
    name: name ?? '',
    dimensions,
    stat: options.stat,
    period: options.period,
    label: options.label,
  };
}

const dashboardLines = (title: string, stage = 'dev'): DashboardLine[] => {
  const widget = dashboardWidgets(stage).find((w) => w.properties.title === title);
  if (!widget) throw new Error(`no widget "${title}"`);
  return (widget.properties.metrics ?? []).map(dashboardLine);
};

// The day at a glance (issue 24): business widgets first, each line a metric the code emits, by
// the dimension sets it emits (test/unit/runtime/business-metrics.test.ts reads the EMF lines).
describe('the dashboard', () => {
  it('opens with the business, before the API and the functions', () => {
    const titles = dashboardWidgets()
      .filter((w) => w.type === 'metric')
      .map((w) => w.properties.title);
    expect(titles.slice(0, BUSINESS_WIDGETS.length)).toEqual(BUSINESS_WIDGETS.map((w) => w.title));
    expect(titles.slice(BUSINESS_WIDGETS.length)).toEqual([
      'API requests and errors',
      'API latency (p99)',
      'Function errors',
      'Function throttles',
      'Function duration (p99)',
      'Webhook success rate per endpoint (%)',
      'Webhook attempts per endpoint',
      'Webhook backlog age per endpoint (s past due)',
    ]);
    expect(
      dashboardWidgets().find((w) => w.properties.title === 'The last 24 hours')?.properties.view,
    ).toBe('singleValue');
  });

  it.each(BUSINESS_WIDGETS.map((w) => [w.title, w]))(
    '"%s" sums the business metrics, by a dimension set they are emitted with',
    (title, widget) => {
      const lines = dashboardLines(title);
      const expected = [...widget.left, ...(widget.right ?? [])];
      expect(lines.map((l) => [l.name, l.dimensions, l.label])).toEqual(
        expected.map((s) => [s.metric, { service: 'payon-dev', ...s.dimensions }, s.label]),
      );
      for (const l of lines) {
        expect(l).toMatchObject({ namespace: 'PayonServerless', stat: 'Sum' });
        expect(l.period).toBe(widget.hours * 3_600);
        const keys = Object.keys(l.dimensions)
          .filter((k) => k !== 'service')
          .sort();
        if (l.name in BUSINESS_METRICS) {
          const sets = BUSINESS_METRICS[l.name as keyof typeof BUSINESS_METRICS].dimensionSets.map(
            (set) => [...set].sort(),
          );
          expect(sets).toContainEqual(keys);
        } else {
          expect(METRIC_NAMES as readonly string[]).toContain(l.name);
          expect(keys).toEqual([]);
        }
      }
    },
  );

  it('graphs declined attempts for each payment method, and every attention flag', () => {
    expect(dashboardLines('Declined attempts by method').map((l) => l.dimensions)).toEqual(
      ['PAYON', 'CREDIT_DEBIT', 'PPCBANK_TRANSFER', 'BAKONG_KHQR'].map((method) => ({
        service: 'payon-dev',
        change: 'attempt_declined',
        method,
      })),
    );
    expect(
      dashboardLines('Attention flags raised').map((l) => [l.name, l.dimensions.flag]),
    ).toEqual(
      [
        'unknown_outcome',
        'escalated',
        'declined_attempt',
        'amount_mismatch',
        'push_disagreed',
        'late_confirmation',
      ].map((flag) => ['payments.attention', flag]),
    );
  });

  it('graphs amounts confirmed in USD, refunds, push disagreements and reconciliation differences by day', () => {
    expect(
      dashboardLines('Amounts confirmed').filter((l) => l.dimensions.currency === 'USD'),
    ).toEqual(
      ['succeeded', 'authorized', 'captured'].map((change) =>
        expect.objectContaining({
          name: 'payments.amount',
          dimensions: { service: 'payon-dev', change, currency: 'USD' },
        }),
      ),
    );
    expect(
      dashboardLines('Refunds and cancellations').map((l) => [l.name, l.dimensions.change]),
    ).toEqual([
      ['payments.changes', 'refunded'],
      ['payments.changes', 'cancelled'],
      ['payments.amount', 'refunded'],
      ['payments.amount', 'cancelled'],
    ]);
    expect(dashboardLines('Push disagreements').map((l) => l.name)).toEqual([
      'notifications.disagreed',
      'notifications.orphaned',
    ]);
    const differences = dashboardLines('Reconciliation exceptions by difference (per day)');
    expect(differences.map((l) => l.dimensions.difference)).toContain('missing_at_payon');
    expect(differences).toHaveLength(8);
    expect(new Set(differences.map((l) => l.period))).toEqual(new Set([86_400]));
  });

  it("reads the stage's own metrics (service dimension)", () => {
    const lines = dashboardLines('Payments by state (changes per hour)', 'prod');
    expect(new Set(lines.map((l) => l.dimensions.service))).toEqual(new Set(['payon-prod']));
  });
});
