/**
 * Configuration: the only module that reads `process.env`. It is read once, at cold start, and a
 * missing or malformed value stops the function with one message that names every problem.
 * Nothing secret is configured here: keys live in Secrets Manager (see `#shared/secrets`).
 *
 * @example
 * ```ts
 * const config = getConfig(); // at module top level of a handler: once per cold start
 * config.payon.baseUrl;       // 'http://pgtest.payon.com.kh:36605'
 * ```
 */
import { isIP } from 'node:net';
import { RSA_PADDINGS, type RsaPadding } from '#shared/crypto/rsa-padding.ts';
import type { Currency } from '#shared/domain/money.ts';
import { ConfigurationError } from '#shared/errors.ts';
import { badPortProblem } from '#shared/payon/bad-ports.ts';

// Assumed (docs/payon-assumptions.md A5): the ports of PAYON's links.
/** PAYON's environments and their base URLs (docs/payon-api.md#environments; A5). */
export const PAYON_BASE_URLS = {
  TEST: 'http://pgtest.payon.com.kh:36605',
  PRODUCTION: 'https://pg.payon.com.kh:35505',
} as const;
export type PayonEnvironment = keyof typeof PAYON_BASE_URLS;

/**
 * Create Binding's documented path, and the one its own example posts to
 * (docs/payon-api.md#create-binding; A13).
 */
export const CREATE_BINDING_PATHS = ['/pg/binding/register', '/pg/createBinding'] as const;
export type CreateBindingPath = (typeof CREATE_BINDING_PATHS)[number];

export interface Config {
  /**
   * Deployment stage (`dev`, `prod`, ...): names the secret and the resources of one deployment.
   */
  readonly stage: string;
  readonly payon: {
    readonly environment: PayonEnvironment;
    /** Without a trailing slash. */
    readonly baseUrl: string;
    /** Time allowed for one HTTP call to PAYON, in milliseconds. */
    readonly timeoutMs: number;
    /**
     * Padding of RSA-encrypted PINs (docs/payon-assumptions.md A4: PKCS#1 v1.5 unless PAYON says
     * otherwise).
     */
    readonly rsaPadding: RsaPadding;
    /**
     * Header that carries the API key on every call, or undefined for none
     * (docs/payon-assumptions.md A6).
     */
    readonly authHeader: string | undefined;
    /** Paths PAYON documents ambiguously or not at all (docs/payon-assumptions.md A13, A15). */
    readonly paths: {
      readonly createBinding: CreateBindingPath;
      readonly pinVerification: string;
    };
    /** Whether Create Binding's `pin` and `payonPin` are RSA-encrypted like Create Binding PIN. */
    readonly bindingPinEncryption: 'rsa' | 'plain';
  };
  readonly store: {
    /** The DynamoDB table of `#shared/store/table.ts`. */
    readonly tableName: string;
  };
  readonly payments: {
    /** How long an Idempotency-Key is remembered. */
    readonly idempotencyTtlSeconds: number;
    /**
     * An order not paid within this time is expired (docs/payon-assumptions.md A31: 15 minutes).
     */
    readonly orderExpiryMinutes: number;
    /**
     * How long past its expiry a declined payment waits before it is FAILED
     * (docs/payon-assumptions.md A35: 10 minutes): PAYON's late answers land in between.
     */
    readonly failureGraceMinutes: number;
    /** The first digit of every txId this stage makes (1–9): one per stage sharing a terminal. */
    readonly txIdLeadingDigit: number;
    /** Origins a payment's `returnUrl` may point to (no open redirect). */
    readonly returnUrlOrigins: readonly string[];
    /**
     * Where `/return` sends a txId that is not a recent payment's (malformed, unknown, or past its
     * expiry plus an hour): an absolute https URL, or a path of this API (default `/return`, a
     * plain "you can close this page").
     */
    readonly returnFallbackUrl: string;
    /**
     * Currencies the API takes (docs/payon-assumptions.md A8: only USD, as PAYON says; KHR behind
     * `KHR_ENABLED`).
     */
    readonly currencies: readonly Currency[];
  };
  readonly events: {
    /** The EventBridge bus merchant events go to (name or ARN). */
    readonly busName: string;
  };
  readonly notifications: {
    /** The SQS queue a received push is handed to for confirmation (the webhook only). */
    readonly confirmQueueUrl: string | undefined;
    /**
     * Source addresses PAYON's pushes may come from (CIDRs); empty = any (the URL token still
     * applies).
     */
    readonly sourceCidrs: readonly string[];
  };
  readonly bindings: {
    /** Binding and PIN requests per customer per window (fixed windows). */
    readonly rateLimit: { readonly limit: number; readonly windowMs: number };
  };
  readonly reconciliation: {
    /** Items per merchant reconciliation request (PAYON documents no limit). */
    readonly batchSize: number;
  };
  readonly webhooks: {
    /** The KMS key that seals webhook signing secrets (create, rotate, deliver). */
    readonly keyId: string | undefined;
    /**
     * `npm start` only: webhooks may go to `http://` URLs, any port and loopback addresses.
     * Refused inside AWS Lambda (docs/webhooks.md, "Limits"); the stack never sets it.
     */
    readonly allowLocalTargets: boolean;
  };
  readonly secrets: {
    /** Name or ARN of the merchant's PAYON secret in Secrets Manager. */
    readonly merchantSecretId: string;
    /** How long a read secret is reused before Secrets Manager is asked again. */
    readonly cacheTtlMs: number;
  };
}

/** Every variable this module reads, with what it means; the README's table is built from it. */
export const ENVIRONMENT_VARIABLES = {
  STAGE: 'required; deployment stage, 1-32 of a-z 0-9 -',
  PAYON_ENVIRONMENT: 'required; TEST or PRODUCTION',
  PAYON_SECRET_ID: 'required; name or ARN of the merchant secret in Secrets Manager',
  PAYON_BASE_URL:
    'optional; overrides the environment base URL (HTTPS required in PRODUCTION; not a port fetch refuses)',
  PAYON_TIMEOUT_MS: 'optional; 500-30000, default 8000',
  PAYON_RSA_PADDING: `optional; ${RSA_PADDINGS.join(' | ')}, default pkcs1`,
  PAYON_AUTH_HEADER: 'optional; header name that carries the API key, default none',
  SECRET_CACHE_TTL_SECONDS: 'optional; 0-3600, default 300',
  PAYON_CREATE_BINDING_PATH: `optional; ${CREATE_BINDING_PATHS.join(' | ')}, default /pg/binding/register`,
  PAYON_PIN_VERIFICATION_PATH: 'optional; a /pg/... path, default /pg/binding/pinVerification',
  PAYON_BINDING_PIN_ENCRYPTION: 'optional; rsa | plain, default rsa',
  TABLE_NAME: 'required; the DynamoDB table name',
  IDEMPOTENCY_TTL_HOURS: 'optional; 24-744, default 24',
  ORDER_EXPIRY_MINUTES: 'optional; 1-1440, default 15',
  FAILURE_GRACE_MINUTES: 'optional; 0-1440, default 10',
  TXID_LEADING_DIGIT: 'optional; 1-9, default 1',
  RETURN_FALLBACK_URL: 'optional; an https URL or a path of this API, default /return',
  KHR_ENABLED: 'optional; true | false, default false (only USD is accepted)',
  RETURN_URL_ORIGINS:
    'optional; comma-separated https origins (http only for localhost) a returnUrl may use',
  EVENT_BUS_NAME: 'required; the EventBridge bus (name or ARN) merchant events are sent to',
  CONFIRM_QUEUE_URL: 'optional (required by the webhook); SQS queue URL for received pushes',
  RECONCILE_BATCH_SIZE:
    'optional; items per PAYON merchant reconciliation request, 1-1000, default 100',
  BINDING_RATE_LIMIT:
    'optional; binding and PIN requests one customer may make every 15 minutes, 1-1000, default 10',
  NOTIFY_SOURCE_CIDRS:
    'optional; comma-separated IPv4/IPv6 CIDRs PAYON pushes may come from, default any',
  WEBHOOK_KEY_ID:
    'optional (required by the webhook endpoint functions and deliver-webhooks); the KMS key (id, ARN or alias) that seals webhook signing secrets',
  WEBHOOKS_ALLOW_LOCAL_TARGETS:
    'optional; true lets webhooks go to http:// URLs, any port and loopback (npm start only: refused inside AWS Lambda), default false',
} as const;
export type EnvironmentVariable = keyof typeof ENVIRONMENT_VARIABLES;

type Env = Readonly<Record<string, string | undefined>>;

class Reader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  private raw(name: EnvironmentVariable): string | undefined {
    const value = this.env[name]?.trim();
    return value === '' ? undefined : value;
  }

  private fail(name: EnvironmentVariable, value: string | undefined): undefined {
    const got = value === undefined ? 'it is not set' : `got "${value.slice(0, 80)}"`;
    this.problems.push(`${name} must be ${ENVIRONMENT_VARIABLES[name]} (${got})`);
    return undefined;
  }

  string(name: EnvironmentVariable, pattern: RegExp): string | undefined {
    const value = this.raw(name);
    return value !== undefined && pattern.test(value) ? value : this.fail(name, value);
  }

  optionalString(name: EnvironmentVariable, pattern: RegExp): string | undefined {
    const value = this.raw(name);
    return value === undefined || pattern.test(value) ? value : this.fail(name, value);
  }

  oneOf<T extends string>(
    name: EnvironmentVariable,
    allowed: readonly T[],
    fallback?: T,
  ): T | undefined {
    const value = this.raw(name);
    if (value === undefined && fallback !== undefined) return fallback;
    return allowed.find((a) => a === value) ?? this.fail(name, value);
  }

  integer(
    name: EnvironmentVariable,
    { min, max, fallback }: { min: number; max: number; fallback: number },
  ): number | undefined {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    return n >= min && n <= max ? n : this.fail(name, value);
  }

  origins(name: EnvironmentVariable): string[] | undefined {
    const value = this.raw(name);
    if (value === undefined) return [];
    const origins: string[] = [];
    for (const part of value
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      try {
        const url = new URL(part);
        const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
        if (
          (url.protocol === 'https:' || (local && url.protocol === 'http:')) &&
          url.origin === part.replace(/\/$/, '')
        ) {
          origins.push(url.origin);
          continue;
        }
      } catch {
        // reported below
      }
      return this.fail(name, value);
    }
    return origins;
  }

  cidrs(name: EnvironmentVariable): string[] | undefined {
    const value = this.raw(name);
    if (value === undefined) return [];
    const parts = value
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    const valid = parts.every((part) => {
      const [address = '', bits, extra] = part.split('/');
      const family = isIP(address);
      if (family === 0 || extra !== undefined) return false;
      if (bits === undefined) return true;
      const n = /^\d{1,3}$/.test(bits) ? Number(bits) : -1;
      return n >= 0 && n <= (family === 4 ? 32 : 128);
    });
    return valid ? parts : this.fail(name, value);
  }

  url(name: EnvironmentVariable, requireHttps: boolean): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    try {
      const url = new URL(value);
      const okScheme = url.protocol === 'https:' || (!requireHttps && url.protocol === 'http:');
      if (okScheme && !url.search && !url.hash && !url.username && !url.password) {
        return url.href.replace(/\/+$/, '');
      }
    } catch {
      // reported below
    }
    return this.fail(name, value);
  }
}

/**
 * Reads and checks the configuration from an environment. Pure: tests pass their own object.
 *
 * @throws {ConfigurationError} naming every missing or malformed variable.
 */
export function loadConfig(env: Env): Config {
  const read = new Reader(env);
  const stage = read.string('STAGE', /^[a-z0-9][a-z0-9-]{0,31}$/);
  const environment = read.oneOf('PAYON_ENVIRONMENT', ['TEST', 'PRODUCTION'] as const);
  const merchantSecretId = read.string('PAYON_SECRET_ID', /^[\w/+=.@:-]{1,2048}$/);
  const override = read.url('PAYON_BASE_URL', environment !== 'TEST');
  const badPort = override === undefined ? undefined : badPortProblem('PAYON_BASE_URL', override);
  if (badPort !== undefined) read.problems.push(badPort);
  const timeoutMs = read.integer('PAYON_TIMEOUT_MS', { min: 500, max: 30_000, fallback: 8_000 });
  const rsaPadding = read.oneOf('PAYON_RSA_PADDING', RSA_PADDINGS, 'pkcs1');
  const authHeader = read.optionalString('PAYON_AUTH_HEADER', /^[A-Za-z0-9-]{1,64}$/);
  const ttlSeconds = read.integer('SECRET_CACHE_TTL_SECONDS', {
    min: 0,
    max: 3_600,
    fallback: 300,
  });
  const createBinding = read.oneOf(
    'PAYON_CREATE_BINDING_PATH',
    CREATE_BINDING_PATHS,
    '/pg/binding/register',
  );
  const pinVerification =
    read.optionalString('PAYON_PIN_VERIFICATION_PATH', /^\/pg(\/[A-Za-z0-9_-]+)+$/) ??
    '/pg/binding/pinVerification';
  const tableName = read.string('TABLE_NAME', /^[A-Za-z0-9_.-]{3,255}$/);
  const idempotencyTtlHours = read.integer('IDEMPOTENCY_TTL_HOURS', {
    min: 24,
    max: 744,
    fallback: 24,
  });
  const orderExpiryMinutes = read.integer('ORDER_EXPIRY_MINUTES', {
    min: 1,
    max: 1_440,
    fallback: 15,
  });
  const failureGraceMinutes = read.integer('FAILURE_GRACE_MINUTES', {
    min: 0,
    max: 1_440,
    fallback: 10,
  });
  const txIdLeadingDigit = read.integer('TXID_LEADING_DIGIT', { min: 1, max: 9, fallback: 1 });
  const returnUrlOrigins = read.origins('RETURN_URL_ORIGINS');
  const khrEnabled = read.oneOf('KHR_ENABLED', ['true', 'false'] as const, 'false');
  const returnFallbackUrl =
    read.optionalString('RETURN_FALLBACK_URL', /^(\/[\x21-\x7e]*|https:\/\/[\x21-\x7e]+)$/) ??
    '/return';
  const busName = read.string('EVENT_BUS_NAME', /^[A-Za-z0-9._\-/:]{1,1600}$/);
  const confirmQueueUrl = read.url('CONFIRM_QUEUE_URL', false);
  const sourceCidrs = read.cidrs('NOTIFY_SOURCE_CIDRS');
  const reconcileBatchSize = read.integer('RECONCILE_BATCH_SIZE', {
    min: 1,
    max: 1_000,
    fallback: 100,
  });
  const bindingRateLimit = read.integer('BINDING_RATE_LIMIT', { min: 1, max: 1_000, fallback: 10 });
  const webhookKeyId = read.optionalString('WEBHOOK_KEY_ID', /^[A-Za-z0-9:/_.-]{1,2048}$/);
  const allowLocalTargets = read.oneOf(
    'WEBHOOKS_ALLOW_LOCAL_TARGETS',
    ['true', 'false'] as const,
    'false',
  );
  if (allowLocalTargets === 'true' && env.AWS_LAMBDA_FUNCTION_NAME !== undefined) {
    // Defence in depth: the stack never sets it (an infra test holds that), and a Lambda refuses it.
    read.problems.push(
      'WEBHOOKS_ALLOW_LOCAL_TARGETS must not be set inside AWS Lambda (it is for npm start only)',
    );
  }
  const bindingPinEncryption = read.oneOf(
    'PAYON_BINDING_PIN_ENCRYPTION',
    ['rsa', 'plain'] as const,
    'rsa',
  );

  if (
    read.problems.length > 0 ||
    stage === undefined ||
    environment === undefined ||
    merchantSecretId === undefined ||
    timeoutMs === undefined ||
    rsaPadding === undefined ||
    ttlSeconds === undefined ||
    createBinding === undefined ||
    bindingPinEncryption === undefined ||
    tableName === undefined ||
    idempotencyTtlHours === undefined ||
    orderExpiryMinutes === undefined ||
    failureGraceMinutes === undefined ||
    txIdLeadingDigit === undefined ||
    returnUrlOrigins === undefined ||
    khrEnabled === undefined ||
    busName === undefined ||
    sourceCidrs === undefined ||
    reconcileBatchSize === undefined ||
    bindingRateLimit === undefined ||
    allowLocalTargets === undefined
  ) {
    throw new ConfigurationError(`Invalid configuration: ${read.problems.join('; ')}.`);
  }
  return {
    stage,
    payon: {
      environment,
      baseUrl: override ?? PAYON_BASE_URLS[environment],
      timeoutMs,
      rsaPadding,
      authHeader,
      paths: { createBinding, pinVerification },
      bindingPinEncryption,
    },
    store: { tableName },
    payments: {
      idempotencyTtlSeconds: idempotencyTtlHours * 3_600,
      orderExpiryMinutes,
      failureGraceMinutes,
      txIdLeadingDigit,
      returnUrlOrigins,
      returnFallbackUrl,
      currencies: khrEnabled === 'true' ? ['USD', 'KHR'] : ['USD'],
    },
    events: { busName },
    notifications: { confirmQueueUrl, sourceCidrs },
    bindings: { rateLimit: { limit: bindingRateLimit, windowMs: 15 * 60_000 } },
    reconciliation: { batchSize: reconcileBatchSize },
    webhooks: { keyId: webhookKeyId, allowLocalTargets: allowLocalTargets === 'true' },
    secrets: { merchantSecretId, cacheTtlMs: ttlSeconds * 1_000 },
  };
}

let cached: Config | undefined;

/** The process configuration, read from `process.env` on first use and kept for the process. */
export function getConfig(): Config {
  cached ??= loadConfig(process.env);
  return cached;
}
