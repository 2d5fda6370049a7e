/**
 * The AWS parts most functions bring, apart from ./assemble.ts so that each is bundled only with
 * the functions whose handler names it (esbuild leaves out the others: these are plain functions
 * and the SDK's packages declare no side effects). Where a descriptor says `merchantSecret`: the
 * merchant secret, read from Secrets Manager and cached, and the PAYON client that signs with it
 * (a function that only checks a token or keys an HMAC takes the secret alone); where it says
 * `publishEvents`: the EventBridge publisher. A function without the grant has no client either.
 *
 * @example
 * ```ts
 * dependenciesWith({
 *   secrets: secretsManagerSecrets,
 *   payon: payonGateway,
 *   publisher: eventBridgePublisher,
 * });
 * ```
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { EventBridgePublisher, type EventPublisher } from '#shared/events/publisher.ts';
import { PayonClient } from '#shared/payon/client.ts';
import type { BuildContext } from '#shared/runtime/assemble.ts';
import { payonLatency } from '#shared/runtime/metrics.ts';
import { MerchantSecretProvider } from '#shared/secrets/provider.ts';

/** The merchant secret from Secrets Manager (the context's client, or one of its own). */
export function secretsManagerSecrets({
  config,
  tracer,
  overrides,
}: BuildContext): MerchantSecretProvider {
  return new MerchantSecretProvider({
    secretId: config.secrets.merchantSecretId,
    client: overrides.secretsManager ?? tracer.captureAWSv3Client(new SecretsManagerClient({})),
    ttlMs: config.secrets.cacheTtlMs,
  });
}

/** PAYON, signing with the function's merchant secret and timing each call (`payon.latency`). */
export function payonGateway({
  config,
  logger,
  metrics,
  deps,
  overrides,
}: BuildContext): PayonClient {
  return new PayonClient({
    config: config.payon,
    secrets: deps.secrets,
    log: { warn: (message, extra) => logger.warn(message, extra ?? {}) },
    ...(overrides.fetch ? { fetch: overrides.fetch } : {}),
    ...(overrides.pinEncryption ? { pinEncryption: overrides.pinEncryption } : {}),
    observe: (_path, ms) => payonLatency(metrics, ms),
  });
}

/** The stage's bus, for a function that moves payments (the context's client, or one of its own). */
export function eventBridgePublisher({ config, tracer, overrides }: BuildContext): EventPublisher {
  return new EventBridgePublisher(
    overrides.eventBridge ?? tracer.captureAWSv3Client(new EventBridgeClient({})),
    config.events.busName,
  );
}

/**
 * What a function that calls PAYON and announces what changed brings: the merchant secret, PAYON's
 * client and the EventBridge publisher (most payment and binding functions).
 */
export const PAYON_WITH_EVENTS = {
  secrets: secretsManagerSecrets,
  payon: payonGateway,
  publisher: eventBridgePublisher,
} as const;
