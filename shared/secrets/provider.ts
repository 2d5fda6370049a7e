/**
 * The one way to read the merchant's PAYON secret: a cached provider over the real Secrets Manager
 * client (injectable for tests and local runs).
 *
 * - Reads are cached for `ttlMs` (default 5 minutes); concurrent reads share one call.
 * - `get({ forceRefresh: true })` skips the cache: the PAYON client uses it once after a 401, when
 *   the key may have been rotated.
 * - Errors say which secret and what is wrong with it, never its value.
 *
 * @example
 * ```ts
 * const secrets = new MerchantSecretProvider({ secretId: 'payon/dev' });
 * const { merchantId, termId } = await secrets.get();
 * ```
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigurationError } from '#shared/errors.ts';
import {
  describeSecretProblems,
  type MerchantSecret,
  merchantSecretSchema,
} from '#shared/secrets/merchant-secret.ts';

export interface MerchantSecretProviderOptions {
  /** Name or ARN of the secret. */
  readonly secretId: string;
  /** Defaults to a client built from the environment (region, endpoint, credentials). */
  readonly client?: SecretsManagerClient;
  /** How long a value is reused; default 300 000 ms. 0 disables the cache. */
  readonly ttlMs?: number;
  /** Clock in epoch milliseconds; tests replace it. */
  readonly now?: () => number;
}

export interface GetSecretOptions {
  /** Ask Secrets Manager even if a cached value is still fresh. */
  readonly forceRefresh?: boolean;
}

/** Secrets Manager errors that mean "this secret cannot be read as configured". */
const NOT_READABLE = new Set([
  'ResourceNotFoundException',
  'AccessDeniedException',
  'DecryptionFailure',
  'InvalidRequestException',
  'InvalidParameterException',
]);

export class MerchantSecretProvider {
  readonly #secretId: string;
  readonly #client: SecretsManagerClient;
  readonly #ttlMs: number;
  readonly #now: () => number;
  #cached: { value: MerchantSecret; expiresAt: number } | undefined;
  #inFlight: Promise<MerchantSecret> | undefined;

  constructor(options: MerchantSecretProviderOptions) {
    this.#secretId = options.secretId;
    this.#client = options.client ?? new SecretsManagerClient({});
    this.#ttlMs = options.ttlMs ?? 300_000;
    this.#now = options.now ?? Date.now;
  }

  /** The current secret, from the cache while fresh. */
  async get(options: GetSecretOptions = {}): Promise<MerchantSecret> {
    if (!options.forceRefresh && this.#cached && this.#now() < this.#cached.expiresAt) {
      return this.#cached.value;
    }
    if (this.#inFlight) {
      return this.#inFlight;
    }
    this.#inFlight = this.#fetch().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  /**
   * The secret's `idempotencySecret`. A secret without it (a deployment upgraded from a version
   * that had none) is read once more, skipping the cache, so the field takes effect as soon as the
   * merchant adds it; then this refuses with a message naming the field and the fix.
   *
   * @throws {ConfigurationError} when the secret has no `idempotencySecret`.
   * @example
   * ```ts
   * const hmacKey = await secrets.idempotencySecret();
   * ```
   */
  async idempotencySecret(): Promise<string> {
    const cached = (await this.get()).idempotencySecret;
    if (cached !== undefined) return cached;
    const fresh = (await this.get({ forceRefresh: true })).idempotencySecret;
    if (fresh !== undefined) return fresh;
    throw new ConfigurationError(
      `Secret '${this.#secretId}' has no idempotencySecret: add one (32 to 128 random characters of A-Z a-z 0-9 _ -, e.g. from \`openssl rand -base64 48 | tr '+/' '-_' | tr -d =\`) and keep it; money-moving requests are refused until then. See docs/deployment.md ("Upgrading").`,
    );
  }

  async #fetch(): Promise<MerchantSecret> {
    const value = parseMerchantSecret(this.#secretId, await this.#read());
    this.#cached = { value, expiresAt: this.#now() + this.#ttlMs };
    return value;
  }

  async #read(): Promise<string> {
    try {
      const output = await this.#client.send(
        new GetSecretValueCommand({ SecretId: this.#secretId }),
      );
      if (output.SecretString === undefined) {
        throw new ConfigurationError(
          `Secret '${this.#secretId}' has no string value: store the merchant secret as JSON text.`,
        );
      }
      return output.SecretString;
    } catch (error) {
      if (error instanceof ConfigurationError) throw error;
      const name = error instanceof Error ? error.name : 'UnknownError';
      if (NOT_READABLE.has(name)) {
        throw new ConfigurationError(
          `Secret '${this.#secretId}' cannot be read (${name}): check that it exists in this account and region and that this function may read it.`,
        );
      }
      // Throttling, network faults: the caller may retry; keep the SDK error (it holds no value).
      throw error;
    }
  }
}

/**
 * Parses and checks a secret's JSON text. The message names the secret and the fields at fault.
 * It never includes the text or the JSON parser's message (which quotes the text).
 *
 * @throws {ConfigurationError}
 */
export function parseMerchantSecret(secretId: string, text: string): MerchantSecret {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigurationError(
      `Secret '${secretId}' is not valid JSON: store it in the shape of docs/configuration.md.`,
    );
  }
  const parsed = merchantSecretSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigurationError(
      `Secret '${secretId}' is malformed: ${describeSecretProblems(parsed.error, json).join('; ')}. See docs/configuration.md.`,
    );
  }
  return parsed.data;
}
