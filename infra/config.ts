/**
 * The stack's configuration: every CDK context key, its default, and the checks that stop a
 * synth before a bad deployment exists. Pure: tests pass their own context.
 */
import { loadConfig, PAYON_BASE_URLS, type PayonEnvironment } from '#shared/config/index.ts';
import { badPortProblem } from '#shared/payon/bad-ports.ts';

/** PAYON's TEST host: a PRODUCTION deployment must never talk to it. */
export const PAYON_TEST_HOST = new URL(PAYON_BASE_URLS.TEST).hostname;

/** Every context key the app reads, with its default (docs/deployment.md lists the same). */
export const CONTEXT_KEYS = {
  stage: 'dev; names the stack Payon-<stage>, the table payon-<stage>, the secret payon/<stage>',
  payonEnvironment: 'TEST; TEST or PRODUCTION',
  payonBaseUrl:
    "none (the environment's PAYON URL); not a port fetch refuses; HTTPS and not the TEST host in PRODUCTION",
  auth: 'jwt; jwt or iam: how merchant routes are authorised',
  jwtIssuer: 'none; required with auth=jwt (an https issuer URL)',
  jwtAudience: 'none; required with auth=jwt (comma-separated audiences)',
  corsOrigins: 'none; comma-separated origins allowed to call the API from a browser',
  returnUrlOrigins: "none; comma-separated origins a payment's returnUrl may use",
  notifySourceCidrs:
    "none; comma-separated CIDRs PAYON's pushes may come from (ask PAYON for its addresses)",
  bindingRateLimit:
    '10; binding and PIN requests one customer may make every 15 minutes (BINDING_RATE_LIMIT)',
  reconcileBatchSize:
    "100; items per PAYON merchant reconciliation request (PAYON documents no limit; ask PAYON's)",
  failureGraceMinutes:
    "10; minutes past an order's expiry before a declined payment is FAILED (FAILURE_GRACE_MINUTES)",
  txIdLeadingDigit:
    '1; first digit of every txId (1-9): one per stage sharing a PAYON terminal (TXID_LEADING_DIGIT)',
  throttleRateLimit:
    '50; steady requests per second on merchant and operator routes (the stage default)',
  throttleBurstLimit: '100; burst requests on merchant and operator routes (the stage default)',
  webhookThrottleRate:
    "20; steady requests per second on POST /payon/notifications/{token} (PAYON's pushes)",
  webhookThrottleBurst: '40; burst requests on POST /payon/notifications/{token}',
  returnThrottleRate: "10; steady requests per second on GET /return (customers' browsers)",
  returnThrottleBurst: '20; burst requests on GET /return',
  moneyReservedConcurrency:
    'none; reserved concurrency of each money function (register, capture, cancel, refund)',
  fixedEgress: 'false; true puts the functions behind one NAT gateway with a fixed IP',
  sdkTracer:
    "false; true bundles the X-Ray SDK tracer (a subsegment per AWS call) on top of Lambda's active tracing",
  khrEnabled:
    'false; true lets the API take KHR amounts (PAYON supports only USD for now; KHR_ENABLED)',
  alarmEmail: 'none; an e-mail address subscribed to the alarm topic',
  returnFallbackUrl:
    'none (GET /return, a plain page); an https URL /return sends every txId that is not a recent payment to (RETURN_FALLBACK_URL)',
  keepIndexes:
    'none; comma-separated indexes of an earlier release the table keeps while it is upgraded (gsi1-sync, gsi2-day; docs/deployment.md)',
} as const;
export type ContextKey = keyof typeof CONTEXT_KEYS;

export type MerchantAuth =
  | { readonly type: 'jwt'; readonly issuer: string; readonly audience: readonly string[] }
  | { readonly type: 'iam' };

/** An API Gateway throttle: steady requests per second and the burst above it. */
export interface Throttle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export interface StackConfig {
  readonly stage: string;
  readonly payonEnvironment: PayonEnvironment;
  /** The PAYON URL the functions call (context override or the environment's own). */
  readonly payonBaseUrl: string;
  /** True when `payonBaseUrl` came from context (then it is passed as PAYON_BASE_URL). */
  readonly payonBaseUrlOverridden: boolean;
  readonly auth: MerchantAuth;
  readonly corsOrigins: readonly string[];
  readonly returnUrlOrigins: readonly string[];
  /** Where PAYON's pushes may come from (CIDRs); empty: anywhere (the URL token still applies). */
  readonly notifySourceCidrs: readonly string[];
  /** Binding and PIN requests per customer per 15 minutes; undefined keeps the default. */
  readonly bindingRateLimit: number | undefined;
  /** Items per reconciliation request; undefined keeps the functions' default. */
  readonly reconcileBatchSize: number | undefined;
  readonly failureGraceMinutes: number | undefined;
  readonly txIdLeadingDigit: number | undefined;
  /** The stage's default route throttle: every merchant and operator route. */
  readonly throttle: Throttle;
  /** Anonymous routes get their own throttle, so a flood there cannot use up the merchant's. */
  readonly routeThrottles: { readonly webhook: Throttle; readonly return: Throttle };
  /** Reserved concurrency of each money function; undefined reserves none (the default). */
  readonly moneyReservedConcurrency: number | undefined;
  readonly fixedEgress: boolean;
  /** Bundle the SDK tracer (Powertools, X-Ray SDK) on top of Lambda's active tracing. */
  readonly sdkTracer: boolean;
  /** KHR accepted at the API (off by default: PAYON supports only USD for now). */
  readonly khrEnabled: boolean;
  readonly alarmEmail: string | undefined;
  readonly returnFallbackUrl: string | undefined;
  /**
   * Indexes of an earlier release the table keeps for now: CloudFormation creates or deletes one
   * index per update, so a deployed table drops them one deploy at a time (docs/deployment.md).
   */
  readonly keepIndexes: readonly LegacyIndex[];
}

/** Indexes earlier releases had and this one no longer reads (issue 27: leaner indexes). */
export const LEGACY_INDEXES = ['gsi1-sync', 'gsi2-day'] as const;
export type LegacyIndex = (typeof LEGACY_INDEXES)[number];

/** A context value that would give a broken or unsafe deployment; synth stops with it. */
export class StackConfigError extends Error {
  override readonly name = 'StackConfigError';
}

type Context = (key: ContextKey) => unknown;

function text(context: Context, key: ContextKey): string | undefined {
  const value = context(key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw new StackConfigError(`Context ${key} must be a string (got ${typeof value}).`);
  }
  const trimmed = String(value).trim();
  return trimmed === '' ? undefined : trimmed;
}

function list(context: Context, key: ContextKey): string[] {
  return (text(context, key) ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}

/** The range an integer context value must be in, and its value when not given. */
interface IntegerRange {
  readonly min: number;
  readonly max: number;
  readonly fallback: number;
}

function integer(context: Context, key: ContextKey, { min, max, fallback }: IntegerRange) {
  const value = text(context, key);
  if (value === undefined) return fallback;
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= min && n <= max)) {
    throw new StackConfigError(`Context ${key} must be an integer ${min}-${max} (got "${value}").`);
  }
  return n;
}

/** A `true` / `false` context value (default false). */
function flag(context: Context, key: ContextKey): boolean {
  const value = text(context, key) ?? 'false';
  if (value !== 'true' && value !== 'false') {
    throw new StackConfigError(`Context ${key} must be true or false (got "${value}").`);
  }
  return value === 'true';
}

/** API Gateway's account-level limits: no stage or route throttle may exceed them. */
const MAX_RATE = 10_000;
const MAX_BURST = 5_000;

/** Throttles when the context sets none (requests per second, burst). */
export const DEFAULT_THROTTLES = {
  merchant: { rateLimit: 50, burstLimit: 100 },
  webhook: { rateLimit: 20, burstLimit: 40 },
  return: { rateLimit: 10, burstLimit: 20 },
} as const satisfies Record<string, Throttle>;

/** A rate and burst pair from two context keys, each within API Gateway's account limits. */
function throttle(
  context: Context,
  keys: { readonly rate: ContextKey; readonly burst: ContextKey },
  fallback: Throttle,
): Throttle {
  return {
    rateLimit: integer(context, keys.rate, { min: 1, max: MAX_RATE, fallback: fallback.rateLimit }),
    burstLimit: integer(context, keys.burst, {
      min: 1,
      max: MAX_BURST,
      fallback: fallback.burstLimit,
    }),
  };
}

/** An integer context value, or undefined when not given (the function's own default applies). */
function optionalInteger(
  context: Context,
  key: ContextKey,
  range: { readonly min: number; readonly max: number },
) {
  return text(context, key) === undefined
    ? undefined
    : integer(context, key, { ...range, fallback: range.min });
}

function origin(key: ContextKey, value: string, allowLocalHttp: boolean): string {
  try {
    const url = new URL(value);
    const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
    const okScheme =
      url.protocol === 'https:' || (allowLocalHttp && local && url.protocol === 'http:');
    if (okScheme && url.origin === value.replace(/\/$/, '')) return url.origin;
  } catch {
    // reported below
  }
  throw new StackConfigError(
    `Context ${key} must list origins like https://shop.example.com (got "${value}").`,
  );
}

function payonBaseUrl(environment: PayonEnvironment, value: string | undefined): string {
  if (value === undefined) return PAYON_BASE_URLS[environment];
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new StackConfigError(`Context payonBaseUrl must be a URL (got "${value}").`);
  }
  const badPort = badPortProblem('Context payonBaseUrl', value);
  if (badPort !== undefined) throw new StackConfigError(`${badPort}.`);
  if (environment === 'PRODUCTION') {
    if (url.protocol !== 'https:') {
      throw new StackConfigError(
        `Refusing payonBaseUrl "${value}" with payonEnvironment=PRODUCTION: production must use https.`,
      );
    }
    if (url.hostname.toLowerCase() === PAYON_TEST_HOST) {
      throw new StackConfigError(
        `Refusing payonBaseUrl "${value}" with payonEnvironment=PRODUCTION: ${PAYON_TEST_HOST} is PAYON's TEST host.`,
      );
    }
  }
  return value.replace(/\/+$/, '');
}

function merchantAuth(context: Context): MerchantAuth {
  const type = text(context, 'auth') ?? 'jwt';
  if (type === 'iam') return { type };
  if (type !== 'jwt') {
    throw new StackConfigError(`Context auth must be jwt or iam (got "${type}").`);
  }
  const issuer = text(context, 'jwtIssuer');
  const audience = list(context, 'jwtAudience');
  if (issuer === undefined || audience.length === 0) {
    throw new StackConfigError(
      'auth=jwt needs -c jwtIssuer=https://<your identity provider> and -c jwtAudience=<audience>' +
        ' (or use -c auth=iam for SigV4-signed callers).',
    );
  }
  if (!/^https:\/\/[^\s]+$/.test(issuer)) {
    throw new StackConfigError(`Context jwtIssuer must be an https URL (got "${issuer}").`);
  }
  return { type, issuer, audience };
}

/**
 * Reads and checks the stack configuration from CDK context.
 *
 * @throws {StackConfigError} on any value that would deploy something broken or unsafe, e.g. a
 * PRODUCTION deployment pointed at PAYON's TEST host or at plain http.
 */
export function readStackConfig(context: Context): StackConfig {
  const stage = text(context, 'stage') ?? 'dev';
  const environment = text(context, 'payonEnvironment') ?? 'TEST';
  if (environment !== 'TEST' && environment !== 'PRODUCTION') {
    throw new StackConfigError(
      `Context payonEnvironment must be TEST or PRODUCTION (got "${environment}").`,
    );
  }
  const override = text(context, 'payonBaseUrl');
  const production = environment === 'PRODUCTION';
  const alarmEmail = text(context, 'alarmEmail');
  if (alarmEmail !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(alarmEmail)) {
    throw new StackConfigError(
      `Context alarmEmail must be an e-mail address (got "${alarmEmail}").`,
    );
  }
  const returnFallbackUrl = text(context, 'returnFallbackUrl');
  if (returnFallbackUrl !== undefined && !/^https:\/\/[\x21-\x7e]+$/.test(returnFallbackUrl)) {
    throw new StackConfigError(
      `Context returnFallbackUrl must be an https URL (got "${returnFallbackUrl}").`,
    );
  }
  const keepIndexes = list(context, 'keepIndexes');
  for (const index of keepIndexes) {
    if (!(LEGACY_INDEXES as readonly string[]).includes(index)) {
      throw new StackConfigError(
        `Context keepIndexes may name ${LEGACY_INDEXES.join(' and ')} only (got "${index}").`,
      );
    }
  }
  const config: StackConfig = {
    stage,
    payonEnvironment: environment,
    payonBaseUrl: payonBaseUrl(environment, override),
    payonBaseUrlOverridden: override !== undefined,
    auth: merchantAuth(context),
    corsOrigins: list(context, 'corsOrigins').map((o) => origin('corsOrigins', o, !production)),
    returnUrlOrigins: list(context, 'returnUrlOrigins').map((o) =>
      origin('returnUrlOrigins', o, !production),
    ),
    notifySourceCidrs: list(context, 'notifySourceCidrs'),
    bindingRateLimit: optionalInteger(context, 'bindingRateLimit', { min: 1, max: 1_000 }),
    reconcileBatchSize: optionalInteger(context, 'reconcileBatchSize', { min: 1, max: 1_000 }),
    failureGraceMinutes: optionalInteger(context, 'failureGraceMinutes', { min: 0, max: 1_440 }),
    txIdLeadingDigit: optionalInteger(context, 'txIdLeadingDigit', { min: 1, max: 9 }),
    throttle: throttle(
      context,
      { rate: 'throttleRateLimit', burst: 'throttleBurstLimit' },
      DEFAULT_THROTTLES.merchant,
    ),
    routeThrottles: {
      webhook: throttle(
        context,
        { rate: 'webhookThrottleRate', burst: 'webhookThrottleBurst' },
        DEFAULT_THROTTLES.webhook,
      ),
      return: throttle(
        context,
        { rate: 'returnThrottleRate', burst: 'returnThrottleBurst' },
        DEFAULT_THROTTLES.return,
      ),
    },
    moneyReservedConcurrency: optionalInteger(context, 'moneyReservedConcurrency', {
      min: 1,
      max: 1_000,
    }),
    fixedEgress: flag(context, 'fixedEgress'),
    sdkTracer: flag(context, 'sdkTracer'),
    khrEnabled: flag(context, 'khrEnabled'),
    alarmEmail,
    returnFallbackUrl,
    keepIndexes: [...new Set(keepIndexes)] as LegacyIndex[],
  };
  // The functions run the same checks at cold start: fail here, not after a deploy.
  try {
    loadConfig(
      functionEnvironment(config, {
        tableName: 'payon-check',
        secretName: 'payon/check',
        busName: 'payon-check',
      }),
    );
  } catch (error) {
    throw new StackConfigError(
      `The context gives the functions an invalid configuration: ${(error as Error).message}`,
    );
  }
  return config;
}

/** Physical names of one stage's table and secret (names only: they grant nothing). */
export function resourceNames(stage: string) {
  return {
    tableName: `payon-${stage}`,
    secretName: `payon/${stage}`,
    busName: `payon-${stage}`,
  } as const;
}

/**
 * The environment every function starts with: configuration only, never a secret value.
 * `#shared/config` requires TABLE_NAME and PAYON_SECRET_ID at every cold start, so every function
 * carries both names; access is granted separately (`PayonFunction.useTable`/`useMerchantSecret`).
 */
export function functionEnvironment(
  config: StackConfig,
  names: { readonly tableName: string; readonly secretName: string; readonly busName: string },
): Record<string, string> {
  return {
    STAGE: config.stage,
    PAYON_ENVIRONMENT: config.payonEnvironment,
    ...(config.payonBaseUrlOverridden ? { PAYON_BASE_URL: config.payonBaseUrl } : {}),
    PAYON_SECRET_ID: names.secretName,
    TABLE_NAME: names.tableName,
    EVENT_BUS_NAME: names.busName,
    ...(config.notifySourceCidrs.length > 0
      ? { NOTIFY_SOURCE_CIDRS: config.notifySourceCidrs.join(',') }
      : {}),
    ...(config.bindingRateLimit === undefined
      ? {}
      : { BINDING_RATE_LIMIT: String(config.bindingRateLimit) }),
    ...(config.reconcileBatchSize === undefined
      ? {}
      : { RECONCILE_BATCH_SIZE: String(config.reconcileBatchSize) }),
    ...(config.failureGraceMinutes === undefined
      ? {}
      : { FAILURE_GRACE_MINUTES: String(config.failureGraceMinutes) }),
    ...(config.returnFallbackUrl === undefined
      ? {}
      : { RETURN_FALLBACK_URL: config.returnFallbackUrl }),
    ...(config.txIdLeadingDigit === undefined
      ? {}
      : { TXID_LEADING_DIGIT: String(config.txIdLeadingDigit) }),
    ...(config.khrEnabled ? { KHR_ENABLED: 'true' } : {}),
    ...(config.returnUrlOrigins.length > 0
      ? { RETURN_URL_ORIGINS: config.returnUrlOrigins.join(',') }
      : {}),
    POWERTOOLS_SERVICE_NAME: `payon-${config.stage}`,
    POWERTOOLS_METRICS_NAMESPACE: 'PayonServerless',
  };
}
