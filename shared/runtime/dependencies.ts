/**
 * Everything a function needs, built once per cold start from the configuration: AWS clients,
 * stores, the PAYON client, Powertools. Tests build their own with {@link createDependencies}.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Config, getConfig } from '#shared/config/index.ts';
import { EventBridgePublisher, type EventPublisher } from '#shared/events/publisher.ts';
import { EventRelay } from '#shared/events/relay.ts';
import { type ConfirmQueue, SqsConfirmQueue } from '#shared/notifications/queue.ts';
import { PayonClient, type PayonClientOptions } from '#shared/payon/client.ts';
import { createTxIdGenerator } from '#shared/payon/txid.ts';
import {
  LambdaReconciliationStarter,
  type ReconciliationStarter,
} from '#shared/reconciliation/starter.ts';
import { MerchantSecretProvider } from '#shared/secrets/provider.ts';
import { BindingStore } from '#shared/store/bindings.ts';
import { IdempotencyStore } from '#shared/store/idempotency.ts';
import { NotificationStore } from '#shared/store/notifications.ts';
import { OutboxStore } from '#shared/store/outbox.ts';
import { PaymentStore } from '#shared/store/payments.ts';
import { ReconciliationStore } from '#shared/store/reconciliations.ts';

export interface Dependencies {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly tracer: Tracer;
  readonly payon: PayonClient;
  readonly secrets: MerchantSecretProvider;
  readonly payments: PaymentStore;
  readonly bindings: BindingStore;
  readonly idempotency: IdempotencyStore;
  readonly notifications: NotificationStore;
  readonly outbox: OutboxStore;
  readonly reconciliations: ReconciliationStore;
  /** Delivers merchant events (also the payment store's outlet). */
  readonly events: EventRelay;
  readonly confirmQueue: ConfirmQueue;
  /** Hands a reconciliation run to the reconcile-day function (POST /reconciliations). */
  readonly reconciliationStarter: ReconciliationStarter;
  readonly clock: () => Date;
  readonly nextTxId: () => string;
}

export interface DependencyOverrides {
  readonly dynamo?: DynamoDBClient;
  readonly secretsManager?: SecretsManagerClient;
  readonly eventBridge?: EventBridgeClient;
  readonly sqs?: SQSClient;
  /** Replaces EventBridge (the local runtime's log, fault tests). */
  readonly publisher?: EventPublisher;
  /** Replaces SQS (the local runtime hands pushes to the confirmation handler in process). */
  readonly confirmQueue?: ConfirmQueue;
  /** Replaces the asynchronous Lambda invoke (the local runtime runs reconcile-day in process). */
  readonly reconciliationStarter?: ReconciliationStarter;
  readonly fetch?: typeof fetch;
  readonly clock?: () => Date;
  readonly pinEncryption?: PayonClientOptions['pinEncryption'];
}

export function createDependencies(
  config: Config,
  overrides: DependencyOverrides = {},
): Dependencies {
  const serviceName = `payon-${config.stage}`;
  const logger = new Logger({ serviceName });
  const metrics = new Metrics({ serviceName, namespace: 'PayonServerless' });
  const tracer = new Tracer({ serviceName });
  const dynamo = overrides.dynamo ?? tracer.captureAWSv3Client(new DynamoDBClient({}));
  const db = DynamoDBDocumentClient.from(dynamo, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const secrets = new MerchantSecretProvider({
    secretId: config.secrets.merchantSecretId,
    client: overrides.secretsManager ?? tracer.captureAWSv3Client(new SecretsManagerClient({})),
    ttlMs: config.secrets.cacheTtlMs,
  });
  const clock = overrides.clock ?? (() => new Date());
  const outbox = new OutboxStore(db, config.store.tableName);
  const publisher =
    overrides.publisher ??
    new EventBridgePublisher(
      overrides.eventBridge ?? tracer.captureAWSv3Client(new EventBridgeClient({})),
      config.events.busName,
    );
  const events = new EventRelay(
    config.stage,
    outbox,
    publisher,
    clock,
    { warn: (message, extra) => logger.warn(message, extra ?? {}) },
    metrics,
  );
  return {
    config,
    logger,
    metrics,
    tracer,
    secrets,
    payon: new PayonClient({
      config: config.payon,
      secrets,
      log: { warn: (message, extra) => logger.warn(message, extra ?? {}) },
      ...(overrides.fetch ? { fetch: overrides.fetch } : {}),
      ...(overrides.pinEncryption ? { pinEncryption: overrides.pinEncryption } : {}),
    }),
    payments: new PaymentStore(db, config.store.tableName, events),
    bindings: new BindingStore(db, config.store.tableName, events),
    notifications: new NotificationStore(db, config.store.tableName),
    outbox,
    reconciliations: new ReconciliationStore(db, config.store.tableName),
    events,
    confirmQueue:
      overrides.confirmQueue ??
      new SqsConfirmQueue(
        overrides.sqs ?? tracer.captureAWSv3Client(new SQSClient({})),
        config.notifications.confirmQueueUrl,
      ),
    reconciliationStarter:
      overrides.reconciliationStarter ??
      new LambdaReconciliationStarter(
        tracer.captureAWSv3Client(new LambdaClient({})),
        config.reconciliation.functionName,
      ),
    idempotency: new IdempotencyStore(
      db,
      config.store.tableName,
      config.payments.idempotencyTtlSeconds,
    ),
    clock,
    nextTxId: createTxIdGenerator(() => clock().getTime()),
  };
}

let built: Dependencies | undefined;

/** The process's dependencies, built on first use (cold start) from `getConfig()`. */
export function dependencies(): Dependencies {
  built ??= createDependencies(getConfig());
  return built;
}

/**
 * The process's dependencies with overrides a function's own bundle brings: the functions that send
 * PINs pass `{ pinEncryption: createPinEncryptor }`, so that node-forge is bundled with them only.
 */
export function dependenciesWith(overrides: DependencyOverrides): () => Dependencies {
  return () => {
    built ??= createDependencies(getConfig(), overrides);
    return built;
  };
}

/** Replaces the process's dependencies (tests, the local runtime). */
export function setDependencies(deps: Dependencies): void {
  built = deps;
}
