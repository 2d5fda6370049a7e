import { describe, expect, it } from 'vitest';
import {
  assertNever,
  assertTransition,
  canStart,
  canTransition,
  enterUnknown,
  isFinal,
  type KnownState,
  MONEY_OPERATIONS,
  type MoneyOperation,
  nextStates,
  PAYMENT_STATES,
  type PaymentState,
  type StateSnapshot,
} from '#shared/domain/payment-state.ts';
import { InvalidTransitionError } from '#shared/errors.ts';

// The whole table, written out by hand: every pair not listed here must be refused.
const ALLOWED: Record<KnownState, PaymentState[]> = {
  CREATED: ['PENDING', 'FAILED', 'UNKNOWN'],
  PENDING: ['AUTHORIZED', 'SUCCEEDED', 'FAILED', 'EXPIRED'],
  AUTHORIZED: ['SUCCEEDED', 'CANCELLED', 'UNKNOWN'],
  SUCCEEDED: ['CANCELLED', 'REFUNDED', 'UNKNOWN'],
  EXPIRED: ['AUTHORIZED', 'SUCCEEDED'],
  FAILED: ['AUTHORIZED', 'SUCCEEDED'],
  CANCELLED: [],
  REFUNDED: [],
};

const UNKNOWN_CASES: [MoneyOperation, KnownState, PaymentState[]][] = [
  ['register', 'CREATED', ['PENDING', 'AUTHORIZED', 'SUCCEEDED', 'FAILED', 'EXPIRED']],
  ['capture', 'AUTHORIZED', ['SUCCEEDED', 'AUTHORIZED']],
  ['cancel', 'AUTHORIZED', ['CANCELLED', 'AUTHORIZED']],
  ['cancel', 'SUCCEEDED', ['CANCELLED', 'SUCCEEDED']],
  ['refund', 'SUCCEEDED', ['REFUNDED', 'SUCCEEDED']],
];

const known = PAYMENT_STATES.filter((s): s is KnownState => s !== 'UNKNOWN');

describe('payment state machine', () => {
  const knownPairs = known.flatMap((from) => PAYMENT_STATES.map((to) => [from, to] as const));

  it.each(knownPairs)('decides %s -> %s exactly as the table says', (from, to) => {
    const allowed = ALLOWED[from].includes(to);
    expect(canTransition({ state: from }, to)).toBe(allowed);
    if (allowed) {
      expect(() => assertTransition({ state: from }, to)).not.toThrow();
    } else {
      expect(() => assertTransition({ state: from }, to)).toThrow(
        new InvalidTransitionError(`a payment cannot move from ${from} to ${to}`),
      );
    }
  });

  const unknownPairs = UNKNOWN_CASES.flatMap(([operation, prior, outcomes]) =>
    PAYMENT_STATES.map((to) => [operation, prior, to, outcomes.includes(to)] as const),
  );

  it.each(unknownPairs)(
    'resolves an UNKNOWN %s (from %s) to %s: %s',
    (operation, prior, to, ok) => {
      const from: StateSnapshot = { state: 'UNKNOWN', operation, priorState: prior };
      expect(canTransition(from, to)).toBe(ok);
      if (!ok) {
        expect(() => assertTransition(from, to)).toThrow(
          new InvalidTransitionError(`a payment cannot move from UNKNOWN (${operation}) to ${to}`),
        );
      }
    },
  );

  it('never lets a late failure downgrade a succeeded or authorized payment', () => {
    expect(canTransition({ state: 'SUCCEEDED' }, 'FAILED')).toBe(false);
    expect(canTransition({ state: 'AUTHORIZED' }, 'FAILED')).toBe(false);
    expect(canTransition({ state: 'REFUNDED' }, 'SUCCEEDED')).toBe(false);
  });

  it('does not resolve an unknown refund to a state the refund could not have caused', () => {
    const refund = enterUnknown({ state: 'SUCCEEDED' }, 'refund');
    expect(nextStates(refund)).toEqual(['REFUNDED', 'SUCCEEDED']);
    expect(canTransition(refund, 'FAILED')).toBe(false);
  });

  it.each(MONEY_OPERATIONS.flatMap((operation) => known.map((from) => [operation, from] as const)))(
    'starts a %s from %s only where the move makes sense',
    (operation, from) => {
      const starts: Record<MoneyOperation, KnownState[]> = {
        register: ['CREATED'],
        capture: ['AUTHORIZED'],
        cancel: ['AUTHORIZED', 'SUCCEEDED'],
        refund: ['SUCCEEDED'],
      };
      const ok = starts[operation].includes(from);
      expect(canStart({ state: from }, operation)).toBe(ok);
      if (ok) {
        expect(enterUnknown({ state: from }, operation)).toEqual({
          state: 'UNKNOWN',
          operation,
          priorState: from,
        });
        expect(canTransition({ state: from }, 'UNKNOWN')).toBe(true);
      } else {
        expect(() => enterUnknown({ state: from }, operation)).toThrow(
          new InvalidTransitionError(`a ${operation} cannot start from ${from}`),
        );
      }
    },
  );

  it('refuses to start another move while one is unknown', () => {
    const unknown = enterUnknown({ state: 'AUTHORIZED' }, 'capture');
    expect(canStart(unknown, 'cancel')).toBe(false);
    expect(() => enterUnknown(unknown, 'cancel')).toThrow(
      new InvalidTransitionError('a cancel cannot start from UNKNOWN (capture)'),
    );
  });

  it('calls exactly CANCELLED and REFUNDED final: a FAILED payment PAYON later confirms moves on', () => {
    expect(PAYMENT_STATES.filter(isFinal)).toEqual(['CANCELLED', 'REFUNDED']);
    expect(canTransition({ state: 'FAILED' }, 'SUCCEEDED')).toBe(true);
    expect(canTransition({ state: 'FAILED' }, 'AUTHORIZED')).toBe(true);
    expect(canTransition({ state: 'FAILED' }, 'EXPIRED')).toBe(false);
  });

  it('rejects a value outside the closed union at run time', () => {
    expect(() => nextStates({ state: 'LOST' } as unknown as StateSnapshot)).toThrow(TypeError);
    expect(() => assertNever('x' as never)).toThrow('unexpected value: "x"');
  });
});
