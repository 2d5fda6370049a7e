/**
 * Verifying PAYON Serverless webhooks in a merchant's Node backend (package entry
 * `payon-serverless-client/webhooks`; no dependency beyond `node:crypto`). Every delivery carries
 *
 * ```
 * Payon-Signature: t=1795322260,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd
 * ```
 *
 * `t` is when the attempt was signed (Unix seconds) and each `v1` is the hex HMAC-SHA256 of
 * `"<t>.<raw body>"` under one of the endpoint's active signing secrets (two while a rotated
 * secret is still valid). A delivery is genuine when one `v1` matches the secret you hold and `t`
 * is within the tolerance of your clock (default 300 s, as Stripe's).
 *
 * @example
 * ```ts
 * import { verifyWebhook } from 'payon-serverless-client/webhooks';
 *
 * app.post('/payon/webhooks', express.raw({ type: 'application/json' }), (req, res) => {
 *   const event = verifyWebhook(req.body, req.get('payon-signature'), process.env.PAYON_WEBHOOK_SECRET);
 *   // event.id is stable across retries: dedupe on it; compare event.paymentVersion to drop stale ones
 *   res.sendStatus(204);
 * });
 * ```
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header every delivery carries. */
export const SIGNATURE_HEADER = 'Payon-Signature';

/** How far `t` may be from the receiver's clock by default, in seconds (Stripe's 300 s). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The delivery is not genuine, or not fresh: the message says what to check. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
}

export interface VerifyOptions {
  /** Largest difference between `t` and now, in seconds; default 300. */
  readonly toleranceSeconds?: number;
  /** Now, in Unix seconds (tests); default the system clock. */
  readonly now?: number;
}

const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** The hex HMAC-SHA256 of `"<timestamp>.<body>"` under `secret`: one `v1` value. */
export function computeSignature(
  rawBody: string | Uint8Array,
  timestamp: number,
  secret: string,
): string {
  return createHmac('sha256', secret)
    .update(`${timestamp}.`)
    .update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody)
    .digest('hex');
}

/**
 * The `Payon-Signature` value for `rawBody` signed at `timestamp` with each secret, in order (the
 * sender's side; also a test helper for receivers).
 */
export function signatureHeader(
  rawBody: string | Uint8Array,
  timestamp: number,
  secrets: readonly string[],
): string {
  return [
    `t=${timestamp}`,
    ...secrets.map((s) => `v1=${computeSignature(rawBody, timestamp, s)}`),
  ].join(',');
}

/**
 * Checks a delivery and answers its event, parsed. `rawBody` must be the bytes received, before
 * any JSON parsing (a re-serialised body has other bytes and fails). Comparisons are constant-time.
 *
 * @throws {WebhookVerificationError} when the header is missing or malformed, no `v1` matches
 *   the secret, or `t` is outside the tolerance.
 */
export function verifyWebhook<T = unknown>(
  rawBody: string | Uint8Array,
  header: string | null | undefined,
  secret: string,
  { toleranceSeconds = DEFAULT_TOLERANCE_SECONDS, now }: VerifyOptions = {},
): T {
  if (typeof secret !== 'string' || secret === '') {
    throw new WebhookVerificationError(
      'no signing secret given: pass the whsec_… value of the endpoint',
    );
  }
  if (typeof header !== 'string' || header.trim() === '') {
    throw new WebhookVerificationError(
      `no ${SIGNATURE_HEADER} header: is this request a PAYON Serverless delivery, and does your framework pass headers through?`,
    );
  }
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, ...rest] = part.trim().split('=');
    const value = rest.join('=');
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && HEX_SHA256.test(value)) signatures.push(value);
  }
  if (timestamp === undefined) {
    throw new WebhookVerificationError(`the ${SIGNATURE_HEADER} header has no t=<unix seconds>`);
  }
  if (signatures.length === 0) {
    throw new WebhookVerificationError(
      `the ${SIGNATURE_HEADER} header has no v1=<hex HMAC-SHA256>`,
    );
  }
  const expected = Buffer.from(computeSignature(rawBody, timestamp, secret), 'hex');
  let matched = false;
  for (const signature of signatures) {
    // Every value is compared, match or not: the time taken says nothing about which one matched.
    if (timingSafeEqual(expected, Buffer.from(signature, 'hex'))) matched = true;
  }
  if (!matched) {
    throw new WebhookVerificationError(
      'no v1 signature matches this secret: check that it is the endpoint’s current secret and that rawBody is the body exactly as received (not parsed and re-serialised)',
    );
  }
  const clock = now ?? Math.floor(Date.now() / 1_000);
  if (Math.abs(clock - timestamp) > toleranceSeconds) {
    throw new WebhookVerificationError(
      `the signature's timestamp is ${Math.abs(clock - timestamp)} s from this clock (tolerance ${toleranceSeconds} s): a replay, or a clock to set right (NTP)`,
    );
  }
  const text = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8');
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new WebhookVerificationError('the body is signed but is not JSON');
  }
}
