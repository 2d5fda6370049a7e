/**
 * The payment state vocabulary (docs/payon-assumptions.md A9, A35) and every transition the
 * product allows, in one place. Nothing else decides whether a payment may move.
 *
 * States only move forward. UNKNOWN is special: it records that the outcome of one of *our* money
 * moves is unknown (timeout, connection reset, 5xx), remembers which move and the state before it,
 * and may only be resolved to an outcome that move can have.
 *
 * @example
 * ```ts
 * canTransition({ state: 'PENDING' }, 'SUCCEEDED');           // true canTransition({ state:
 * 'SUCCEEDED' }, 'FAILED');            // false: a late failure never downgrades canTransition({
 * state: 'UNKNOWN', operation: 'refund', priorState: 'SUCCEEDED' }, 'REFUNDED'); // true
 * ```
 */
import { InvalidTransitionError } from '#shared/errors.ts';

export const PAYMENT_STATES = [
  'CREATED',
  'PENDING',
  'AUTHORIZED',
  'SUCCEEDED',
  'FAILED',
  'EXPIRED',
  'CANCELLED',
  'REFUNDED',
  'UNKNOWN',
] as const;
export type PaymentState = (typeof PAYMENT_STATES)[number];
export type KnownState = Exclude<PaymentState, 'UNKNOWN'>;

/** The calls of ours that move money, and so may leave a payment UNKNOWN. */
export const MONEY_OPERATIONS = ['register', 'capture', 'cancel', 'refund'] as const;
export type MoneyOperation = (typeof MONEY_OPERATIONS)[number];

/** Where a payment is: a known state, or UNKNOWN with the move that went unanswered. */
export type StateSnapshot =
  | { readonly state: KnownState }
  | {
      readonly state: 'UNKNOWN';
      readonly operation: MoneyOperation;
      readonly priorState: KnownState;
    };

/**
 * Forward transitions between known states.
 * - CREATED: stored locally, PAYON not yet answered the registration.
 * - PENDING: registered at PAYON, waiting for the customer.
 * - EXPIRED and FAILED may still become AUTHORIZED or SUCCEEDED: both are our conclusions from
 * PAYON's silence or declines, and PAYON's later confirmation for the same amount means it took the
 * money, which must never be lost (a late confirmation, docs/payon-assumptions.md A9; alarmed).
 * - CANCELLED and REFUNDED are final.
 */
const KNOWN_TRANSITIONS: { readonly [S in KnownState]: readonly PaymentState[] } = {
  CREATED: ['PENDING', 'FAILED', 'UNKNOWN'],
  PENDING: ['AUTHORIZED', 'SUCCEEDED', 'FAILED', 'EXPIRED'],
  AUTHORIZED: ['SUCCEEDED', 'CANCELLED', 'UNKNOWN'],
  SUCCEEDED: ['CANCELLED', 'REFUNDED', 'UNKNOWN'],
  EXPIRED: ['AUTHORIZED', 'SUCCEEDED'],
  FAILED: ['AUTHORIZED', 'SUCCEEDED'],
  CANCELLED: [],
  REFUNDED: [],
};

/** States a late confirmation moves forward from (docs/payon-assumptions.md A9). */
export const CONCLUDED_UNPAID: readonly KnownState[] = ['FAILED', 'EXPIRED'];

/** The states each money move starts from (a payment enters UNKNOWN only from these). */
export const OPERATION_STARTS: { readonly [O in MoneyOperation]: readonly KnownState[] } = {
  register: ['CREATED'],
  capture: ['AUTHORIZED'],
  cancel: ['AUTHORIZED', 'SUCCEEDED'],
  refund: ['SUCCEEDED'],
};

/**
 * What an UNKNOWN move may turn out to have done. `'prior'` means the move did not happen and the
 * payment returns to where it was.
 */
const UNKNOWN_OUTCOMES: { readonly [O in MoneyOperation]: readonly (KnownState | 'prior')[] } = {
  register: ['PENDING', 'AUTHORIZED', 'SUCCEEDED', 'FAILED', 'EXPIRED'],
  capture: ['SUCCEEDED', 'prior'],
  cancel: ['CANCELLED', 'prior'],
  refund: ['REFUNDED', 'prior'],
};

/** The states a payment may move to next. */
export function nextStates(from: StateSnapshot): readonly PaymentState[] {
  switch (from.state) {
    case 'UNKNOWN':
      return UNKNOWN_OUTCOMES[from.operation].map((s) => (s === 'prior' ? from.priorState : s));
    case 'CREATED':
    case 'PENDING':
    case 'AUTHORIZED':
    case 'SUCCEEDED':
    case 'EXPIRED':
    case 'FAILED':
    case 'CANCELLED':
    case 'REFUNDED':
      return KNOWN_TRANSITIONS[from.state];
    default:
      return assertNever(from);
  }
}

/** Whether `from` may move to `to`. Staying in the same state is not a transition. */
export function canTransition(from: StateSnapshot, to: PaymentState): boolean {
  return nextStates(from).includes(to);
}

/**
 * Whether a money move may start from this snapshot (and so may leave it UNKNOWN).
 *
 * @example
 * ```ts
 * canStart({ state: 'AUTHORIZED' }, 'capture'); // true
 * canStart({ state: 'SUCCEEDED' }, 'capture');  // false
 * ```
 */
export function canStart(from: StateSnapshot, operation: MoneyOperation): boolean {
  return from.state !== 'UNKNOWN' && OPERATION_STARTS[operation].includes(from.state);
}

/**
 * The snapshot of a payment whose money move went unanswered.
 *
 * @example
 * ```ts
 * enterUnknown({ state: 'SUCCEEDED' }, 'refund');
 * // { state: 'UNKNOWN', operation: 'refund', priorState: 'SUCCEEDED' }
 * ```
 */
export function enterUnknown(from: StateSnapshot, operation: MoneyOperation): StateSnapshot {
  if (from.state === 'UNKNOWN' || !canStart(from, operation)) {
    const where = from.state === 'UNKNOWN' ? `UNKNOWN (${from.operation})` : from.state;
    throw new InvalidTransitionError(`a ${operation} cannot start from ${where}`);
  }
  return { state: 'UNKNOWN', operation, priorState: from.state };
}

/** Throws {@link InvalidTransitionError} unless `from` may move to `to`. */
export function assertTransition(from: StateSnapshot, to: PaymentState): void {
  if (!canTransition(from, to)) {
    const where = from.state === 'UNKNOWN' ? `UNKNOWN (${from.operation})` : from.state;
    throw new InvalidTransitionError(`a payment cannot move from ${where} to ${to}`);
  }
}

/** True for states no event can leave. */
export function isFinal(state: PaymentState): boolean {
  return state !== 'UNKNOWN' && KNOWN_TRANSITIONS[state].length === 0;
}

/** Compile-time exhaustiveness check for switches over closed unions. */
export function assertNever(value: never): never {
  throw new TypeError(`unexpected value: ${JSON.stringify(value)}`);
}
