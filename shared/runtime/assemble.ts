/**
 * How a function's dependencies are put together, without any AWS client but DynamoDB's: the core
 * every function has (configuration, Powertools, the table's stores, the event relay) and the parts
 * only some bring (`dependenciesWith`), each built on its first use. A function's handler names the
 * parts it needs, so that its bundle carries those clients and no others: the merchant secret and
 * PAYON (`secretsManagerSecrets`, `payonGateway`) where its descriptor says `merchantSecret`, the
 * EventBridge publisher (`eventBridgePublisher`) where it says `publishEvents`, the SQS, Lambda
 * and KMS parts in the functions that use them. `#shared/runtime/dependencies.ts` builds every
 * part (tests, the local runtime).
 *
 * @example
 * ```ts
 * export const handler = apiHandler(
 *   getPaymentRoute,
 *   dependenciesWith({ secrets: secretsManagerSecrets, payon: payonGateway }),
 *   async ({ path }, deps) => json(200, paymentView(await getPayment(deps, path.id))),
 * );
 * ```
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Config, getConfig } from '#shared/config/index.ts';
import { ConfigurationError } from '#shared/errors.ts';
import type { EventPublisher } from '#shared/events/publisher.ts';
import { EventRelay } from '#shared/events/relay.ts';
import type { ConfirmQueue } from '#shared/notifications/queue.ts';
import type { PayonClient, PayonClientOptions } from '#shared/payon/client.ts';
import { createTxIdGenerator } from '#shared/payon/txid.ts';
import type { ReconciliationStarter } from '#shared/reconciliation/starter.ts';
import { paymentMeasurements, publish } from '#shared/runtime/business-metrics.ts';
import type { Tracing } from '#shared/runtime/tracing.ts';
import type { MerchantSecretProvider } from '#shared/secrets/provider.ts';
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
  /** Calls PAYON. Only the functions that read the merchant secret have it (`payonGateway`). */
  readonly payon: PayonClient;
  /** The merchant secret (`secretsManagerSecrets`: the Secrets Manager client comes with it). */
  readonly secrets: MerchantSecretProvider;
  readonly payments: PaymentStore;
  readonly bindings: BindingStore;
  readonly idempotency: IdempotencyStore;
  readonly notifications: NotificationStore;
  readonly outbox: OutboxStore;
  readonly reconciliations: ReconciliationStore;
  /** One holder of a job at a time (the sweep). */
  readonly leases: LeaseStore;
  /**
   * Delivers merchant events (also the payment store's outlet), through the publisher the function
   * brings (`eventBridgePublisher`); without one an event stays in the outbox for the sweep.
   */
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
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The other parts (built on first use: PAYON's client reads the merchant secret's). */
  readonly deps: Dependencies;
  /** What the function or test gave: clients and options a factory uses instead of its own. */
  readonly overrides: DependencyOverrides;
}

/** An override given as it is, or built from the configuration on its first use. */
export type Part<T> = T | ((context: BuildContext) => T);

export interface DependencyOverrides {
  readonly dynamo?: DynamoDBClient;
  /** The client `secretsManagerSecrets` uses instead of its own. */
  readonly secretsManager?: SecretsManagerClient;
  /** The client `eventBridgePublisher` uses instead of its own. */
  readonly eventBridge?: EventBridgeClient;
  /** The merchant secret: `secretsManagerSecrets` (shared/secrets/provider.ts). */
  readonly secrets?: Part<MerchantSecretProvider>;
  /** PAYON: `payonGateway` (shared/payon/client.ts), signing with `secrets`. */
  readonly payon?: Part<PayonClient>;
  /**
   * Where events go: `eventBridgePublisher` (shared/events/publisher.ts); the local runtime's log
   * and fault tests replace it.
   */
  readonly publisher?: Part<EventPublisher>;
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
  /** `payonGateway`'s PIN encryption (node-forge: the two functions that send PINs). */
  readonly pinEncryption?: PayonClientOptions['pinEncryption'];
}

/** The parts a function may lack (each built on its first use). */
type OptionalPart =
  | 'secrets'
  | 'payon'
  | 'confirmQueue'
  | 'reconciliationStarter'
  | 'webhooks'
  | 'webhookSealer'
  | 'webhookNet';

/** What a function built without the part has in its place: every use fails, naming it. */
const WITHOUT: { readonly [K in OptionalPart]: () => Dependencies[K] } = {
  secrets: () => unavailable('the merchant secret'),
  payon: () => unavailable('the PAYON client'),
  confirmQueue: () => ({ enqueue: () => Promise.reject(missing('a confirmation queue')) }),
  reconciliationStarter: () => ({
    start: () => Promise.reject(missing('a reconciliation starter')),
  }),
  webhooks: () => unavailable('the webhook store'),
  webhookSealer: () => unavailable('a webhook secret sealer'),
  webhookNet: () => unavailable('the webhook network'),
};

/**
 * The function's dependencies from the configuration: the core now, each part of `overrides` on
 * its first use (a cold start pays only for the clients its path uses), and every part the
 * function was built without failing on use, naming it.
 */
export function assembleDependencies(
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
  const clock = overrides.clock ?? (() => new Date());
  const deps = {} as Dependencies;
  const context: BuildContext = { config, tracer, db, logger, metrics, deps, overrides };
  const build = <T>(part: Part<T>): T =>
    typeof part === 'function' ? (part as (context: BuildContext) => T)(context) : part;
  let publisher: EventPublisher | undefined;
  const outbox = new OutboxStore(db, config.store.tableName);
  const events = new EventRelay({
    stage: config.stage,
    outbox,
    // Built when the first event goes out; without one the event waits in the outbox (as it
    // would in AWS, where such a function may not put events).
    publisher: {
      publish: async (batch) => {
        if (overrides.publisher === undefined) throw missing('an event publisher');
        publisher ??= build(overrides.publisher);
        return publisher.publish(batch);
      },
    },
    clock,
    log: { warn: (message, extra) => logger.warn(message, extra ?? {}) },
    metrics,
  });
  Object.assign(deps, {
    config,
    logger,
    metrics,
    tracer,
    payments: new PaymentStore(db, config.store.tableName, events, (write) =>
      publish(metrics, paymentMeasurements(write)),
    ),
    bindings: new BindingStore(db, config.store.tableName, events),
    notifications: new NotificationStore(db, config.store.tableName),
    outbox,
    reconciliations: new ReconciliationStore(db, config.store.tableName),
    leases: new LeaseStore(db, config.store.tableName),
    events,
    idempotency: new IdempotencyStore(
      db,
      config.store.tableName,
      config.payments.idempotencyTtlSeconds,
    ),
    clock,
    nextTxId: createTxIdGenerator({ leadingDigit: config.payments.txIdLeadingDigit }),
  } satisfies Omit<Dependencies, OptionalPart>);
  // Plain properties once built (or replaced: the bench's recorder wraps PAYON's client).
  const settle = (name: OptionalPart, value: unknown) =>
    Object.defineProperty(deps, name, { value, enumerable: true, writable: true });
  for (const name of Object.keys(WITHOUT) as OptionalPart[]) {
    Object.defineProperty(deps, name, {
      enumerable: true,
      configurable: true,
      get() {
        const part = overrides[name];
        const value = part === undefined ? WITHOUT[name]() : build(part);
        settle(name, value);
        return value;
      },
      set(value: unknown) {
        settle(name, value);
      },
    });
  }
  return deps;
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

/**
 * The process's dependencies with the parts a function's own bundle brings, built on first use
 * (cold start) from `getConfig()`: the functions that call PAYON pass
 * `{ secrets: secretsManagerSecrets, payon: payonGateway }`, those that move payments
 * `publisher: eventBridgePublisher` too, those that send PINs `pinEncryption: createPinEncryptor`
 * (node-forge), the webhook `confirmQueue: sqsConfirmQueue` (SQS), start-reconciliation
 * `reconciliationStarter: lambdaReconciliationStarter` (Lambda).
 */
export function dependenciesWith(overrides: DependencyOverrides): () => Dependencies {
  return () => {
    built ??= assembleDependencies(getConfig(), overrides);
    return built;
  };
}

/** Replaces the process's dependencies (tests, the local runtime). */
export function setDependencies(deps: Dependencies): void {
  built = deps;
}
