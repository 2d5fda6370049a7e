import { markUnknown, type Payment, transition } from '#shared/domain/payment.ts';
import { canStart, type KnownState, type MoneyOperation } from '#shared/domain/payment-state.ts';
import {
  ConflictError,
  NotFoundError,
  OutcomeUnknownError,
  PayonRejectedError,
  PayonUnavailableError,
  ServiceUnavailableError,
} from '#shared/errors.ts';
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

export async function move(
  deps: MoneyMoveDeps,
  payment: Payment,
  operation: Exclude<MoneyOperation, 'register'>,
  call: () => Promise<MoneyMoveResult>,
  done: KnownState,
  changes: (result: MoneyMoveResult) => Partial<Pick<Payment, 'capturedAmount' | 'approvalNo'>>,
  /** Recorded with the UNKNOWN mark: what the move asks for (the capture amount). */
  pending: Partial<Pick<Payment, 'capturedAmount'>> = {},
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
  const inFlight = markUnknown(
    payment,
    operation,
    `${operation} sent to PAYON`,
    deps.clock(),
    pending,
  );
  await deps.payments.update(inFlight);
  let result: MoneyMoveResult;
  try {
    result = await call();
  } catch (error) {
    const now = deps.clock();
    const credentials =
      error instanceof ServiceUnavailableError && error.code === 'payon_credentials_rejected';
    if (
      (error instanceof PayonRejectedError && !error.afterRetry) ||
      credentials || // two 401s: PAYON checks the token before it does anything (DEFAULTS.md)
      (error instanceof PayonUnavailableError && !error.mayHaveMovedMoney)
    ) {
      const why =
        error instanceof PayonRejectedError
          ? `PAYON refused the ${operation} (${error.payonCode})`
          : credentials
            ? 'PAYON refused our credentials'
            : 'PAYON could not be reached';
      await deps.payments.update(
        transition(inFlight, prior, 'payon', why, now, { capturedAmount: payment.capturedAmount }),
      );
      throw error;
    }
    if (error instanceof PayonRejectedError) {
      // Refused on the retry after a 401: the first attempt may have been processed. UNKNOWN,
      // settled only by PAYON's positive evidence, never sent again (DEFAULTS.md "401").
      throw new OutcomeUnknownError(
        `PAYON refused the ${operation} of payment ${payment.txId} (${error.payonCode}) on the retry after a 401; the first attempt may have gone through, so the payment is UNKNOWN until PAYON confirms, and the ${operation} will not be sent again`,
        error.path,
        { cause: error },
        502,
      );
    }
    if (error instanceof OutcomeUnknownError || error instanceof PayonUnavailableError) {
      throw new OutcomeUnknownError(
        `the ${operation} of payment ${payment.txId} has an unknown outcome; the payment is UNKNOWN until PAYON confirms, and the ${operation} will not be sent again`,
        error.path,
        { cause: error },
        error instanceof OutcomeUnknownError ? error.statusCode : 502,
      );
    }
    throw error;
  }
  const settled = transition(
    inFlight,
    done,
    'payon',
    `PAYON approved the ${operation}`,
    deps.clock(),
    {
      ...changes(result),
    },
  );
  await deps.payments.update(settled);
  return settled;
}
