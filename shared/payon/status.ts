/**
 * What PAYON's codes say about a payment: one place, every known code mapped explicitly. Anything
 * else is "not confirmed" (the payment stays where it is) and is reported to the caller's log. Only
 * the signals the product decides on (docs/payon-assumptions.md A19, A21, A26) move a payment; this
 * module only reads codes, it decides nothing.
 */

/**
 * - `confirmed`: PAYON says the transaction is approved/complete.
 * - `not_successful`: PAYON says it is not successful or not found (`9999`, status 302). On its
 *   own this is NOT a failure: a second, independent signal is needed
 *   (docs/payon-assumptions.md A35).
 * - `not_confirmed`: PAYON said something this product does not know; nothing may change.
 */
export type GatewaySignal = 'confirmed' | 'not_successful' | 'not_confirmed';

/** Result codes PAYON documents (docs/payon-api.md#result-codes), with their meaning. */
export const PAYON_RESULT_CODES = {
  '0000': 'Success',
  '9999': 'System error / not successful / not found',
  '0001': 'Invalid Merchant ID',
  '0002': 'Invalid Term ID',
  '3003': 'Invalid Transaction',
  '0006': 'Invalid Customer ID',
} as const;
export type PayonResultCode = keyof typeof PAYON_RESULT_CODES;

export const SUCCESS_CODE = '0000';
export const NOT_SUCCESSFUL_CODE = '9999';

/** Where an unknown code is reported; a Powertools Logger fits. */
export interface Log {
  warn(message: string, extra?: Record<string, unknown>): void;
}

// Assumed (docs/payon-assumptions.md A19): only COMPLETE is documented.
/** `txStCd` of a status pull answered 200: only `COMPLETE` is documented. */
export function statusPullSignal(txStCd: string, log?: Log): GatewaySignal {
  switch (txStCd.toUpperCase()) {
    case 'COMPLETE':
      return 'confirmed';
    default:
      log?.warn('PAYON status has an unknown txStCd; the payment is left as it is', { txStCd });
      return 'not_confirmed';
  }
}

/**
 * An orders-list item's `resultCd` (docs/payon-assumptions.md A21, A47: `0000` confirms, any
 * documented other refutes).
 */
export function orderResultSignal(resultCd: string | undefined, log?: Log): GatewaySignal {
  if (resultCd === undefined) return 'not_confirmed';
  if (resultCd === SUCCESS_CODE) return 'confirmed';
  if (Object.hasOwn(PAYON_RESULT_CODES, resultCd)) return 'not_successful';
  log?.warn('PAYON orders list has an unknown resultCd; the payment is left as it is', {
    resultCd,
  });
  return 'not_confirmed';
}

/**
 * What an (unsigned, untrusted) push claims. A claim never changes a payment: it triggers a pull.
 */
export type PushClaim = 'claims_success' | 'claims_failure' | 'not_confirmed';

// Assumed (docs/payon-assumptions.md A26).
export function pushClaim(resultCode: string, log?: Log): PushClaim {
  switch (resultCode) {
    case SUCCESS_CODE:
      return 'claims_success';
    case NOT_SUCCESSFUL_CODE:
      return 'claims_failure';
    default:
      log?.warn('PAYON push has an unknown resultCode; it only triggers a status pull', {
        resultCode,
      });
      return 'not_confirmed';
  }
}

/** The kind of transaction behind PAYON's `trt`, spelled as a code (`"10"`) or a name. */
export type TransactionKind = 'purchase' | 'preauth' | 'unknown';

export function transactionKind(trt: string | undefined): TransactionKind {
  switch (trt?.toUpperCase()) {
    case '10':
    case 'PURCHASE':
      return 'purchase';
    case '12':
    case 'PRE_AUTH':
    case 'PREAUTH':
      return 'preauth';
    default:
      return 'unknown';
  }
}
