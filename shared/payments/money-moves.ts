import { markUnknown, type Payment, transition } from '#shared/domain/payment.ts';
import { canStart, type KnownState, type MoneyOperation } from '#shared/domain/payment-state.ts';
import {
  ConflictError,
  NotFoundError,
  OutcomeUnknownError,
  PayonRejectedError,
  type PayonUnavailableError,
  ServiceUnavailableError,
} from '#shared/errors.ts';
import { isCredentialsRejected, payonOutcome } from '#shared/payon/outcome.ts';
import type { MoneyMoveResult } from '#shared/payon/types.ts';
import type { Dependencies } from '#shared/runtime/dependencies.ts';

export type MoneyMoveDeps = Pick<Dependencies, 'payon' | 'payments' | 'clock'>;

export async function loadPayment(
  deps: Pick<Dependencies, 'payments'>,
  txId: string,
): Promise<Payment> {
  const payment = await deps.payments.get(txId);
  if (!payment) throw new NotFoundError(`payment ${txId} does not exist`);
  return payment;
}

const NEEDS: Record<Exclude<MoneyOperation, 'register'>, string> = {
  capture: 'an AUTHORIZED pre-authorisation',
  cancel: 'an AUTHORIZED or SUCCEEDED payment that is not refunded',
  refund: 'a SUCCEEDED payment',
};

/** One money move at PAYON, as `move` carries it out. */
export interface MoneyMove {
  readonly operation: Exclude<MoneyOperation, 'register'>;
  /** The PAYON call; sent once, never again on an inference. */
  readonly call: () => Promise<MoneyMoveResult>;
  /** The state PAYON's approval leads to. */
  readonly done: KnownState;
  /** What PAYON's approval changes besides the state. */
  readonly changes?: (
    result: MoneyMoveResult,
  ) => Partial<Pick<Payment, 'capturedAmount' | 'approvalNo'>>;
  /** Recorded with the UNKNOWN mark: what the move asks for (the capture amount). */
  readonly pending?: Partial<Pick<Payment, 'capturedAmount'>>;
}

export async function move(
  deps: MoneyMoveDeps,
  payment: Payment,
  { operation, call, done, changes = () => ({}), pending = {} }: MoneyMove,
): Promise<Payment> {
  if (payment.snapshot.state === 'UNKNOWN') {
    throw new ConflictError(
      'outcome_being_resolved',
      `payment ${payment.txId} has a ${payment.snapshot.operation} whose outcome is being confirmed with PAYON`,
      30,
    );
  }
  if (!canStart(payment.snapshot, operation)) {
    throw new ConflictError(
      'payment_state_conflict',
      `a ${operation} needs ${NEEDS[operation]}; payment ${payment.txId} is ${payment.snapshot.state}`,
    );
  }
  const prior = payment.snapshot.state;
  // A secret or key problem must surface before the payment is marked as sent.
  await deps.payon.prepare();
  const inFlight = markUnknown(payment, {
    operation,
    reason: `${operation} sent to PAYON`,
    now: deps.clock(),
    changes: pending,
  });
  await deps.payments.update(inFlight);
  let result: MoneyMoveResult;
  try {
    result = await call();
  } catch (error) {
    const now = deps.clock();
    const outcome = payonOutcome(error);
    if (outcome === 'refused' || outcome === 'not_sent') {
      const why =
        error instanceof PayonRejectedError
          ? `PAYON refused the ${operation} (${error.payonCode})`
          : 'PAYON could not be reached';
      await recordAnswer(payment, operation, () =>
        deps.payments.update(
          transition(inFlight, {
            to: prior,
            source: 'payon',
            reason: why,
            now,
            changes: {
              capturedAmount: payment.capturedAmount,
            },
          }),
        ),
      ).catch((recordError: unknown) => {
        // Moved meanwhile (a sync read PAYON first): PAYON's refusal is still the answer.
        if (!(recordError instanceof ConflictError)) throw recordError;
      });
      throw error;
    }
    if (isCredentialsRejected(error)) {
      // 401 twice: the secret is wrong, and PAYON may still have applied the first send (A51).
      // The payment stays UNKNOWN (settled by PAYON's evidence once the secret is fixed); the
      // answer names the configuration to fix.
      throw new ServiceUnavailableError(
        'payon_credentials_rejected',
        `${error.message}. Payment ${payment.txId} is UNKNOWN until PAYON confirms whether the ${operation} was processed, and the ${operation} will not be sent again`,
      );
    }
    if (outcome === 'unknown') {
      // No answer, a 5xx, garbage, or a refusal of the retry after a 401 (the first attempt may
      // have been processed): UNKNOWN, settled only by PAYON's positive evidence, never sent again
      // (docs/payon-assumptions.md A10, A51).
      const fault = error as OutcomeUnknownError | PayonUnavailableError | PayonRejectedError;
      throw new OutcomeUnknownError(
        fault instanceof PayonRejectedError
          ? `PAYON refused the ${operation} of payment ${payment.txId} (${fault.payonCode}) on the retry after a 401; the first attempt may have gone through, so the payment is UNKNOWN until PAYON confirms, and the ${operation} will not be sent again`
          : `the ${operation} of payment ${payment.txId} has an unknown outcome; the payment is UNKNOWN until PAYON confirms, and the ${operation} will not be sent again`,
        {
          path: fault.path,
          cause: error,
          statusCode: fault instanceof OutcomeUnknownError ? fault.statusCode : 502,
        },
      );
    }
    throw error;
  }
  const settled = transition(inFlight, {
    to: done,
    source: 'payon',
    reason: `PAYON approved the ${operation}`,
    now: deps.clock(),
    changes: changes(result),
  });
  try {
    await recordAnswer(payment, operation, () => deps.payments.update(settled));
    return settled;
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    return settledMeanwhile(deps, payment, { operation, done });
  }
}

/**
 * PAYON approved the move, but a sync or a push wrote the payment first (only a state change
 * writes a new version). Settled as this move settles it: that is the answer (200, replayed for
 * its Idempotency-Key); settled otherwise: an operator must look.
 */
async function settledMeanwhile(
  deps: MoneyMoveDeps,
  payment: Payment,
  {
    operation,
    done,
  }: { readonly operation: Exclude<MoneyOperation, 'register'>; readonly done: KnownState },
): Promise<Payment> {
  const current = await loadPayment(deps, payment.txId);
  if (current.snapshot.state === done) return current;
  throw new ConflictError(
    'payment_state_conflict',
    `PAYON approved the ${operation} of payment ${payment.txId}, but the payment is now ${current.snapshot.state}; an operator must check it`,
  );
}

/**
 * Writes what PAYON answered. A store failure then is not a 500: PAYON has acted (or refused), so
 * the answer is "outcome unknown" (502) while the payment stays UNKNOWN, to be settled by a sync.
 * A conflicting writer is left to the caller.
 */
async function recordAnswer(
  payment: Payment,
  operation: Exclude<MoneyOperation, 'register'>,
  write: () => Promise<unknown>,
): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (error instanceof ConflictError) throw error;
    throw new OutcomeUnknownError(
      `PAYON answered the ${operation} of payment ${payment.txId}, but the answer could not be recorded; the payment is UNKNOWN until a status sync settles it, and the ${operation} will not be sent again`,
      { path: '/store', cause: error, statusCode: 502 },
    );
  }
}
