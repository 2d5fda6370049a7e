/**
 * A payment as the product keeps it, and the pure functions that move it. Every state change goes
 * through {@link transition}, which asks the state machine (`./payment-state.ts`) first; the store
 * then writes the result with a condition on `version`, so two writers never both win.
 */

import { type Money, toWireAmount } from '#shared/domain/money.ts';
import {
  assertTransition,
  enterUnknown,
  type KnownState,
  type MoneyOperation,
  type PaymentState,
  type StateSnapshot,
} from '#shared/domain/payment-state.ts';
import { cambodiaDay } from '#shared/payon/dates.ts';
import type { PayDvCd, PaymentMethod } from '#shared/payon/types.ts';

export type PaymentKind = 'purchase' | 'preauth';

/** What caused a change: our own call, PAYON's answer, a pull, a push, the sweep, an operator. */
export type ChangeSource =
  | 'api'
  | 'payon'
  | 'status_pull'
  | 'orders_list'
  | 'sweep'
  | 'reconciliation';

export interface HistoryEntry {
  readonly at: string;
  readonly from: PaymentState;
  readonly to: PaymentState;
  readonly source: ChangeSource;
  /** Why, in words an operator reads (never card data). */
  readonly reason: string;
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
  /** When the sweep gave up and handed the payment to an operator (an alarm fired). */
  readonly escalatedAt: string | undefined;
  readonly history: readonly HistoryEntry[];
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
    escalatedAt: undefined,
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

function withState(
  payment: Payment,
  next: StateSnapshot,
  source: ChangeSource,
  reason: string,
  now: Date,
  changes: Changes,
): Payment {
  const at = now.toISOString();
  const waiting = awaitsPayon(next.state);
  return {
    ...payment,
    ...changes,
    snapshot: next,
    version: payment.version + 1,
    updatedAt: at,
    nextSyncAt: waiting
      ? (changes.nextSyncAt ?? new Date(now.getTime() + FIRST_SYNC_DELAY_MS).toISOString())
      : undefined,
    // A new state starts a new probe schedule.
    syncAttempts: 0,
    escalatedAt: undefined,
    history: [
      ...payment.history,
      { at, from: payment.snapshot.state, to: next.state, source, reason },
    ],
  };
}

/**
 * The payment moved to `to`. Throws `InvalidTransitionError` when the state machine forbids it.
 *
 * @example
 * ```ts
 * transition(payment, 'PENDING', 'payon', 'registered at PAYON', new Date(), { checkoutUrl });
 * ```
 */
export function transition(
  payment: Payment,
  to: KnownState,
  source: ChangeSource,
  reason: string,
  now: Date,
  changes: Changes = {},
): Payment {
  assertTransition(payment.snapshot, to);
  return withState(payment, { state: to }, source, reason, now, changes);
}

/** Our money move's outcome is unknown: the payment waits for PAYON to tell (never re-sent). */
export function markUnknown(
  payment: Payment,
  operation: MoneyOperation,
  reason: string,
  now: Date,
  changes: Changes = {},
): Payment {
  return withState(
    payment,
    enterUnknown(payment.snapshot, operation),
    'payon',
    reason,
    now,
    changes,
  );
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
    ...(payment.capturedAmount
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
    createdAt: payment.createdAt,
    updatedAt: payment.updatedAt,
    history: payment.history.map((h) => ({ at: h.at, from: h.from, to: h.to, reason: h.reason })),
  };
}
export type PaymentView = ReturnType<typeof paymentView>;
