/**
 * Least privilege, in one place: what each function may touch (the route table's functions and the
 * background ones). The stack grants exactly this and the infra tests assert it against the
 * synthesized IAM policies.
 */
import type { TableAccess } from '#infra/constructs/payon-function.ts';

export interface FunctionAccess {
  /** Access to the payments table, or none. */
  readonly table?: TableAccess;
  /** Query on the sweep index (`gsi1-sync`): payments, notifications and events that are due. */
  readonly syncIndex?: boolean;
  /** Query on the day index (`gsi2-day`): a Cambodian day's payments (reconciliation). */
  readonly dayIndex?: boolean;
  /** Query on the table itself: a day's reconciliation items, a customer's bindings. */
  readonly queryTable?: boolean;
  /** BatchGetItem and BatchWriteItem on the table: reconciliation reads and writes by the page. */
  readonly batchTable?: boolean;
  /** BatchGetItem only: a page of PAYON's history joined with the payments it names. */
  readonly batchRead?: boolean;
  /** lambda:InvokeFunction on reconcile-day (`POST /reconciliations` starts a run). */
  readonly invokeReconcile?: boolean;
  /** Whether the function reads the merchant's PAYON secret (to sign calls to PAYON). */
  readonly merchantSecret: boolean;
  /** events:PutEvents on the stage's bus: it moves payments, so it delivers their events. */
  readonly publishEvents?: boolean;
  /** sqs:SendMessage on the confirmation queue (the webhook's hand-off). */
  readonly sendToConfirmQueue?: boolean;
  /** Receive and delete on the confirmation queue: its SQS event source polls with this role. */
  readonly consumeConfirmQueue?: boolean;
}

export const FUNCTION_ACCESS: Readonly<Record<string, FunctionAccess>> = {
  // Money moves: payment record + conditional idempotency record (put/update/delete), PAYON call,
  // and the event of the transition (outbox in the same transaction, then EventBridge).
  'register-payment': { table: 'readWrite', merchantSecret: true, publishEvents: true },
  'capture-payment': { table: 'readWrite', merchantSecret: true, publishEvents: true },
  'cancel-payment': { table: 'readWrite', merchantSecret: true, publishEvents: true },
  'refund-payment': { table: 'readWrite', merchantSecret: true, publishEvents: true },
  // An operator's verdict on an unknown outcome: the payment and its event; never calls PAYON. It
  // reads the secret for its `idempotencySecret` alone: its Idempotency-Keys are stored as HMACs.
  'resolve-payment': { table: 'readWrite', merchantSecret: true, publishEvents: true },
  // Reads the payment; `?sync=true` asks PAYON and writes the settled state back.
  'get-payment': { table: 'readWrite', merchantSecret: true, publishEvents: true },
  // PAYON's order history; the page's payments are read in one batch (never written) for their
  // creation times, which settle PAYON's 12-hour clock (DEFAULTS.md "Dates").
  'list-transactions': { table: 'read', batchRead: true, merchantSecret: true },
  // Public: reads one payment's returnUrl; must never reach PAYON's credentials.
  'payment-return': { table: 'read', merchantSecret: false },
  // PAYON's push: the secret holds the URL token; stores the push, queues it. Never calls PAYON.
  'payon-webhook': { table: 'readWrite', merchantSecret: true, sendToConfirmQueue: true },
  // Confirms a queued push: status pull, transition, event.
  'confirm-notification': {
    table: 'readWrite',
    merchantSecret: true,
    publishEvents: true,
    consumeConfirmQueue: true,
  },
  // Saved cards: PAYON's binding calls, the customer's items (bindings, PIN settings, rate
  // counter; the list by Query on the customer's partition), and their events.
  'create-binding': {
    table: 'readWrite',
    queryTable: true,
    merchantSecret: true,
    publishEvents: true,
  },
  'list-bindings': {
    table: 'readWrite',
    queryTable: true,
    merchantSecret: true,
    publishEvents: true,
  },
  'unbind-binding': {
    table: 'readWrite',
    queryTable: true,
    merchantSecret: true,
    publishEvents: true,
  },
  'create-binding-pin': { table: 'readWrite', merchantSecret: true, publishEvents: true },
  'set-pin-verification': { table: 'readWrite', merchantSecret: true, publishEvents: true },
  // Reconciliation: pages of PAYON's history joined with batched reads of payments, the day's own
  // payments through the day index, exceptions and markers written in batches, heals (which move
  // payments, so it delivers their events) and the `reconciliation.completed` event.
  'reconcile-day': {
    table: 'readWrite',
    dayIndex: true,
    queryTable: true,
    batchTable: true,
    merchantSecret: true,
    publishEvents: true,
  },
  // Reads the day's report (a run already going refuses another), then invokes reconcile-day.
  'start-reconciliation': { table: 'read', merchantSecret: false, invokeReconcile: true },
  'get-reconciliation': { table: 'read', merchantSecret: false },
  'list-reconciliation-exceptions': { table: 'read', queryTable: true, merchantSecret: false },
  // The sweep: queries what is due, probes PAYON, transitions, redelivers events.
  'sync-payments': {
    table: 'readWrite',
    syncIndex: true,
    merchantSecret: true,
    publishEvents: true,
  },
};

/** The access of one function; a function that is not listed stops the synth. */
export function accessOf(fn: string): FunctionAccess {
  const access = FUNCTION_ACCESS[fn];
  if (access === undefined) {
    throw new Error(`infra/access.ts has no entry for function "${fn}": add its least privilege.`);
  }
  return access;
}
