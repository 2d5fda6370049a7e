/**
 * The payment API as the tests drive it: the real handlers, invoked with API Gateway v2 events,
 * against DynamoDB Local, Secrets Manager on moto and the PAYON sandbox. Each call of
 * {@link startApi} gets its own table, secret and sandbox.
 */
import { randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  CreateTableCommand,
  DynamoDBClient,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type {
  APIGatewayProxyStructuredResultV2,
  Context,
  ScheduledEvent,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { inject } from 'vitest';
import { ROUTES } from '#functions/index.ts';
import { type Sandbox, type SandboxOptions, startSandbox } from '#local/payon-sandbox/index.ts';
import { lambdaContext, matchRoute, toEvent } from '#local/runtime/apigw.ts';
import {
  createEventTap,
  InProcessConfirmQueue,
  InProcessReconciliationStarter,
  readTap,
  scheduledEvent,
} from '#local/runtime/background.ts';
import { type Edge, startEdge } from '#local/runtime/server.ts';
import { loadConfig } from '#shared/config/index.ts';
import { createPinEncryptor } from '#shared/crypto/rsa.ts';
import {
  type BindingEvent,
  isBindingEvent,
  isPaymentEvent,
  type MerchantEvent,
  type PaymentEvent,
  type ReconciliationEvent,
} from '#shared/events/envelope.ts';
import { EventBridgePublisher, type EventPublisher } from '#shared/events/publisher.ts';
import type { SweepReport } from '#shared/payments/sweep.ts';
import {
  createDependencies,
  type Dependencies,
  setDependencies,
} from '#shared/runtime/dependencies.ts';
import { createTableInput } from '#shared/store/table.ts';
import { webhookStore } from '#shared/store/webhooks.ts';
import type { WebhookRunReport } from '#shared/webhooks/deliver.ts';
import { KmsSecretSealer } from '#shared/webhooks/kms-sealer.ts';
import { systemWebhookNet, type WebhookNet } from '#shared/webhooks/net.ts';
import { LOCAL_AWS } from '#test/support/aws.ts';
import { IoCounter } from '#test/support/io.ts';
import { IoRecorder } from '#test/support/replay.ts';

export interface ApiResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  readonly text: string;
}

export interface CallOptions {
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  readonly idempotencyKey?: string;
  readonly timeoutMs?: number;
  readonly sourceIp?: string;
}

/** The merchant secret's notification token in every test environment. */
export const NOTIFICATION_TOKEN = 'n'.repeat(40);

/** The merchant secret's idempotencySecret in every test environment. */
export const IDEMPOTENCY_SECRET = 'i'.repeat(43);

export interface ApiEnvironment {
  readonly deps: Dependencies;
  readonly sandbox: Sandbox;
  readonly tableName: string;
  readonly dynamo: DynamoDBClient;
  call(method: string, pathAndQuery: string, options?: CallOptions): Promise<ApiResponse>;
  /** Every item in the table, unmarshalled. */
  scan(): Promise<Record<string, unknown>[]>;
  /** POSTs a push to the webhook route, with the right token unless another is given. */
  push(
    body: unknown,
    options?: { token?: string; sourceIp?: string; rawBody?: string },
  ): Promise<ApiResponse>;
  /** Runs the sweep once, as the schedule would. */
  sweep(): Promise<SweepReport>;
  /** Runs deliver-webhooks once, as its schedule (or the bus rule) would. */
  deliverWebhooks(): Promise<WebhookRunReport>;
  /** The KMS key (on moto) that seals webhook signing secrets. */
  readonly webhookKeyId: string;
  /** Waits until every push handed to confirmation has been handled. */
  settle(): Promise<void>;
  /** The in-process confirmation queue (the SQS hand-off); `down` makes hand-offs fail. */
  readonly confirmQueue: InProcessConfirmQueue;
  /** `POST /reconciliations`' runs: `idle()` waits for them. */
  readonly reconciliationStarter: InProcessReconciliationStarter;
  /** Payment events delivered to the bus since the last call (read through an SQS tap). */
  events(): Promise<PaymentEvent[]>;
  /** Saved-card events delivered since the last call. */
  bindingEvents(): Promise<BindingEvent[]>;
  /** Reconciliation events delivered since the last call. */
  reconciliationEvents(): Promise<ReconciliationEvent[]>;
  /** I/O counted at the boundaries (AWS commands, PAYON requests) since the last reset. */
  readonly io: IoCounter;
  /** Records an operation's I/O and replays it without the handler (per-request overhead). */
  readonly recorder: IoRecorder;
  /** A cold start: fresh dependencies (empty secret cache), as a new Lambda instance has. */
  coldStart(): void;
  /** The webhook over HTTP (for the sandbox's pushes), when started with `webhook: true`. */
  readonly notifyUrl: string | undefined;
  stop(): Promise<void>;
}

type Handler = (event: unknown, context: unknown) => Promise<APIGatewayProxyStructuredResultV2>;

export const RETURN_ORIGIN = 'https://shop.example.com';

export interface StartApiOptions {
  sandbox?: SandboxOptions;
  env?: Record<string, string>;
  clock?: () => Date;
  /** Serve the webhook over HTTP and point the sandbox's pushes at it. */
  webhook?: boolean;
  /**
   * `false`: no rule and queue on the bus, so events are published but not delivered (moto takes
   * about 200 ms to deliver each to SQS, which is not what a benchmark means to measure).
   */
  eventTap?: boolean;
  /** Wraps EventBridge delivery (fault tests). */
  publisher?: (real: EventPublisher) => EventPublisher;
  /** The webhook network's test parts: resolver, trusted CA, attempt timeout, jitter. */
  webhookNet?: Partial<Omit<WebhookNet, 'allowance'>>;
}

export async function startApi(options: StartApiOptions = {}): Promise<ApiEnvironment> {
  const dynamoEndpoint = inject('dynamoEndpoint');
  const motoEndpoint = inject('motoEndpoint');
  const sandbox = await startSandbox({ port: 0, log: false, seed: 7, ...options.sandbox });
  const dynamo = new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamoEndpoint });
  const secretsManager = new SecretsManagerClient({ ...LOCAL_AWS, endpoint: motoEndpoint });
  const tableName = `payon-test-${randomUUID()}`;
  await dynamo.send(new CreateTableCommand(createTableInput(tableName)));
  const secretId = `payon/test/${randomUUID()}`;
  await secretsManager.send(
    new CreateSecretCommand({
      Name: secretId,
      SecretString: JSON.stringify({
        merchantId: 'C0000143',
        termId: 'CT03000003',
        apiKey: 'sandbox-api-key',
        signingScheme: 'hmac-sha256',
        payonPublicKey: sandbox.payonPublicKeyPem,
        notificationToken: NOTIFICATION_TOKEN,
        idempotencySecret: IDEMPOTENCY_SECRET,
      }),
    }),
  );
  const kms = new KMSClient({ ...LOCAL_AWS, endpoint: motoEndpoint });
  const { KeyMetadata } = await kms.send(
    new CreateKeyCommand({ Description: 'payon test: webhook signing secrets' }),
  );
  const webhookKeyId = KeyMetadata?.Arn ?? '';
  const eventBridge = new EventBridgeClient({ ...LOCAL_AWS, endpoint: motoEndpoint });
  const sqs = new SQSClient({ ...LOCAL_AWS, endpoint: motoEndpoint });
  const busName = `payon-test-${randomUUID().slice(0, 8)}`;
  const tap =
    options.eventTap === false
      ? await eventBridge
          .send(new CreateEventBusCommand({ Name: busName }))
          .then(() => ({ busName, queueUrl: undefined }))
      : await createEventTap(eventBridge, sqs, busName);
  const confirmQueue = new InProcessConfirmQueue();
  const reconciliationStarter = new InProcessReconciliationStarter();
  const realPublisher = new EventBridgePublisher(eventBridge, tap.busName);
  const config = loadConfig({
    STAGE: 'test',
    PAYON_ENVIRONMENT: 'TEST',
    PAYON_BASE_URL: sandbox.url,
    PAYON_SECRET_ID: secretId,
    PAYON_TIMEOUT_MS: '1500',
    TABLE_NAME: tableName,
    RETURN_URL_ORIGINS: RETURN_ORIGIN,
    EVENT_BUS_NAME: tap.busName,
    WEBHOOK_KEY_ID: webhookKeyId,
    ...options.env,
  });
  const io = new IoCounter(sandbox);
  io.watch('dynamodb', dynamo);
  io.watch('secretsmanager', secretsManager);
  io.watch('eventbridge', eventBridge);
  io.watch('sqs', sqs);
  io.watch('kms', kms);
  const recorder = new IoRecorder();
  recorder.watch('dynamodb', dynamo);
  recorder.watch('eventbridge', eventBridge);
  const overrides = {
    dynamo,
    secretsManager,
    eventBridge,
    confirmQueue,
    reconciliationStarter,
    publisher: options.publisher ? options.publisher(realPublisher) : realPublisher,
    pinEncryption: createPinEncryptor,
    webhooks: webhookStore,
    webhookSealer: new KmsSecretSealer(kms, config.webhooks.keyId),
    webhookNet: systemWebhookNet(options.webhookNet),
    ...(options.clock ? { clock: options.clock } : {}),
  };
  const deps = createDependencies(config, overrides);
  setDependencies(deps);
  const handlers = new Map<string, Handler>();
  for (const route of ROUTES) {
    const module = (await import(`#functions/${route.function}/handler.ts`)) as {
      handler: Handler;
    };
    handlers.set(route.function, module.handler);
  }
  const confirm = (await import('#functions/confirm-notification/handler.ts')) as unknown as {
    handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
  };
  confirmQueue.attach(confirm.handler);
  const reconcile = (await import('#functions/reconcile-day/handler.ts')) as unknown as {
    handler: (event: unknown, context: Context) => Promise<unknown>;
  };
  reconciliationStarter.attach(reconcile.handler);
  const sync = (await import('#functions/sync-payments/handler.ts')) as unknown as {
    handler: (event: ScheduledEvent, context: Context) => Promise<SweepReport>;
  };
  const webhooks = (await import('#functions/deliver-webhooks/handler.ts')) as unknown as {
    handler: (event: ScheduledEvent, context: Context) => Promise<WebhookRunReport>;
  };
  let edge: Edge | undefined;
  if (options.webhook) {
    edge = await startEdge({
      routes: ROUTES.filter((r) => r.access === 'payon'),
      handlers,
      corsOrigins: [],
      port: 0,
    });
    sandbox.updateMerchant('C0000143', {
      notifyUrl: `${edge.url}/payon/notifications/${NOTIFICATION_TOKEN}`,
    });
  }
  const delivered: MerchantEvent[] = [];
  const drain = async <T extends MerchantEvent>(is: (e: MerchantEvent) => e is T): Promise<T[]> => {
    if (!tap.queueUrl) throw new Error('started with eventTap: false');
    delivered.push(...(await readTap(sqs, tap.queueUrl)));
    const wanted = delivered.filter(is);
    const rest = delivered.filter((e) => !is(e));
    delivered.splice(0, delivered.length, ...rest);
    return wanted;
  };
  const env: ApiEnvironment = {
    deps,
    sandbox,
    tableName,
    dynamo,
    confirmQueue,
    reconciliationStarter,
    io,
    recorder,
    coldStart() {
      const fresh = createDependencies(config, overrides);
      (env as { deps: Dependencies }).deps = fresh;
      setDependencies(fresh);
    },
    notifyUrl: edge ? `${edge.url}/payon/notifications/${NOTIFICATION_TOKEN}` : undefined,
    push(body, push = {}) {
      return env.call('POST', `/payon/notifications/${push.token ?? NOTIFICATION_TOKEN}`, {
        ...(push.rawBody === undefined ? { body } : { rawBody: push.rawBody }),
        ...(push.sourceIp ? { sourceIp: push.sourceIp } : {}),
      });
    },
    async sweep() {
      return sync.handler(scheduledEvent(), lambdaContext('sync-payments', 120_000));
    },
    async deliverWebhooks() {
      return webhooks.handler(scheduledEvent(), lambdaContext('deliver-webhooks', 120_000));
    },
    webhookKeyId,
    settle: () => confirmQueue.idle(),
    events: () => drain(isPaymentEvent),
    bindingEvents: () => drain(isBindingEvent),
    reconciliationEvents: () =>
      drain((e): e is ReconciliationEvent => e.type === 'reconciliation.completed'),
    async call(method, pathAndQuery, call = {}) {
      const [path = '', rawQueryString = ''] = pathAndQuery.split('?');
      for (const route of ROUTES) {
        if (route.method !== method) continue;
        const params = matchRoute(route.path, path);
        if (!params) continue;
        const handler = handlers.get(route.function);
        if (!handler) throw new Error(`no handler for ${route.function}`);
        const body =
          call.rawBody ?? (call.body === undefined ? undefined : JSON.stringify(call.body));
        const event = toEvent(
          {
            method,
            path,
            rawQueryString,
            headers: {
              ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
              ...(call.idempotencyKey ? { 'idempotency-key': call.idempotencyKey } : {}),
              ...call.headers,
            },
            body,
            ...(call.sourceIp ? { sourceIp: call.sourceIp } : {}),
          },
          route,
          params,
        );
        const result = await handler(event, lambdaContext(route.function, call.timeoutMs));
        const text = typeof result.body === 'string' ? result.body : '';
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON (redirects)
        }
        return {
          status: result.statusCode ?? 200,
          headers: Object.fromEntries(
            Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]),
          ),
          body: parsed,
          text,
        };
      }
      throw new Error(`no route for ${method} ${path}`);
    },
    async scan() {
      const items: Record<string, unknown>[] = [];
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await dynamo.send(
          new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }),
        );
        items.push(...(page.Items ?? []).map((i) => unmarshall(i)));
        start = page.LastEvaluatedKey;
      } while (start);
      return items;
    },
    async stop() {
      await edge?.close();
      await sandbox.stop();
    },
  };
  return env;
}
