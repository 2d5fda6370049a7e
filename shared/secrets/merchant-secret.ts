/**
 * The shape of the merchant's PAYON secret: one JSON secret per stage in Secrets Manager.
 * Documented for merchants in docs/configuration.md; this schema is the source of truth.
 *
 * @example
 * ```json
 * {
 *   "merchantId": "C0000143",
 *   "termId": "CT03000003",
 *   "apiKey": "issued-by-payon",
 *   "signingScheme": "hmac-sha256",
 *   "payonPublicKey": "-----BEGIN PUBLIC KEY-----\n...",
 *   "notificationToken": "at-least-32-random-url-safe-characters",
 *   "idempotencySecret": "at-least-32-other-random-url-safe-characters"
 * }
 * ```
 */
import * as z from 'zod';
import { SIGNATURE_SCHEMES } from '#shared/crypto/sign.ts';

const id = z.string().regex(/^[A-Za-z0-9]{1,32}$/);
/**
 * 32 to 128 random URL-safe characters (e.g. `openssl rand -base64 48 | tr '+/' '-_' | tr -d =`).
 */
const token = z.string().regex(/^[A-Za-z0-9_-]{32,128}$/);

export const merchantSecretSchema = z
  .object({
    /** PAYON merchant id, e.g. `C0000143`. */
    merchantId: id,
    /** PAYON terminal id, e.g. `CT03000003`. */
    termId: id,
    /** The API key PAYON issued; also the HMAC key unless `signingKey` is given. */
    apiKey: z.string().min(1),
    /**
     * How requests are signed (docs/payon-assumptions.md A2); `hmac-sha256` unless PAYON says
     * otherwise.
     */
    signingScheme: z.enum(SIGNATURE_SCHEMES).default('hmac-sha256'),
    /** HMAC key (defaults to `apiKey`) or, for `rsa-sha256`, the merchant's RSA private key. */
    signingKey: z.string().min(1).optional(),
    /** PAYON's RSA public key (PEM or base64 DER) used to encrypt PINs. */
    payonPublicKey: z.string().min(1).optional(),
    /** The secret token in the notification URL given to PAYON. */
    notificationToken: token,
    /**
     * The HMAC key of Idempotency-Keys (stored only as HMACs) and of the fingerprints of requests
     * with card data. Optional here so that an upgraded deployment keeps taking PAYON's pushes and
     * serving reads until it is added; money-moving requests are refused without it
     * (`MerchantSecretProvider.idempotencySecret`). Never rotated with the notification token.
     */
    idempotencySecret: token.optional(),
  })
  .strict()
  .refine((s) => s.signingScheme !== 'rsa-sha256' || s.signingKey !== undefined, {
    path: ['signingKey'],
    message: 'required when signingScheme is rsa-sha256',
  });

export type MerchantSecret = z.output<typeof merchantSecretSchema>;

/**
 * Field-level problems of a candidate secret, as `path: reason` lines that never include a value.
 */
export function describeSecretProblems(error: z.ZodError, input: unknown): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.join('.') || '(root)';
    switch (issue.code) {
      case 'invalid_type':
        return `${path}: ${valueAt(input, issue.path) === undefined ? 'is missing' : `must be of type ${issue.expected}`}`;
      case 'unrecognized_keys':
        return `${path}: unknown field(s) ${issue.keys.join(', ')}`;
      case 'invalid_value':
        return `${path}: must be one of ${issue.values.map(String).join(', ')}`;
      case 'invalid_format':
        return `${path}: has the wrong format`;
      case 'too_small':
        return `${path}: is too short`;
      case 'custom':
        return `${path}: ${issue.message}`;
      default:
        return `${path}: is invalid`;
    }
  });
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
