/**
 * The whole system on one machine: DynamoDB Local, Secrets Manager (moto, or a small in-memory
 * stand-in without it), the PAYON sandbox (or another PAYON), and the local edge calling the same
 * handlers from the same route table as API Gateway does in AWS.
 */
import { randomBytes } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, ScheduledEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ROUTES } from '#functions/index.ts';
import { type ProfileName, type Sandbox, startSandbox } from '#local/payon-sandbox/index.ts';
import { lambdaContext } from '#local/runtime/apigw.ts';
import {
  createEventTap,
  InProcessConfirmQueue,
  InProcessReconciliationStarter,
  readTap,
  SweepSummary,
  scheduledEvent,
  startDailyAt,
  startTimer,
} from '#local/runtime/background.ts';
import { startSecretsFallback } from '#local/runtime/secrets-fallback.ts';
import { type Edge, type LambdaHandler, startEdge } from '#local/runtime/server.ts';
import {
  commandWorks,
  holdPort,
  portIsFree,
  type RunningService,
  startDynamoLocal,
  startMoto,
} from '#local/runtime/services.ts';
import { staticFiles } from '#local/runtime/statics.ts';
import { DemoWebhookReceiver } from '#local/runtime/webhook-receiver.ts';
import {
  type Config,
  ENVIRONMENT_VARIABLES,
  type EnvironmentVariable,
  loadConfig,
} from '#shared/config/index.ts';
import { createPinEncryptor } from '#shared/crypto/rsa.ts';
import { dayBefore } from '#shared/domain/business-day.ts';
import { ConfigurationError } from '#shared/errors.ts';
import { isBindingEvent, type MerchantEvent } from '#shared/events/envelope.ts';
import type { EventPublisher } from '#shared/events/publisher.ts';
import type { SweepReport } from '#shared/payments/sweep.ts';
import { RECONCILIATION_HOUR_UTC } from '#shared/reconciliation/starter.ts';
import { createDependencies, setDependencies } from '#shared/runtime/dependencies.ts';
import type { MerchantSecret } from '#shared/secrets/merchant-secret.ts';
import { parseMerchantSecret } from '#shared/secrets/provider.ts';
import type { ReconciliationReport } from '#shared/store/reconciliations.ts';
import { createTableInput } from '#shared/store/table.ts';
import { webhookStore } from '#shared/store/webhooks.ts';
import { KmsSecretSealer } from '#shared/webhooks/kms-sealer.ts';
import { type AttemptReport, systemWebhookNet } from '#shared/webhooks/net.ts';
import { InMemorySecretSealer, type SecretSealer } from '#shared/webhooks/secrets.ts';

/** A start-up problem the user can fix; printed as one line, never as a stack trace. */
export class LocalStartError extends Error {
  override readonly name = 'LocalStartError';
}

/**
 * Function settings `npm start` makes itself: the names of what it creates, the PAYON it talks to
 * (the sandbox's URL or `PAYON_BASE_URL`), the origins of its own API (added to
 * `RETURN_URL_ORIGINS`), and the in-process stand-in of the confirmation queue.
 */
const SET_BY_START: ReadonlySet<EnvironmentVariable> = new Set([
  'STAGE',
  'PAYON_SECRET_ID',
  'PAYON_BASE_URL',
  'TABLE_NAME',
  'EVENT_BUS_NAME',
  'RETURN_URL_ORIGINS',
  'CONFIRM_QUEUE_URL',
  'WEBHOOK_KEY_ID',
  'WEBHOOKS_ALLOW_LOCAL_TARGETS',
]);

/** The settings of docs/configuration.md that `npm start` hands to the functions as they are. */
export const PASSED_THROUGH: readonly EnvironmentVariable[] = (
  Object.keys(ENVIRONMENT_VARIABLES) as EnvironmentVariable[]
).filter((name) => !SET_BY_START.has(name));

export type PayonTarget =
  | {
      readonly kind: 'sandbox';
      readonly port: number;
      readonly seed?: number;
      readonly apiKey: string;
      /** The sandbox's PAYON profile (LOCAL_SANDBOX_PROFILE); default `default`. */
      readonly profile?: ProfileName;
    }
  | {
      readonly kind: 'external';
      readonly baseUrl: string;
      /** The merchant's own secret JSON (merchantId, termId, apiKey, ...). */
      readonly secretJson: string;
    };

export interface LocalOptions {
  readonly apiPort: number;
  readonly dynamoPort: number;
  readonly awsPort: number;
  readonly payon: PayonTarget;
  readonly corsOrigins: readonly string[];
  readonly returnOrigins: readonly string[];
  /** Values of {@link PASSED_THROUGH} settings (`PAYON_TIMEOUT_MS`, ...); others are ignored. */
  readonly settings?: Readonly<Partial<Record<EnvironmentVariable, string>>>;
  /** Progress and request lines. */
  readonly log: (line: string) => void;
  /** Use moto when it is on PATH (default true). */
  readonly preferMoto?: boolean;
  /** How often the status sweep runs (the stack runs it every minute). */
  readonly sweepIntervalMs?: number;
  /** How often webhooks due are delivered (the stack: every minute and on every event). */
  readonly webhookIntervalMs?: number;
}

export interface LocalSystem {
  readonly apiUrl: string;
  readonly sandbox: Sandbox | undefined;
  readonly payonUrl: string;
  readonly dynamoEndpoint: string;
  readonly awsEndpoint: string;
  readonly tableName: string;
  readonly secretId: string;
  readonly exampleCurl: string;
  /** The URL PAYON pushes notifications to (it holds the secret token). */
  readonly notifyUrl: string;
  /** Where merchant events go: an EventBridge bus on moto, or the console only. */
  readonly eventBus: string;
  /** The demo shop's webhook endpoint (registered at start) and its receiver's URL. */
  readonly demoWebhook: { readonly endpointId: string; readonly url: string } | undefined;
  stop(): Promise<void>;
}

const REGION = 'ap-southeast-1';
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const TABLE_NAME = 'payon-local';
const SECRET_ID = 'payon/local';
const BUS_NAME = 'payon-local';

/** The functions' configuration, as `#shared/config` reads it at a cold start in AWS. */
function functionConfig(
  options: LocalOptions,
  apiPort: number,
  payonUrl: string,
  webhookKeyId?: string,
): Config {
  const settings = Object.fromEntries(
    PASSED_THROUGH.flatMap((name) => {
      const value = options.settings?.[name];
      return value === undefined ? [] : [[name, value]];
    }),
  );
  try {
    return loadConfig({
      PAYON_ENVIRONMENT: 'TEST',
      ...settings,
      STAGE: 'local',
      PAYON_BASE_URL: payonUrl,
      PAYON_SECRET_ID: SECRET_ID,
      TABLE_NAME,
      EVENT_BUS_NAME: BUS_NAME,
      // Local endpoints (the demo shop's receiver) are plain http on loopback: allowed here only.
      WEBHOOKS_ALLOW_LOCAL_TARGETS: 'true',
      ...(webhookKeyId ? { WEBHOOK_KEY_ID: webhookKeyId } : {}),
      RETURN_URL_ORIGINS: [
        `http://localhost:${apiPort}`,
        `http://127.0.0.1:${apiPort}`,
        ...options.returnOrigins,
      ].join(','),
    });
  } catch (error) {
    if (error instanceof ConfigurationError) throw new LocalStartError(error.message);
    throw error;
  }
}

async function checkPorts(ports: [string, string, number][]): Promise<void> {
  for (const [what, variable, port] of ports) {
    if (port !== 0 && !(await portIsFree(port))) {
      throw new LocalStartError(
        `port ${port} (${what}) is already in use: free it or set ${variable} to another port`,
      );
    }
  }
}

export async function startLocal(options: LocalOptions): Promise<LocalSystem> {
  const { log } = options;
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    stops.length = 0;
  };
  try {
    // A port of 0 means "any free one"; the API's is fixed now, since return URLs name it, and
    // held until the API serves on it, so that no other process can take it meanwhile.
    const apiHold = await holdPort(options.apiPort).catch(() => {
      throw new LocalStartError(
        `port ${options.apiPort} (API) is already in use: free it or set LOCAL_API_PORT to another port`,
      );
    });
    stops.push(() => apiHold.release());
    const apiPort = apiHold.port;
    // Settings are checked before anything starts; the sandbox's URL is known once it runs.
    const planned = functionConfig(
      options,
      apiPort,
      options.payon.kind === 'external'
        ? options.payon.baseUrl
        : `http://127.0.0.1:${options.payon.port || 36_605}`,
    ).payon;
    await checkPorts([
      ['DynamoDB Local', 'LOCAL_DYNAMO_PORT', options.dynamoPort],
      ['Secrets Manager', 'LOCAL_AWS_PORT', options.awsPort],
      ...(options.payon.kind === 'sandbox'
        ? ([['PAYON sandbox', 'LOCAL_SANDBOX_PORT', options.payon.port]] as [
            string,
            string,
            number,
          ][])
        : []),
    ]);
    if (!(await commandWorks('java', ['-version']))) {
      throw new LocalStartError(
        'Java was not found: DynamoDB Local runs on Java 17 (Debian: apt-get install -y openjdk-17-jre-headless)',
      );
    }

    log('• starting DynamoDB Local …');
    const dynamo: RunningService = await startDynamoLocal(options.dynamoPort || undefined);
    stops.push(() => dynamo.stop());
    log(`  ✓ DynamoDB Local   ${dynamo.endpoint}`);

    const useMoto = options.preferMoto !== false && (await commandWorks('moto_server', ['--help']));
    log(
      `• starting ${useMoto ? 'moto (Secrets Manager, EventBridge)' : 'the in-memory Secrets Manager (moto_server not on PATH)'} …`,
    );
    const aws: RunningService = useMoto
      ? await startMoto(options.awsPort || undefined)
      : await startSecretsFallback(options.awsPort);
    stops.push(() => aws.stop());
    log(`  ✓ Secrets Manager  ${aws.endpoint}`);

    let sandbox: Sandbox | undefined;
    let payonUrl: string;
    let secret: MerchantSecret;
    if (options.payon.kind === 'sandbox') {
      log('• starting the PAYON sandbox …');
      sandbox = await startSandbox({
        port: options.payon.port,
        log: (line) => log(`  [sandbox] ${line}`),
        merchants: [
          {
            merchantId: 'C0000143',
            termId: 'CT03000003',
            apiKey: options.payon.apiKey,
            signingScheme: 'hmac-sha256',
            name: 'Local Merchant',
          },
        ],
        ...(options.payon.seed !== undefined ? { seed: options.payon.seed } : {}),
        ...(options.payon.profile !== undefined ? { profile: options.payon.profile } : {}),
        // The sandbox speaks the dialect the settings choose, so that every setting can be tried.
        rsaPadding: planned.rsaPadding,
        bindingPinEncryption: planned.bindingPinEncryption,
        createBindingPaths: [planned.paths.createBinding],
        pinVerificationPath: planned.paths.pinVerification,
        ...(planned.authHeader ? { authHeader: planned.authHeader } : {}),
      });
      const running = sandbox;
      stops.push(() => running.stop());
      payonUrl = sandbox.url;
      secret = {
        merchantId: 'C0000143',
        termId: 'CT03000003',
        apiKey: options.payon.apiKey,
        signingScheme: 'hmac-sha256',
        payonPublicKey: sandbox.payonPublicKeyPem,
        notificationToken: randomBytes(24).toString('base64url'),
        idempotencySecret: randomBytes(32).toString('base64url'),
      };
      log(
        `  ✓ PAYON sandbox    ${sandbox.url}${sandbox.profile() === 'default' ? '' : `  (profile ${sandbox.profile()})`}`,
      );
    } else {
      payonUrl = options.payon.baseUrl;
      try {
        const parsed = parseMerchantSecret('LOCAL_MERCHANT_SECRET_FILE', options.payon.secretJson);
        // Local records live as long as the process: a file without one gets a fresh key.
        secret = {
          ...parsed,
          idempotencySecret: parsed.idempotencySecret ?? randomBytes(32).toString('base64url'),
        };
      } catch (error) {
        throw new LocalStartError((error as Error).message);
      }
      log(`• using PAYON at ${payonUrl} (no sandbox)`);
    }

    const tableName = TABLE_NAME;
    const secretId = SECRET_ID;
    const busName = BUS_NAME;
    const dynamoClient = new DynamoDBClient({
      region: REGION,
      credentials: CREDENTIALS,
      endpoint: dynamo.endpoint,
    });
    const secretsClient = new SecretsManagerClient({
      region: REGION,
      credentials: CREDENTIALS,
      endpoint: aws.endpoint,
    });
    await dynamoClient.send(new CreateTableCommand(createTableInput(tableName)));
    await secretsClient.send(
      new CreateSecretCommand({ Name: secretId, SecretString: JSON.stringify(secret) }),
    );
    log(`  ✓ table ${tableName} and secret ${secretId} created`);

    // Webhook signing secrets: sealed by a KMS key on moto, as in AWS; in memory without moto.
    const kms = useMoto
      ? new KMSClient({ region: REGION, credentials: CREDENTIALS, endpoint: aws.endpoint })
      : undefined;
    const webhookKeyId = kms
      ? (await kms.send(new CreateKeyCommand({ Description: 'payon local: webhook secrets' })))
          .KeyMetadata?.Arn
      : undefined;
    const config = functionConfig(options, apiPort, payonUrl, webhookKeyId);
    const webhookSealer: SecretSealer = kms
      ? new KmsSecretSealer(kms, webhookKeyId)
      : new InMemorySecretSealer();
    // Merchant events: on moto, a real EventBridge bus with a rule into a queue that is read back
    // and printed; without moto, printed as they are published.
    const printEvent = (event: MerchantEvent) =>
      log(
        event.type === 'reconciliation.completed'
          ? `  [event] ${event.type} ${event.id} day ${event.reconciliation.day}`
          : isBindingEvent(event)
            ? `  [event] ${event.type} ${event.id} customer ${event.customer.clientId}${event.binding ? ` binding ${event.binding.id} ${event.binding.status}` : ''}`
            : `  [event] ${event.type} ${event.id} payment ${event.payment.id} ${event.payment.state}`,
      );
    const awsClientConfig = { region: REGION, credentials: CREDENTIALS, endpoint: aws.endpoint };
    const eventBridge = new EventBridgeClient(awsClientConfig);
    const sqs = new SQSClient(awsClientConfig);
    const tap = useMoto ? await createEventTap(eventBridge, sqs, busName) : undefined;
    const consolePublisher: EventPublisher = {
      async publish(events) {
        for (const event of events) printEvent(event);
        return { delivered: events.map((e) => e.id), failed: new Map() };
      },
    };
    const confirmQueue = new InProcessConfirmQueue();
    const reconciliationStarter = new InProcessReconciliationStarter((error) =>
      log(`  [reconciliation] failed: ${error instanceof Error ? error.name : 'error'}`),
    );
    setDependencies(
      createDependencies(config, {
        dynamo: dynamoClient,
        secretsManager: secretsClient,
        eventBridge,
        confirmQueue,
        reconciliationStarter,
        ...(tap ? {} : { publisher: consolePublisher }),
        pinEncryption: createPinEncryptor,
        webhooks: webhookStore,
        webhookSealer,
        webhookNet: systemWebhookNet({ onAttempt: (attempt) => log(attemptLine(attempt)) }),
      }),
    );
    const confirm = (await import('#functions/confirm-notification/handler.ts')) as unknown as {
      handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
    };
    confirmQueue.attach(confirm.handler);
    const sync = (await import('#functions/sync-payments/handler.ts')) as unknown as {
      handler: (event: ScheduledEvent, context: Context) => Promise<SweepReport>;
    };
    const sweepIntervalMs = options.sweepIntervalMs ?? 10_000;
    const summary = new SweepSummary(sweepIntervalMs, log);
    const sweep = startTimer(sweepIntervalMs, async () => {
      summary.add(
        await sync
          .handler(scheduledEvent(), lambdaContext('sync-payments', 120_000))
          .catch(() => undefined),
      );
    });
    stops.push(() => sweep.stop());
    stops.push(() => confirmQueue.idle());
    // Reconciliation: on demand through the API, and daily at 01:00 in Cambodia as in AWS.
    const reconcile = (await import('#functions/reconcile-day/handler.ts')) as unknown as {
      handler: (event: unknown, context: Context) => Promise<ReconciliationReport | undefined>;
    };
    reconciliationStarter.attach(async (event, context) => {
      const report = await reconcile.handler(event, context);
      if (report) {
        log(
          `  [reconciliation] ${report.day}: ${report.counts.matched} matched, ${report.counts.healed} healed, ${report.counts.exceptions} exceptions`,
        );
      }
      return report;
    });
    const daily = startDailyAt(RECONCILIATION_HOUR_UTC, async () => {
      await reconciliationStarter.start(dayBefore(new Date()));
    });
    stops.push(() => daily.stop());
    stops.push(() => reconciliationStarter.idle());
    // Webhooks: what the stack's schedule and bus rule do, every few seconds here.
    const webhooks = (await import('#functions/deliver-webhooks/handler.ts')) as unknown as {
      handler: (event: ScheduledEvent, context: Context) => Promise<unknown>;
    };
    const webhookTimer = startTimer(options.webhookIntervalMs ?? 2_000, async () => {
      await webhooks
        .handler(scheduledEvent(), lambdaContext('deliver-webhooks', 120_000))
        .catch(() => undefined);
    });
    stops.push(() => webhookTimer.stop());
    if (tap) {
      const reader = startTimer(1_000, async () => {
        for (const event of await readTap(sqs, tap.queueUrl)) printEvent(event);
      });
      stops.push(() => reader.stop());
    }
    log(
      `  ✓ sweep every ${sweepIntervalMs / 1_000} s; events ${tap ? `on EventBridge bus ${busName} (moto)` : 'printed here'}`,
    );
    const handlers = new Map<string, LambdaHandler>();
    for (const route of ROUTES) {
      const module = (await import(`#functions/${route.function}/handler.ts`)) as {
        handler: LambdaHandler;
      };
      handlers.set(route.function, module.handler);
    }
    const receiver = new DemoWebhookReceiver();
    const edge: Edge = await startEdge({
      routes: ROUTES,
      handlers,
      corsOrigins: options.corsOrigins,
      port: apiHold.listener,
      log: (line) => log(`  [api] ${line}`),
      statics: staticFiles(),
      local: new Map([[DEMO_WEBHOOK_PATH, receiver.page]]),
    });
    stops.push(() => edge.close());
    // The demo shop's own endpoint, registered through the API as a merchant would.
    const demoWebhook = await registerDemoWebhook(edge.url, receiver);
    log(
      demoWebhook
        ? `  ✓ Webhooks         ${demoWebhook.url} (endpoint ${demoWebhook.endpointId}, every event)`
        : '  ! the demo shop could not register its webhook endpoint',
    );
    const notifyUrl = `${edge.url}/payon/notifications/${secret.notificationToken}`;
    if (sandbox) {
      sandbox.updateMerchant('C0000143', { returnUrl: `${edge.url}/return`, notifyUrl });
    }
    log(`  ✓ API              ${edge.url}`);
    log(`  ✓ Demo shop        ${edge.url}/demo/`);
    log(`  ✓ Operator console ${edge.url}/console/`);
    log(`  ✓ OpenAPI          ${edge.url}/openapi.json`);

    const port = edge.port;
    const exampleCurl = [
      `curl -sS -X POST http://127.0.0.1:${port}/payments`,
      `-H 'content-type: application/json'`,
      `-H 'Idempotency-Key: ${randomBytes(8).toString('hex')}'`,
      `-d '{"amount":{"value":"12.50","currency":"USD"},"paymentMethod":"CREDIT_DEBIT","returnUrl":"http://localhost:${port}/"}'`,
    ].join(' ');
    return {
      apiUrl: edge.url,
      sandbox,
      payonUrl,
      dynamoEndpoint: dynamo.endpoint,
      awsEndpoint: aws.endpoint,
      tableName,
      secretId,
      exampleCurl,
      notifyUrl,
      eventBus: tap ? `${busName} (EventBridge on moto)` : 'printed to this console',
      demoWebhook,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Where the demo shop receives its webhooks on the local API. */
export const DEMO_WEBHOOK_PATH = '/demo/webhooks';

/** Registers the demo shop's receiver as an endpoint for every event; its secret goes to it. */
async function registerDemoWebhook(
  apiUrl: string,
  receiver: DemoWebhookReceiver,
): Promise<{ endpointId: string; url: string } | undefined> {
  const url = `${apiUrl}${DEMO_WEBHOOK_PATH}`;
  try {
    const answer = await fetch(`${apiUrl}/webhook-endpoints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url, events: ['*'], description: 'the demo shop (npm start)' }),
    });
    if (answer.status !== 201) return undefined;
    const created = (await answer.json()) as { id: string; secret: string };
    receiver.secret = created.secret;
    return { endpointId: created.id, url };
  } catch {
    return undefined;
  }
}

/** One webhook attempt as `npm start` prints it (never the body or a secret). */
export function attemptLine({ eventType, eventId, url, attempt, state }: AttemptReport): string {
  const target = url.replace(/\?.*$/, '');
  const head = `  [webhook] ${eventType} ${eventId} → ${target}`;
  if (attempt.outcome === 'succeeded')
    return `${head} ${attempt.statusCode} (${attempt.durationMs} ms)`;
  const why = `${attempt.outcome}${attempt.error ? ` ${attempt.error}` : ''}`;
  return state === 'failed'
    ? `${head} failed (${why}); given up`
    : `${head} failed (${why}); next ${attempt.nextAttemptAt?.slice(11, 19) ?? '?'} UTC`;
}
