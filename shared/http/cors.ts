/**
 * CORS for the merchant's frontends: which headers and methods a browser may use. The allowlist of
 * origins is configuration (the stack's `corsOrigins`, the local runtime's `CORS_ALLOWED_ORIGINS`);
 * API Gateway answers preflights in AWS, the local runtime does the same here.
 */
export const CORS_ALLOWED_METHODS = ['GET', 'POST', 'DELETE', 'OPTIONS'] as const;
export const CORS_ALLOWED_HEADERS = ['content-type', 'idempotency-key', 'authorization'] as const;
export const CORS_EXPOSED_HEADERS = ['idempotent-replayed', 'retry-after', 'location'] as const;
export const CORS_MAX_AGE_SECONDS = 600;

/** Headers for a request from `origin`, or none when the origin is not allowed. */
export function corsHeaders(
  origin: string | undefined,
  allowed: readonly string[],
): Record<string, string> {
  if (origin === undefined || !allowed.includes(origin)) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-expose-headers': CORS_EXPOSED_HEADERS.join(', '),
    vary: 'origin',
  };
}

/** Headers answering a preflight from an allowed origin. */
export function preflightHeaders(
  origin: string | undefined,
  allowed: readonly string[],
): Record<string, string> {
  const base = corsHeaders(origin, allowed);
  if (Object.keys(base).length === 0) return {};
  return {
    ...base,
    'access-control-allow-methods': CORS_ALLOWED_METHODS.join(', '),
    'access-control-allow-headers': CORS_ALLOWED_HEADERS.join(', '),
    'access-control-max-age': String(CORS_MAX_AGE_SECONDS),
  };
}
