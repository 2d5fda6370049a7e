/**
 * The product's error vocabulary. Each class has a literal `code`, the HTTP `statusCode` the one
 * error mapper answers with, and the original `cause` where there is one that is safe to keep.
 *
 * Messages are written for the operator reading a log: they say what to check. They never carry a
 * secret, a card number, a CVV or a PIN.
 *
 * @example
 * ```ts
 * throw new InvalidRequestError([{ field: 'amount', reason: 'must be a positive amount' }]);
 * ```
 */
import { maskCardNumbers } from '#shared/domain/card.ts';

export abstract class AppError extends Error {
  abstract readonly code: string;
  abstract readonly statusCode: number;
}

/** One field-level problem in a request: which field, and why it was refused. */
export interface FieldIssue {
  readonly field: string;
  readonly reason: string;
}

/** The caller sent something we refuse. Nothing was changed. */
export class InvalidRequestError extends AppError {
  readonly code = 'invalid_request';
  readonly statusCode = 400;
  override readonly name = 'InvalidRequestError';
  /**
   * Each issue with card-like numbers masked, in the reason and in the field name too: a card
   * number sent as a key (`{"4111111111111111": 1}`) is named `411111******1111`.
   */
  readonly issues: readonly FieldIssue[];

  constructor(issues: readonly FieldIssue[], options?: ErrorOptions) {
    const masked = issues.map((i) => ({
      field: maskCardNumbers(i.field),
      reason: maskCardNumbers(i.reason),
    }));
    super(masked.map((i) => `${i.field}: ${i.reason}`).join('; ') || 'invalid request', options);
    this.issues = masked;
  }
}

/**
 * A currency this deployment does not take (docs/payon-assumptions.md A8: only USD until
 * `KHR_ENABLED`). Nothing was stored or sent.
 */
export class CurrencyNotSupportedError extends AppError {
  readonly code = 'currency_not_supported';
  readonly statusCode = 400;
  override readonly name = 'CurrencyNotSupportedError';

  constructor(
    readonly currency: string,
    readonly accepted: readonly string[],
  ) {
    super(
      `${currency} is not accepted: this deployment takes ${accepted.join(', ')} (PAYON supports only USD for now; KHR is enabled by the KHR_ENABLED setting, stack context khrEnabled)`,
    );
  }
}

/**
 * The deployment is misconfigured (environment, secret, keys). Operators must act; callers get a
 * generic 500 that says nothing of the configuration.
 */
export class ConfigurationError extends AppError {
  readonly code = 'configuration_error';
  readonly statusCode = 500;
  override readonly name = 'ConfigurationError';
}

/** A payment state change that the state machine forbids. */
export class InvalidTransitionError extends AppError {
  readonly code = 'invalid_transition';
  readonly statusCode = 409;
  override readonly name = 'InvalidTransitionError';
}

/**
 * PAYON answered and refused: a non-`0000` result code, or an HTTP 4xx other than 401. The request
 * was processed and declined or rejected; nothing moved. Never used for a transport fault.
 */
export class PayonRejectedError extends AppError {
  readonly code = 'payon_rejected';
  readonly statusCode = 422;
  override readonly name = 'PayonRejectedError';

  constructor(
    /** PAYON's result code (`9999`, `3003`, ...) or `http-<status>` when the body has none. */
    readonly payonCode: string,
    /** PAYON's own message, as sent (it never echoes card data). */
    readonly payonMessage: string,
    /** The PAYON path that answered. */
    readonly path: string,
  ) {
    super(`PAYON refused ${path}: ${payonCode} ${payonMessage}`.trim());
  }

  /**
   * The refusal answered the retry after a 401: PAYON may have processed the first attempt, so
   * for a money move this is not proof that nothing happened (docs/payon-assumptions.md A51).
   */
  afterRetry = false;
}

/**
 * PAYON could not be used: an HTTP 5xx, a body that is not what the endpoint answers, or no
 * connection at all. `mayHaveMovedMoney` says whether the request may have reached PAYON (it did
 * whenever PAYON answered at all); when true, a money move's outcome is unknown and must be settled
 * by asking PAYON, never by sending it again.
 */
export class PayonUnavailableError extends AppError {
  readonly code = 'payon_unavailable';
  readonly statusCode = 502;
  override readonly name = 'PayonUnavailableError';

  /** The PAYON path that failed. */
  readonly path: string;
  readonly mayHaveMovedMoney: boolean;

  constructor(
    message: string,
    {
      path,
      mayHaveMovedMoney,
      cause,
    }: { readonly path: string; readonly mayHaveMovedMoney: boolean; readonly cause?: unknown },
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.path = path;
    this.mayHaveMovedMoney = mayHaveMovedMoney;
  }
}

/**
 * The request may or may not have reached PAYON and no answer came (timeout, connection reset).
 * Never a decline: the outcome is unknown until PAYON is asked.
 */
export class OutcomeUnknownError extends AppError {
  readonly code = 'outcome_unknown';
  override readonly name = 'OutcomeUnknownError';
  readonly mayHaveMovedMoney = true;

  /** The PAYON path (or `/store`) whose outcome is unknown. */
  readonly path: string;
  /** 504 when PAYON did not answer; 502 when it answered with something unusable. */
  readonly statusCode: 502 | 504;

  constructor(
    message: string,
    {
      path,
      statusCode = 504,
      cause,
    }: { readonly path: string; readonly statusCode?: 502 | 504; readonly cause?: unknown },
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.path = path;
    this.statusCode = statusCode;
  }
}

/** The resource does not exist (or is not this merchant's). */
export class NotFoundError extends AppError {
  readonly code = 'not_found';
  readonly statusCode = 404;
  override readonly name = 'NotFoundError';
}

/** The caller may not use this route (a push from an address outside the allowlist). */
export class ForbiddenError extends AppError {
  readonly code = 'forbidden';
  readonly statusCode = 403;
  override readonly name = 'ForbiddenError';
}

/**
 * The request conflicts with the resource's current state or with a request still running.
 * `retryAfterSeconds` is set when waiting and retrying will help (HTTP `Retry-After`).
 */
export class ConflictError extends AppError {
  readonly statusCode = 409;
  override readonly name = 'ConflictError';

  constructor(
    readonly code:
      | 'request_in_progress'
      | 'payment_state_conflict'
      | 'outcome_being_resolved'
      | 'reconciliation_running'
      | 'binding_state_conflict'
      | 'payment_settled'
      | 'reference_in_use'
      | 'webhook_endpoint_disabled'
      | 'webhook_endpoint_changed',
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** A live payment holds the merchant reference (409 `reference_in_use`, naming that payment). */
export class ReferenceInUseError extends ConflictError {
  constructor(
    reference: string,
    readonly paymentId: string,
  ) {
    super(
      'reference_in_use',
      `reference ${JSON.stringify(reference)} belongs to payment ${paymentId}, which is not FAILED, EXPIRED or CANCELLED; send "allowDuplicateReference": true to register another payment for it`,
    );
  }
}

/**
 * The request cannot be served now, and nothing was sent to PAYON: PAYON could not tell what the
 * product needs to know first (`settlement_unknown`), or PAYON refuses this deployment's
 * credentials (`payon_credentials_rejected`: an operator must fix the merchant secret), or DynamoDB
 * throttled a read past its retries (`storage_busy`: try again). The code
 * names what to check; the message never carries a secret.
 */
export class ServiceUnavailableError extends AppError {
  readonly statusCode = 503;
  override readonly name = 'ServiceUnavailableError';

  constructor(
    readonly code: 'settlement_unknown' | 'payon_credentials_rejected' | 'storage_busy',
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** Well-formed, but a business rule refuses it (each rule has its own literal code). */
export class UnprocessableError extends AppError {
  readonly statusCode = 422;
  override readonly name = 'UnprocessableError';

  constructor(
    readonly code:
      | 'idempotency_key_reused'
      | 'partial_refund_not_supported'
      | 'amount_exceeds_authorized'
      | 'operation_not_allowed'
      | 'return_url_not_allowed'
      | 'binding_not_usable'
      | 'webhook_endpoint_limit'
      | 'event_expired',
    message: string,
  ) {
    super(message);
  }
}

/** Too many requests of one kind for one subject (a customer's binding and PIN calls). */
export class TooManyRequestsError extends AppError {
  readonly code = 'rate_limited';
  readonly statusCode = 429;
  override readonly name = 'TooManyRequestsError';

  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
