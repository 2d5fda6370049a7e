/**
 * Everything a function needs, built once per cold start from the configuration: AWS clients,
 * stores, the PAYON client, Powertools. Tests build their own with {@link createDependencies}.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Config, getConfig } from '#shared/config/index.ts';
import { ConfigurationError } from '#shared/errors.ts';
import { EventBridgePublisher, type EventPublisher } from '#shared/events/publisher.ts';
import { EventRelay } from '#shared/events/relay.ts';
import type { ConfirmQueue } from '#shared/notifications/queue.ts';
import { PayonClient, type PayonClientOptions } from '#shared/payon/client.ts';
import { createTxIdGenerator } from '#shared/payon/txid.ts';
import type { ReconciliationStarter } from '#shared/reconciliation/starter.ts';
import { paymentMeasurements, publish } from '#shared/runtime/business-metrics.ts';
import { payonLatency } from '#shared/runtime/metrics.ts';
import type { Tracing } from '#shared/runtime/tracing.ts';
import { MerchantSecretProvider } from '#shared/secrets/provider.ts';
import { BindingStore } from '#shared/store/bindings.ts';
import { IdempotencyStore } from '#shared/store/idempotency.ts';
import { LeaseStore } from '#shared/store/leases.ts';
import { NotificationStore } from '#shared/store/notifications.ts';
import { OutboxStore } from '#shared/store/outbox.ts';
import { PaymentStore } from '#shared/store/payments.ts';
import { ReconciliationStore } from '#shared/store/reconciliations.ts';
import type { WebhookStore } from '#shared/store/webhooks.ts';
import type { WebhookNet } from '#shared/webhooks/net.ts';
import type { SecretSealer } from '#shared/webhooks/secrets.ts';
import { createTracing } from '#tracing';

export interface Dependencies {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Lambda's active tracing, or the SDK tracer when built in (shared/runtime/tracing.ts). */
  readonly tracer: Tracing;
  readonly payon: PayonClient;
  readonly secrets: MerchantSecretProvider;
  readonly payments: PaymentStore;
  readonly bindings: BindingStore;
  readonly idempotency: IdempotencyStore;
  readonly notifications: NotificationStore;
  readonly outbox: OutboxStore;
  readonly reconciliations: ReconciliationStore;
  /** One holder of a job at a time (the sweep). */
  readonly leases: LeaseStore;
  /** Delivers merchant events (also the payment store's outlet). */
  readonly events: EventRelay;
  readonly confirmQueue: ConfirmQueue;
  /** Hands a reconciliation run to the reconcile-day function (POST /reconciliations). */
  readonly reconciliationStarter: ReconciliationStarter;
  readonly clock: () => Date;
  readonly nextTxId: () => string;
  /**
   * Merchant webhook endpoints and deliveries. Only the webhook functions have it (they bring
   * `webhookStore`), so the other functions do not carry its code.
   */
  readonly webhooks: WebhookStore;
  /**
   * Seals and opens webhook signing secrets. Only the functions that make or use them have one
   * (they bring `kmsSecretSealer`, so the KMS client is bundled with them alone).
   */
  readonly webhookSealer: SecretSealer;
  /**
   * How webhooks reach the merchant: resolver, SSRF allowance, timeouts, jitter. Only
   * deliver-webhooks has it (`systemWebhookNet`).
   */
  readonly webhookNet: WebhookNet;
}

/** What a factory of {@link DependencyOverrides} is given to build its part. */
export interface BuildContext {
  readonly config: Config;
  /** Wraps an AWS client for X-Ray when the SDK tracer is built in, as every client here is. */
  readonly tracer: Tracing;
  /** The table's document client (for a store only some functions have). */
  readonly db: DynamoDBDocumentClient;
}

/** An override given as it is, or built from the configuration on the cold start. */
export type Part<T> = T | ((context: BuildContext) => T);

export interface DependencyOverrides {
  readonly dynamo?: DynamoDBClient;
  readonly secretsManager?: SecretsManagerClient;
  readonly eventBridge?: EventBridgeClient;
  /** Replaces EventBridge (the local runtime's log, fault tests). */
  readonly publisher?: EventPublisher;
  /**
   * The hand-off to confirmation. Only the webhook has one (it brings `sqsConfirmQueue`, so the SQS
   * client is bundled with it alone); the local runtime and tests hand pushes over in process.
   */
  readonly confirmQueue?: Part<ConfirmQueue>;
  /**
   * Starts a reconciliation run. Only start-reconciliation has one (it brings
   * `lambdaReconciliationStarter`, and with it the Lambda client); locally the run is in process.
   */
  readonly reconciliationStarter?: Part<ReconciliationStarter>;
  /** The webhook store (the webhook functions bring `webhookStore`). */
  readonly webhooks?: Part<WebhookStore>;
  /** Seals webhook signing secrets (KMS in AWS; moto or in memory locally). */
  readonly webhookSealer?: Part<SecretSealer>;
  /**
   * The webhook network: `systemWebhookNet()` in deliver-webhooks; tests and the local runtime
   * replace parts (resolver, trusted CAs, timeout, jitter, an attempt printer) the same way, never
   * through configuration.
   */
  readonly webhookNet?: Part<WebhookNet>;
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
  const metrics = new Metrics({
    serviceName,
    namespace: 'PayonServerless',
    // An invocation that counted nothing is normal here (a read, an idle sweep under `npm start`,
    // where functions share one process): Powertools' warning about it is a debug line, not noise.
    logger: {
      debug: (...args: unknown[]) => logger.debug(String(args[0])),
      info: (...args: unknown[]) => logger.info(String(args[0])),
      warn: (...args: unknown[]) =>
        String(args[0]).startsWith('No application metrics to publish')
          ? logger.debug(String(args[0]))
          : logger.warn(String(args[0])),
      error: (...args: unknown[]) => logger.error(String(args[0])),
    },
  });
  const tracer = createTracing(serviceName);
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
  const build = <T>(part: Part<T> | undefined, missing: T): T =>
    part === undefined
      ? missing
      : typeof part === 'function'
        ? (part as (context: BuildContext) => T)({ config, tracer, db })
        : part;
  const outbox = new OutboxStore(db, config.store.tableName);
  const publisher =
    overrides.publisher ??
    new EventBridgePublisher(
      overrides.eventBridge ?? tracer.captureAWSv3Client(new EventBridgeClient({})),
      config.events.busName,
    );
  const events = new EventRelay({
    stage: config.stage,
    outbox,
    publisher,
    clock,
    log: { warn: (message, extra) => logger.warn(message, extra ?? {}) },
    metrics,
  });
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
      observe: (_path, ms) => payonLatency(metrics, ms),
    }),
    payments: new PaymentStore(db, config.store.tableName, events, (write) =>
      publish(metrics, paymentMeasurements(write)),
    ),
    bindings: new BindingStore(db, config.store.tableName, events),
    notifications: new NotificationStore(db, config.store.tableName),
    outbox,
    reconciliations: new ReconciliationStore(db, config.store.tableName),
    leases: new LeaseStore(db, config.store.tableName),
    events,
    confirmQueue: build(overrides.confirmQueue, {
      enqueue: () => Promise.reject(missing('a confirmation queue')),
    }),
    reconciliationStarter: build(overrides.reconciliationStarter, {
      start: () => Promise.reject(missing('a reconciliation starter')),
    }),
    idempotency: new IdempotencyStore(
      db,
      config.store.tableName,
      config.payments.idempotencyTtlSeconds,
    ),
    clock,
    nextTxId: createTxIdGenerator({ leadingDigit: config.payments.txIdLeadingDigit }),
    webhooks: build(overrides.webhooks, unavailable<WebhookStore>('the webhook store')),
    webhookSealer: build(
      overrides.webhookSealer,
      unavailable<SecretSealer>('a webhook secret sealer'),
    ),
    webhookNet: build(overrides.webhookNet, unavailable<WebhookNet>('the webhook network')),
  };
}

const missing = (what: string) =>
  new ConfigurationError(`this function was built without ${what} (see dependenciesWith)`);

/** A part this function was built without: every use of it fails, naming it. */
function unavailable<T extends object>(what: string): T {
  return new Proxy({} as T, {
    get: (_target, property) =>
      property === 'then'
        ? undefined
        : () => {
            throw missing(what);
          },
  });
}

let built: Dependencies | undefined;

/** The process's dependencies, built on first use (cold start) from `getConfig()`. */
export function dependencies(): Dependencies {
  built ??= createDependencies(getConfig());
  return built;
}

/**
 * The process's dependencies with overrides a function's own bundle brings, so that what one
 * function needs is bundled with it alone: the functions that send PINs pass
 * `{ pinEncryption: createPinEncryptor }` (node-forge), the webhook `{ confirmQueue: sqsConfirmQueue }`
 * (SQS), start-reconciliation `{ reconciliationStarter: lambdaReconciliationStarter }` (Lambda).
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
