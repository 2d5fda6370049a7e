/**
 * HTTP responses: one error mapper for every handler, and the security headers every response
 * carries. Anything that is not one of our errors becomes a generic 500 that says nothing more.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { maskCardNumbers } from '#shared/domain/card.ts';
import {
  AppError,
  ConfigurationError,
  ConflictError,
  CurrencyNotSupportedError,
  InvalidRequestError,
  PayonRejectedError,
  ReferenceInUseError,
  ServiceUnavailableError,
  TooManyRequestsError,
} from '#shared/errors.ts';

export type HttpResponse = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
};

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
};

/** A JSON response. */
export function json(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

/** A redirect (303: the browser follows with GET). */
export function redirect(location: string): HttpResponse {
  return { statusCode: 303, headers: { location }, body: '' };
}

/** The one place errors become HTTP responses. */
export function errorResponse(error: unknown): HttpResponse {
  if (error instanceof InvalidRequestError) {
    return json(400, {
      error: { code: error.code, message: 'The request is invalid.', fields: error.issues },
    });
  }
  if (error instanceof CurrencyNotSupportedError) {
    return json(400, {
      error: {
        code: error.code,
        message: error.message,
        fields: [
          { field: 'amount.currency', reason: `must be one of ${error.accepted.join(', ')}` },
        ],
      },
    });
  }
  if (error instanceof ConfigurationError || !(error instanceof AppError)) {
    return json(500, { error: { code: 'internal_error', message: 'Internal error.' } });
  }
  if (error instanceof PayonRejectedError) {
    return json(error.statusCode, {
      error: {
        code: error.code,
        message: 'PAYON refused the request.',
        payonCode: error.payonCode,
        // PAYON's words, with anything card-like masked (PAYON is not ours to trust with that).
        payonMessage: maskCardNumbers(error.payonMessage),
      },
    });
  }
  if (error instanceof TooManyRequestsError) {
    return json(
      429,
      { error: { code: error.code, message: error.message } },
      { 'retry-after': String(error.retryAfterSeconds) },
    );
  }
  if (error instanceof ReferenceInUseError) {
    return json(409, {
      error: { code: error.code, message: error.message, paymentId: error.paymentId },
    });
  }
  if (
    (error instanceof ConflictError || error instanceof ServiceUnavailableError) &&
    error.retryAfterSeconds !== undefined
  ) {
    return json(
      error.statusCode,
      { error: { code: error.code, message: error.message } },
      { 'retry-after': String(error.retryAfterSeconds) },
    );
  }
  return json(error.statusCode, { error: { code: error.code, message: error.message } });
}
