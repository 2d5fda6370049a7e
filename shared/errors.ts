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

  constructor(
    readonly issues: readonly FieldIssue[],
    options?: ErrorOptions,
  ) {
    super(issues.map((i) => `${i.field}: ${i.reason}`).join('; ') || 'invalid request', options);
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
