/**
 * Merchant events: what a confirmed transition tells the merchant's systems, in one stable envelope
 * (docs/events.md). The envelope is built from the transition itself, so its id is fixed before it
 * is ever sent: `evt_<txId>_<version>` names one payment version, and retries resend the same id.
 *
 * @example
 * ```ts
 * eventFor(next); // { id: 'evt_1763..._3', type: 'payment.succeeded', ... } or undefined
 * ```
 */
import {
  type Binding,
  type BindingView,
  bindingView,
  type Customer,
} from '#shared/domain/binding.ts';
import { type Payment, type PaymentView, paymentView } from '#shared/domain/payment.ts';

export const PAYMENT_EVENT_TYPES = [
  'payment.authorized',
  'payment.succeeded',
  'payment.failed',
  'payment.expired',
  'payment.captured',
  'payment.cancelled',
  'payment.refunded',
  'payment.attempt_declined',
] as const;
export type PaymentEventType = (typeof PAYMENT_EVENT_TYPES)[number];

export const BINDING_EVENT_TYPES = [
  'binding.created',
  'binding.deactivated',
  'binding.unbound',
  'binding.pin_changed',
] as const;
export type BindingEventType = (typeof BINDING_EVENT_TYPES)[number];

/** Every event type the product sends (docs/events.md). */
export const EVENT_TYPES = [
  ...PAYMENT_EVENT_TYPES,
  ...BINDING_EVENT_TYPES,
  'reconciliation.completed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Version of the envelope's shape; bumped only for changes a consumer must know about. */
export const EVENT_SPEC_VERSION = 1;

/** The EventBridge `source` of every merchant event. */
export const EVENT_SOURCE = 'payon.serverless';

export interface PaymentEvent {
  /** Stable per transition: the same id however often it is delivered. */
  readonly id: string;
  readonly type: PaymentEventType;
  readonly specVersion: typeof EVENT_SPEC_VERSION;
  /** When the transition happened (ISO 8601, UTC). */
  readonly time: string;
  readonly stage: string;
  /** The payment's version after the transition; consumers ignore a lower one than they hold. */
  readonly paymentVersion: number;
  /** Present when an operator settled an unknown outcome (`POST /payments/{id}/resolve`). */
  readonly resolvedBy?: 'operator';
  readonly payment: PaymentView;
}

/** A Cambodian business day was reconciled (issue 9): the report's totals, not its exceptions. */
export interface ReconciliationEvent {
  /**
   * Stable per run: `evt_recon_<day>_<run start, compact>` (`20261121T180001123Z`: the `T` and `Z`
   * kept, so no run of 13 or more digits that a card-number detector could take for a PAN).
   */
  readonly id: string;
  readonly type: 'reconciliation.completed';
  readonly specVersion: typeof EVENT_SPEC_VERSION;
  /** When the run finished (ISO 8601, UTC). */
  readonly time: string;
  readonly stage: string;
  readonly reconciliation: {
    readonly day: string;
    readonly runId: string;
    readonly counts: Readonly<Record<string, unknown>>;
  };
}

/** A saved card's life: created, deactivated by PAYON, unbound here, or its customer's PIN changed. */
export interface BindingEvent {
  /** `evt_bind_<bindingId>_<version>`, or `evt_pin_<clientId>_<version>` for `binding.pin_changed`. */
  readonly id: string;
  readonly type: BindingEventType;
  readonly specVersion: typeof EVENT_SPEC_VERSION;
  readonly time: string;
  readonly stage: string;
  readonly customer: {
    readonly clientId: string;
    readonly pinSet?: boolean;
    readonly pinVerification?: boolean | null;
  };
  /** The binding at that version (absent for `binding.pin_changed`, which is the customer's). */
  readonly binding?: BindingView;
}

/** What the bus carries: a payment's transition, a saved card's change or a reconciled day. */
export type MerchantEvent = PaymentEvent | BindingEvent | ReconciliationEvent;

export const isPaymentEvent = (e: MerchantEvent): e is PaymentEvent =>
  e.type.startsWith('payment.');
export const isBindingEvent = (e: MerchantEvent): e is BindingEvent =>
  e.type.startsWith('binding.');

/** The event of a binding's new version. */
export function bindingEvent(
  binding: Binding,
  type: Exclude<BindingEventType, 'binding.pin_changed'>,
  stage: string,
): BindingEvent {
  return {
    id: `evt_bind_${binding.bindingId}_${binding.version}`,
    type,
    specVersion: EVENT_SPEC_VERSION,
    time: binding.updatedAt,
    stage,
    customer: { clientId: binding.clientId },
    binding: bindingView(binding),
  };
}

/** The event of a customer's new PIN settings. */
export function pinEvent(customer: Customer, stage: string): BindingEvent {
  return {
    id: `evt_pin_${customer.clientId}_${customer.version}`,
    type: 'binding.pin_changed',
    specVersion: EVENT_SPEC_VERSION,
    time: customer.updatedAt,
    stage,
    customer: {
      clientId: customer.clientId,
      pinSet: customer.pinSet,
      pinVerification: customer.pinVerification ?? null,
    },
  };
}

/** The event a finished reconciliation run announces. */
export function reconciliationEvent(
  report: { day: string; runId: string; finishedAt: string; counts: object },
  stage: string,
): ReconciliationEvent {
  return {
    id: `evt_recon_${report.day}_${report.runId.replace(/[^0-9TZ]/g, '')}`,
    type: 'reconciliation.completed',
    specVersion: EVENT_SPEC_VERSION,
    time: report.finishedAt,
    stage,
    reconciliation: {
      day: report.day,
      runId: report.runId,
      counts: report.counts as Record<string, unknown>,
    },
  };
}

/**
 * The event a stored payment version announces, or undefined when its last change is not one a
 * merchant acts on (PENDING, UNKNOWN, or an unanswered move found not to have happened).
 */
export function eventFor(payment: Payment, stage: string): PaymentEvent | undefined {
  const last = payment.history.at(-1);
  if (last === undefined || last.to !== payment.snapshot.state) return undefined;
  const type =
    last.change === 'attempt_declined'
      ? 'payment.attempt_declined'
      : last.from === last.to
        ? undefined
        : eventType(payment, last.from);
  if (type === undefined) return undefined;
  return {
    id: `evt_${payment.txId}_${payment.version}`,
    type,
    specVersion: EVENT_SPEC_VERSION,
    time: last.at,
    stage,
    paymentVersion: payment.version,
    ...(last.resolvedBy ? { resolvedBy: last.resolvedBy } : {}),
    payment: paymentView(payment),
  };
}

function eventType(
  payment: Payment,
  from: Payment['snapshot']['state'],
): PaymentEventType | undefined {
  const previous = payment.history.at(-2);
  switch (payment.snapshot.state) {
    case 'AUTHORIZED':
      // Back from an unanswered capture or cancel that did not happen: nothing new to announce.
      return from === 'UNKNOWN' && isReturnFromMove(payment) ? undefined : 'payment.authorized';
    case 'SUCCEEDED':
      if (from === 'AUTHORIZED') return 'payment.captured';
      if (from === 'UNKNOWN') {
        if (isReturnFromMove(payment)) return undefined;
        // An unanswered capture that PAYON shows done.
        return previous?.from === 'AUTHORIZED' ? 'payment.captured' : 'payment.succeeded';
      }
      return 'payment.succeeded';
    case 'FAILED':
      return 'payment.failed';
    case 'EXPIRED':
      return 'payment.expired';
    case 'CANCELLED':
      return 'payment.cancelled';
    case 'REFUNDED':
      return 'payment.refunded';
    default:
      return undefined;
  }
}

/**
 * True when the payment went UNKNOWN for a capture, cancel or refund and came back to the state it
 * left (the move did not happen).
 */
function isReturnFromMove(payment: Payment): boolean {
  const [before, last] = payment.history.slice(-2);
  return (
    before !== undefined &&
    last !== undefined &&
    before.to === 'UNKNOWN' &&
    before.from !== 'CREATED' &&
    last.to === before.from
  );
}
