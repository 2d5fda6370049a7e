/**
 * What a failed PAYON call means for money, decided in one place (docs/payon-assumptions.md A20,
 * A51):
 * - `refused`: PAYON answered and did nothing (a refusal);
 * - `not_sent`: the request never reached PAYON (no connection was made);
 * - `unknown`: PAYON may have acted (no answer, a 5xx, garbage, a refusal answered to the retry
 *   after a 401, or 401 twice): settled only by PAYON's positive evidence, never by sending it
 *   again. PAYON documents 401 as a token check made first, but nothing in its documentation rules
 *   out a request applied and then answered 401 (the model test's ambiguous PAYON plays it, and a
 *   refund concluded "did not happen" was in fact done): so two 401s say the credentials are wrong
 *   (503 `payon_credentials_rejected`), not that the money did not move.
 * Anything else is not a PAYON fault (undefined). A read (a call that moves no money) is sorted
 * by {@link payonReadOutcome}.
 */
import {
  OutcomeUnknownError,
  PayonRejectedError,
  PayonUnavailableError,
  ServiceUnavailableError,
} from '#shared/errors.ts';

export type PayonOutcome = 'refused' | 'not_sent' | 'unknown';

export type PayonFault =
  | PayonRejectedError
  | PayonUnavailableError
  | OutcomeUnknownError
  | ServiceUnavailableError;

export function payonOutcome(error: unknown): PayonOutcome | undefined {
  if (error instanceof PayonRejectedError) return error.afterRetry ? 'unknown' : 'refused';
  if (error instanceof ServiceUnavailableError) {
    return error.code === 'payon_credentials_rejected' ? 'unknown' : undefined;
  }
  if (error instanceof PayonUnavailableError)
    return error.mayHaveMovedMoney ? 'unknown' : 'not_sent';
  if (error instanceof OutcomeUnknownError) return 'unknown';
  return undefined;
}

/** Whether `error` is PAYON failing (refused, not reached, or not answering). */
export function isPayonFault(error: unknown): error is PayonFault {
  return payonOutcome(error) !== undefined;
}

/** What a failed read means: PAYON refused it, or gave no answer to read (not sent or unknown). */
export type PayonReadOutcome = 'refused' | 'unanswered';

/**
 * A read moves no money, so a refusal is a refusal even on the retry after a 401 (where a money
 * move's would be `unknown`); every other PAYON fault is "no answer". Undefined: not PAYON.
 */
export function payonReadOutcome(error: unknown): PayonReadOutcome | undefined {
  if (error instanceof PayonRejectedError) return 'refused';
  if (isCredentialsRejected(error)) return 'refused';
  const outcome = payonOutcome(error);
  if (outcome === undefined) return undefined;
  return outcome === 'refused' ? 'refused' : 'unanswered';
}

/** PAYON answered 401 twice (a rotated key re-read in between): the merchant secret is wrong. */
export function isCredentialsRejected(error: unknown): error is ServiceUnavailableError {
  return error instanceof ServiceUnavailableError && error.code === 'payon_credentials_rejected';
}
