/**
 * A payment as the product keeps it, and the pure functions that move it. Every state change goes
 * through {@link transition}, which asks the state machine (`./payment-state.ts`) first; the store
 * then writes the result with a condition on `version`, so two writers never both win.
 */

import { type AttentionChange, type AttentionFlag, attentionOf } from '#shared/domain/attention.ts';
import { cambodiaDay } from '#shared/domain/business-day.ts';
import { type Money, toWireAmount } from '#shared/domain/money.ts';
import type { PayDvCd, PaymentMethod } from '#shared/domain/payment-method.ts';
import {
  assertTransition,
  enterUnknown,
  type KnownState,
  type MoneyOperation,
  type PaymentState,
  type StateSnapshot,
} from '#shared/domain/payment-state.ts';
import { InvalidTransitionError } from '#shared/errors.ts';

export type PaymentKind = 'purchase' | 'preauth';

/** What caused a change: our own call, PAYON's answer, a pull, a push, the sweep, an operator. */
export type ChangeSource =
  | 'api'
  | 'payon'
  | 'status_pull'
  | 'orders_list'
  | 'sweep'
  | 'reconciliation'
  | 'operator';

export interface HistoryEntry {
  readonly at: string;
  readonly from: PaymentState;
  readonly to: PaymentState;
  readonly source: ChangeSource;
  /** Why, in words an operator reads (never card data). */
  readonly reason: string;
  /**
   * A recorded change that is not a state change: PAYON declined one attempt
   * (docs/payon-assumptions.md A47).
   */
  readonly change?: 'attempt_declined' | AttentionChange | 'acknowledged';
  /** Set when an operator settled an UNKNOWN move (`POST /payments/{id}/resolve`). */
  readonly resolvedBy?: 'operator';
}

/**
 * The latest attempt PAYON's orders list shows declined; the checkout stays payable until expiry.
 */
export interface Decline {
  /** PAYON's time of the declined attempt (or when the product first saw it). */
  readonly at: string;
  readonly payonCode: string;
  /** PAYON's message, card-like runs masked. */
  readonly payonMessage: string | undefined;
  /** Declined attempts PAYON has listed so far. */
  readonly count: number;
}

export interface Payment {
  readonly txId: string;
  readonly kind: PaymentKind;
  readonly paymentMethod: PaymentMethod;
  readonly payDvCd: PayDvCd | undefined;
  readonly amount: Money;
  readonly snapshot: StateSnapshot;
  /** Amount captured on a pre-authorisation. */
  readonly capturedAmount: Money | undefined;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly returnUrl: string;
  readonly reference: string | undefined;
  readonly clientId: string | undefined;
  readonly bindingId: string | undefined;
  readonly checkoutUrl: string | undefined;
  readonly qrString: string | undefined;
  readonly expiresAt: string | undefined;
  readonly approvalNo: string | undefined;
  /** When the status sweep should next ask PAYON; set while PAYON must still confirm. */
  readonly nextSyncAt: string | undefined;
  /** Status probes made by the sweep since the payment last changed state (the schedule's step). */
  readonly syncAttempts: number;
  /**
   * Probes in a row that PAYON (or the store) could not answer: a payment whose last probes all
   * failed was never told anything, so the end of its schedule escalates it instead of expiring it.
   */
  readonly syncFailures: number;
  /** When the sweep gave up and handed the payment to an operator (an alarm fired). */
  readonly escalatedAt: string | undefined;
  /** The latest declined attempt PAYON's orders list showed, if any (the payment stays payable). */
  readonly lastDecline: Decline | undefined;
  readonly history: readonly HistoryEntry[];
  /**
   * The attention flags of the version this one was derived from (what the store holds until this
   * one is written); set by every change here, so the store knows when the flagged set changes.
   */
  readonly priorAttention?: readonly AttentionFlag[];
  /**
   * How many of the history's oldest entries the stored version keeps in history pages of their
   * own (shared/store/payments.ts); carried along by every change, so the store writes only the
   * pages that gain an entry. Undefined: none known (all pages are written).
   */
  readonly historyPaged?: number;
}

/** States in which PAYON still has to tell us something. */
export function awaitsPayon(state: PaymentState): boolean {
  return state === 'CREATED' || state === 'PENDING' || state === 'UNKNOWN';
}

/** The Cambodian business day a payment belongs to (reconciliation). */
export function paymentDay(payment: Payment): string {
  return cambodiaDay(new Date(payment.createdAt));
}

export interface NewPayment {
  readonly txId: string;
  readonly kind: PaymentKind;
  readonly paymentMethod: PaymentMethod;
  readonly payDvCd?: PayDvCd;
  readonly amount: Money;
  readonly returnUrl: string;
  readonly reference?: string;
  readonly clientId?: string;
  readonly bindingId?: string;
}

/** A payment stored before PAYON is called (state CREATED, version 1). */
export function newPayment(input: NewPayment, now: Date): Payment {
  const at = now.toISOString();
  return {
    txId: input.txId,
    kind: input.kind,
    paymentMethod: input.paymentMethod,
    payDvCd: input.payDvCd,
    amount: input.amount,
    snapshot: { state: 'CREATED' },
    capturedAmount: undefined,
    version: 1,
    createdAt: at,
    updatedAt: at,
    returnUrl: input.returnUrl,
    reference: input.reference,
    clientId: input.clientId,
    bindingId: input.bindingId,
    checkoutUrl: undefined,
    qrString: undefined,
    expiresAt: undefined,
    approvalNo: undefined,
    // A payment left CREATED (a Lambda that died mid-call) is found by the status sweep.
    nextSyncAt: new Date(now.getTime() + FIRST_SYNC_DELAY_MS).toISOString(),
    syncAttempts: 0,
    syncFailures: 0,
    escalatedAt: undefined,
    lastDecline: undefined,
    history: [],
  };
}

type Changes = Partial<
  Pick<
    Payment,
    'checkoutUrl' | 'qrString' | 'expiresAt' | 'approvalNo' | 'capturedAmount' | 'nextSyncAt'
  >
>;

/** First status-sync probe after a payment starts waiting on PAYON (Hyperswitch: +60 s). */
export const FIRST_SYNC_DELAY_MS = 60_000;

/** A change of state, as the payment's history records it. */
interface StateChange {
  readonly next: StateSnapshot;
  readonly source: ChangeSource;
  readonly reason: string;
  readonly now: Date;
  readonly changes?: Changes;
  readonly resolvedBy?: HistoryEntry['resolvedBy'];
}

function withState(
  payment: Payment,
  { next, source, reason, now, changes = {}, resolvedBy }: StateChange,
): Payment {
  const at = now.toISOString();
  // A FAILED payment concluded from PAYON's answers is still asked until its schedule ends: PAYON
  // may confirm it late. One PAYON refused at registration, or an operator settled, is not.
  const concluded =
    source === 'status_pull' || source === 'orders_list' || source === 'reconciliation';
  const waiting = awaitsPayon(next.state) || (next.state === 'FAILED' && concluded);
  return {
    ...payment,
    ...changes,
    snapshot: next,
    version: payment.version + 1,
    updatedAt: at,
    nextSyncAt: waiting
      ? (changes.nextSyncAt ?? new Date(now.getTime() + FIRST_SYNC_DELAY_MS).toISOString())
      : undefined,
    priorAttention: attentionOf(payment),
    // A new state starts a new probe schedule.
    syncAttempts: 0,
    syncFailures: 0,
    escalatedAt: undefined,
    history: [
      ...payment.history,
      {
        at,
        from: payment.snapshot.state,
        to: next.state,
        source,
        reason,
        ...(resolvedBy ? { resolvedBy } : {}),
      },
    ],
  };
}

/** A move to a known state: where to, what caused it, why, when, and the fields it sets. */
export interface Transition {
  readonly to: KnownState;
  readonly source: ChangeSource;
  readonly reason: string;
  readonly now: Date;
  readonly changes?: Changes;
}

/**
 * The payment moved to `to`. Throws `InvalidTransitionError` when the state machine forbids it.
 *
 * @example
 * ```ts
 * transition(payment, {
 *   to: 'PENDING',
 *   source: 'payon',
 *   reason: 'registered at PAYON',
 *   now: new Date(),
 *   changes: { checkoutUrl },
 * });
 * ```
 */
export function transition(
  payment: Payment,
  { to, source, reason, now, changes = {} }: Transition,
): Payment {
  assertTransition(payment.snapshot, to);
  return withState(payment, { next: { state: to }, source, reason, now, changes });
}

/** A money move sent to PAYON with no answer yet: which move, why, when, and the fields it sets. */
export interface UnknownMove {
  readonly operation: MoneyOperation;
  readonly reason: string;
  readonly now: Date;
  readonly changes?: Changes;
}

/** Our money move's outcome is unknown: the payment waits for PAYON to tell (never re-sent). */
export function markUnknown(
  payment: Payment,
  { operation, reason, now, changes = {} }: UnknownMove,
): Payment {
  return withState(payment, {
    next: enterUnknown(payment.snapshot, operation),
    source: 'payon',
    reason,
    now,
    changes,
  });
}

/**
 * PAYON declined an attempt (an orders row with a non-`0000` result): a recorded change with its
 * own version and event, not a state change. The payment stays payable and keeps its probe
 * schedule (docs/payon-assumptions.md A47).
 */
export function recordDecline(payment: Payment, decline: Decline, now: Date): Payment {
  const state = payment.snapshot.state;
  return {
    ...payment,
    lastDecline: decline,
    priorAttention: attentionOf(payment),
    syncFailures: 0,
    version: payment.version + 1,
    updatedAt: now.toISOString(),
    history: [
      ...payment.history,
      {
        at: now.toISOString(),
        from: state,
        to: state,
        source: 'orders_list',
        reason: `PAYON declined an attempt (${decline.payonCode}); the customer may try again on the same checkout until it expires`,
        change: 'attempt_declined',
      },
    ],
  };
}

/**
 * A finding that needs a person but changes no state (PAYON confirmed another amount; a push
 * contradicted PAYON's status): a history entry with its own version and no event, which raises the
 * attention flag (shared/domain/attention.ts). Recorded once until the flag ends.
 */
export function noteAttention(
  payment: Payment,
  note: {
    readonly change: AttentionChange;
    readonly source: ChangeSource;
    readonly reason: string;
    readonly now: Date;
  },
): Payment | undefined {
  if (attentionOf(payment).includes(note.change)) return undefined;
  return withEntry(payment, {
    source: note.source,
    reason: note.reason,
    now: note.now,
    change: note.change,
  });
}

/**
 * An operator looked at a flagged payment and acted outside the product (shipped, refunded, asked
 * PAYON): the flags that no state change ends are cleared, with who and why in the history.
 * Throws `InvalidTransitionError` when nothing is left for an operator to acknowledge.
 */
export function acknowledgeByOperator(
  payment: Payment,
  { reason, now }: { readonly reason: string; readonly now: Date },
): Payment {
  // Only the findings no state change ends; a declined attempt ends when PAYON settles the order.
  const flags = attentionOf(payment).filter((f) => ACKNOWLEDGEABLE.includes(f));
  if (flags.length === 0 || payment.snapshot.state === 'UNKNOWN') {
    throw new InvalidTransitionError(
      payment.snapshot.state === 'UNKNOWN'
        ? `payment ${payment.txId} is UNKNOWN: resolve it with "happened" or "did_not_happen"`
        : `payment ${payment.txId} has nothing to acknowledge`,
    );
  }
  return withEntry(payment, {
    source: 'operator',
    reason,
    now,
    change: 'acknowledged',
    resolvedBy: 'operator',
  });
}

/** The flags an operator's acknowledgement ends (the operator console offers it for these). */
export const ACKNOWLEDGEABLE: readonly AttentionFlag[] = [
  'amount_mismatch',
  'push_disagreed',
  'late_confirmation',
];

function withEntry(
  payment: Payment,
  entry: {
    readonly source: ChangeSource;
    readonly reason: string;
    readonly now: Date;
    readonly change: NonNullable<HistoryEntry['change']>;
    readonly resolvedBy?: HistoryEntry['resolvedBy'];
  },
): Payment {
  const at = entry.now.toISOString();
  const state = payment.snapshot.state;
  return {
    ...payment,
    priorAttention: attentionOf(payment),
    version: payment.version + 1,
    updatedAt: at,
    history: [
      ...payment.history,
      {
        at,
        from: state,
        to: state,
        source: entry.source,
        reason: entry.reason,
        change: entry.change,
        ...(entry.resolvedBy ? { resolvedBy: entry.resolvedBy } : {}),
      },
    ],
  };
}

export type Resolution = 'happened' | 'did_not_happen';

// Assumed (docs/payon-assumptions.md A49).
/**
 * Where an operator's resolution of an UNKNOWN move leads: `happened` to the move's done state,
 * `did_not_happen` to the state before it. An unanswered registration has no state before it
 * that PAYON could act on, so "did not happen" is FAILED (the order does not exist at PAYON).
 */
export function resolutionTarget(
  snapshot: Extract<StateSnapshot, { state: 'UNKNOWN' }>,
  outcome: Resolution,
): KnownState {
  const done: Record<MoneyOperation, KnownState> = {
    register: 'PENDING',
    capture: 'SUCCEEDED',
    cancel: 'CANCELLED',
    refund: 'REFUNDED',
  };
  if (outcome === 'happened') return done[snapshot.operation];
  return snapshot.operation === 'register' ? 'FAILED' : snapshot.priorState;
}

/**
 * An operator settled an UNKNOWN move: the history keeps who and why (`resolvedBy: "operator"`).
 * Throws `InvalidTransitionError` when the payment is not UNKNOWN.
 */
export function resolveByOperator(
  payment: Payment,
  verdict: { readonly outcome: Resolution; readonly reason: string; readonly now: Date },
): Payment {
  const { outcome, reason, now } = verdict;
  const { snapshot } = payment;
  if (snapshot.state !== 'UNKNOWN') {
    throw new InvalidTransitionError(
      `only an UNKNOWN payment is resolved by an operator; payment ${payment.txId} is ${snapshot.state}`,
    );
  }
  const to = resolutionTarget(snapshot, outcome);
  assertTransition(snapshot, to);
  const undoCapture = snapshot.operation === 'capture' && outcome === 'did_not_happen';
  return withState(payment, {
    next: { state: to },
    source: 'operator',
    reason,
    now,
    changes: undoCapture ? { capturedAmount: undefined } : {},
    resolvedBy: 'operator',
  });
}

/** The payment as the merchant's API shows it. */
export function paymentView(payment: Payment) {
  const { snapshot } = payment;
  return {
    id: payment.txId,
    state: snapshot.state,
    ...(snapshot.state === 'UNKNOWN'
      ? { unknownOperation: snapshot.operation, stateBeforeUnknown: snapshot.priorState }
      : {}),
    kind: payment.kind,
    paymentMethod: payment.paymentMethod,
    amount: { value: toWireAmount(payment.amount), currency: payment.amount.currency },
    // While a capture's outcome is unknown the stored amount is only what was asked for (the
    // evidence that settles it is compared with it): nothing is shown as captured before PAYON
    // says so.
    ...(payment.capturedAmount &&
    !(snapshot.state === 'UNKNOWN' && snapshot.operation === 'capture')
      ? {
          capturedAmount: {
            value: toWireAmount(payment.capturedAmount),
            currency: payment.capturedAmount.currency,
          },
        }
      : {}),
    reference: payment.reference ?? null,
    checkoutUrl: payment.checkoutUrl ?? null,
    qrString: payment.qrString ?? null,
    expiresAt: payment.expiresAt ?? null,
    returnUrl: payment.returnUrl,
    bindingId: payment.bindingId ?? null,
    lastDecline: payment.lastDecline
      ? {
          at: payment.lastDecline.at,
          payonCode: payment.lastDecline.payonCode,
          payonMessage: payment.lastDecline.payonMessage ?? null,
          attempts: payment.lastDecline.count,
        }
      : null,
    attention: attentionOf(payment),
    createdAt: payment.createdAt,
    updatedAt: payment.updatedAt,
    history: payment.history.map((h) => ({
      at: h.at,
      from: h.from,
      to: h.to,
      reason: h.reason,
      ...(h.change ? { change: h.change } : {}),
      ...(h.resolvedBy ? { resolvedBy: h.resolvedBy } : {}),
    })),
  };
}
export type PaymentView = ReturnType<typeof paymentView>;
