/**
 * Budgets the tests enforce on deterministic numbers only (issue 12): each function's minified
 * bundle bytes (measured + about 5 %, so growth is a decision, not an accident), which functions
 * carry the packages only some need (node-forge, the SQS and Lambda clients), and how many calls
 * each operation makes.
 * Times are reported by `npm run bench`, never asserted.
 */
import bundleBudgets from './bundle-budgets.json' with { type: 'json' };

/**
 * Largest minified bundle allowed per function, bytes: `bundle-budgets.json`, which
 * `npm run generate` keeps (scripts/generate.ts): a new function gets its measure + 5 %, a function
 * that is gone loses its budget, and a budget is never raised by the command — growth past one is a
 * hand edit of the file, reviewed as such.
 */
export const BUNDLE_BUDGET_BYTES: Readonly<Record<string, number>> = bundleBudgets;

/** Headroom a new function's first budget gets over its measure. */
export const NEW_BUDGET_HEADROOM = 0.05;

/** The only functions whose bundle may contain node-forge (RSA PIN encryption). */
export const RSA_FUNCTIONS: readonly string[] = ['create-binding', 'create-binding-pin'];

/**
 * Packages only some functions need, and exactly which functions carry them (each brings its part
 * through `dependenciesWith`, shared/runtime/dependencies.ts).
 */
export const PACKAGE_OWNERS: Readonly<Record<string, readonly string[]>> = {
  'node-forge': RSA_FUNCTIONS,
  '@aws-sdk/client-sqs': ['payon-webhook'],
  // None: start-reconciliation asks for a run with an EventBridge request event (issue 27).
  '@aws-sdk/client-lambda': [],
  // Webhook signing secrets: sealed on create and rotate, opened to sign deliveries.
  '@aws-sdk/client-kms': ['create-webhook-endpoint', 'rotate-webhook-secret', 'deliver-webhooks'],
  // None: Lambda's active tracing without the X-Ray SDK unless the stack's `sdkTracer` context asks
  // for it, and the environment's credentials in place of the SDK's whole chain (issue 27).
  'aws-xray-sdk-core': [],
  '@aws-lambda-powertools/tracer': [],
  '@aws-sdk/credential-provider-node': [],
};

export interface IoBudget {
  /** Requests to PAYON. */
  readonly payon: number;
  /** DynamoDB commands (a transaction counts once). */
  readonly dynamodb: number;
  /** EventBridge PutEvents calls. */
  readonly eventbridge: number;
  /** KMS calls (a webhook secret sealed or opened); none where not given. */
  readonly kms?: number;
  /**
   * DynamoDB write request units as DynamoDB Local reports them (tables and indexes; a
   * transaction's twice), where an operation's cost is held (issue 27).
   */
  readonly writeUnits?: number;
}

/** Most calls each operation may make (cold or warm; Secrets Manager: once per cold start). */
export const IO_BUDGETS: Readonly<Record<string, IoBudget>> = {
  // As measured (test/integration/budgets/io.test.ts): a new call is a decision, made here.
  // Two transactions (claim + CREATED, PENDING + answer): 14 write units (22 before the sweep
  // index projected only keys, the day index went and PENDING kept CREATED's first probe time; a
  // transaction's units count twice; docs/performance.md).
  'register-payment': { payon: 1, dynamodb: 2, eventbridge: 0, writeUnits: 14 },
  'get-payment': { payon: 0, dynamodb: 1, eventbridge: 0 },
  'get-payment (sync, paid)': { payon: 1, dynamodb: 3, eventbridge: 1 },
  'capture-payment': { payon: 1, dynamodb: 6, eventbridge: 1 },
  // The settlement look-up in the payment's day (a short orders page, then the empty page that
  // shows it was the last: PAYON may cap its pages below the size asked), then the reversal.
  'cancel-payment': { payon: 3, dynamodb: 6, eventbridge: 1 },
  'refund-payment': { payon: 1, dynamodb: 6, eventbridge: 1 },
  // One BatchGetItem of the page's payments: their creation times settle the 12-hour clock.
  'list-transactions': { payon: 1, dynamodb: 1, eventbridge: 0 },
  // The event's outbox item also waits for the webhook fan-out (issue 25): one small entry in the
  // list index (it projects a few short attributes), billed twice in the transaction: +2 units;
  // the same calls. 21 units since the sweep index holds keys only (26 before; issue 27).
  'payon push (webhook + confirmation)': { payon: 1, dynamodb: 6, eventbridge: 1, writeUnits: 21 },
  // What the cost of a million payments is priced from (scripts/bench/cost.ts).
  'payment life (register, push, confirmation, result page)': {
    payon: 2,
    dynamodb: 9,
    eventbridge: 1,
    writeUnits: 35,
  },
  // The payment, then one BatchGetItem of its events' outbox items and one of their deliveries.
  'list-payment-events': { payon: 0, dynamodb: 3, eventbridge: 0 },
  // Merchant webhook endpoints (issue 25): no PAYON, no merchant secret; the signing secret is
  // sealed by KMS on create and rotate only (deliver-webhooks opens it; not an API route).
  'create-webhook-endpoint': { payon: 0, dynamodb: 1, eventbridge: 0, kms: 1, writeUnits: 2 },
  'list-webhook-endpoints': { payon: 0, dynamodb: 1, eventbridge: 0, kms: 0 },
  'get-webhook-endpoint': { payon: 0, dynamodb: 1, eventbridge: 0, kms: 0 },
  'delete-webhook-endpoint': { payon: 0, dynamodb: 1, eventbridge: 0, kms: 0, writeUnits: 2 },
  'enable-webhook-endpoint': { payon: 0, dynamodb: 1, eventbridge: 0, kms: 0, writeUnits: 1 },
  // Reads the endpoint, seals the new secret, writes both secrets back.
  'rotate-webhook-secret': { payon: 0, dynamodb: 2, eventbridge: 0, kms: 1, writeUnits: 1 },
  // The endpoint, then one Query of its deliveries' partition.
  'list-webhook-deliveries': { payon: 0, dynamodb: 2, eventbridge: 0, kms: 0 },
  // The endpoint, the delivery, then the delivery made due now.
  'resend-webhook-delivery': { payon: 0, dynamodb: 3, eventbridge: 0, kms: 0, writeUnits: 3 },
  'create-binding': { payon: 3, dynamodb: 6, eventbridge: 1 },
  'list-bindings': { payon: 1, dynamodb: 2, eventbridge: 0 },
  'create-binding-pin': { payon: 1, dynamodb: 6, eventbridge: 1 },
  'set-pin-verification': { payon: 1, dynamodb: 6, eventbridge: 1 },
  'unbind-binding': { payon: 1, dynamodb: 11, eventbridge: 2 },
};
