/**
 * What 1,000,000 payments cost on AWS, from the I/O counted per operation (not estimated) and AWS
 * list prices. The prices could not be fetched from this machine: each carries its source page and
 * the date it is from, and is marked unverified. Region: US East (N. Virginia); others differ a little.
 */
import { FUNCTION_MEMORY_MB } from '#infra/constructs/payon-function.ts';

interface Price {
  readonly usd: number;
  readonly per: string;
  readonly source: string;
}

/** List prices (USD), as published at the dates given; unverified here. */
export const PRICES = {
  apiGatewayHttp: {
    usd: 1.0,
    per: 'million HTTP API requests (first 300 M a month)',
    source: 'https://aws.amazon.com/api-gateway/pricing/ (2025-01, unverified)',
  },
  lambdaRequests: {
    usd: 0.2,
    per: 'million invocations',
    source: 'https://aws.amazon.com/lambda/pricing/ (2025-01, unverified)',
  },
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    per: 'GB-second, arm64',
    source: 'https://aws.amazon.com/lambda/pricing/ (2025-01, unverified)',
  },
  dynamoWrite: {
    usd: 0.625,
    per: 'million write request units, on-demand',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/ (2024-11 price change, unverified)',
  },
  dynamoRead: {
    usd: 0.125,
    per: 'million read request units, on-demand',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/ (2024-11 price change, unverified)',
  },
  secretsManagerCalls: {
    usd: 5.0,
    per: 'million API calls ($0.05 per 10,000)',
    source: 'https://aws.amazon.com/secrets-manager/pricing/ (2025-01, unverified)',
  },
  eventBridgeEvents: {
    usd: 1.0,
    per: 'million custom events',
    source: 'https://aws.amazon.com/eventbridge/pricing/ (2025-01, unverified)',
  },
  sqsRequests: {
    usd: 0.4,
    per: 'million requests, standard queue',
    source: 'https://aws.amazon.com/sqs/pricing/ (2025-01, unverified)',
  },
} as const satisfies Record<string, Price>;

/** Assumptions the cost depends on, stated so they can be changed. */
export const ASSUMPTIONS = {
  /**
   * One payment's life, run as a checkout makes it and counted as one operation of the I/O count
   * (test/support/io-operations.ts): register, PAYON's push and its confirmation, the result page's
   * `sync=true` read of the paid payment.
   */
  lifecycle: 'payment life (register, push, confirmation, result page)',
  /** Lambda invocations of that life: register, webhook, confirmation, result page. */
  invocations: 4,
  /** API Gateway requests: register, PAYON's push, the result page's read. */
  apiRequests: 3,
  /** SQS requests: send, receive, delete (the webhook's hand-off). */
  sqsRequests: 3,
  /** The memory every function is deployed with (the stack's). */
  memoryGb: FUNCTION_MEMORY_MB / 1024,
  /** Billed time per invocation: own work + waiting for PAYON (PAYON's latency is not known here). */
  ownMsPerInvocation: 40,
  payonMsPerCall: 300,
  /** Share of invocations that are cold starts (each reads the secret once). */
  coldShare: 0.01,
} as const;

type Counts = Record<
  string,
  {
    cold: Record<string, number>;
    warm: Record<string, number>;
    detail?: { aws: Record<string, number> };
  }
>;

/**
 * The cost of `payments` lives. DynamoDB is priced by the request units DynamoDB Local reported
 * for the life (every index's writes included, a transaction's twice), not by an assumed item size.
 */
export function costOfPayments(payments: number, io: Counts) {
  const life = io[ASSUMPTIONS.lifecycle]?.warm;
  if (!life) throw new Error(`no I/O counted for "${ASSUMPTIONS.lifecycle}"`);
  const payonCalls = life.payon ?? 0;
  const events = life.eventbridge ?? 0;
  const writeUnits = life.writeUnits ?? 0;
  const readUnits = life.readUnits ?? 0;
  const m = payments / 1_000_000;
  const gbSeconds =
    payments *
    ASSUMPTIONS.memoryGb *
    ((ASSUMPTIONS.invocations * ASSUMPTIONS.ownMsPerInvocation +
      payonCalls * ASSUMPTIONS.payonMsPerCall) /
      1_000);
  const lines = {
    'API Gateway': m * ASSUMPTIONS.apiRequests * PRICES.apiGatewayHttp.usd,
    'Lambda requests': m * ASSUMPTIONS.invocations * PRICES.lambdaRequests.usd,
    'Lambda GB-seconds': gbSeconds * PRICES.lambdaArmGbSecond.usd,
    'DynamoDB writes': m * writeUnits * PRICES.dynamoWrite.usd,
    'DynamoDB reads': m * readUnits * PRICES.dynamoRead.usd,
    'Secrets Manager':
      m * ASSUMPTIONS.invocations * ASSUMPTIONS.coldShare * PRICES.secretsManagerCalls.usd,
    EventBridge: m * events * PRICES.eventBridgeEvents.usd,
    SQS: m * ASSUMPTIONS.sqsRequests * PRICES.sqsRequests.usd,
  };
  const rounded = Object.fromEntries(
    Object.entries(lines).map(([k, v]) => [k, Math.round(v * 100) / 100]),
  );
  return {
    payments,
    perPayment: {
      payonCalls,
      dynamoCommands: life.dynamodb ?? 0,
      writeUnits,
      readUnits,
      events,
      gbSeconds: gbSeconds / payments,
    },
    lines: rounded,
    totalUsd: Math.round(Object.values(lines).reduce((a, b) => a + b, 0) * 100) / 100,
    prices: PRICES,
    assumptions: ASSUMPTIONS,
  };
}
