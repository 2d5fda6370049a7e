/**
 * Verifies the `sign` field the way the sandbox's PAYON expects it (the product's decision, see
 * docs/payon-assumptions.md A1–A2). Written independently of the product's crypto module.
 */
import { createHash, createHmac, createPublicKey, timingSafeEqual, verify } from 'node:crypto';

export type SigningScheme = 'hmac-sha256' | 'rsa-sha256' | 'none';
export const SIGNING_SCHEMES: readonly SigningScheme[] = ['hmac-sha256', 'rsa-sha256', 'none'];

/** The text of one top-level value, or `undefined` when the field is left out of the string. */
function canonicalValue(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value === '' ? undefined : value;
  const json = JSON.stringify(value);
  if (json === undefined || json === 'null') return undefined;
  return json;
}

/**
 * Every top-level field except `sign`, sorted by name (JS default sort), absent/null/`""` left
 * out, `name=value` joined by `&`; strings as they are, other values as their JSON text.
 */
export function canonicalString(body: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [];
  for (const name of Object.keys(body).sort()) {
    if (name === 'sign') continue;
    const text = canonicalValue(body[name]);
    if (text !== undefined) parts.push(`${name}=${text}`);
  }
  return parts.join('&');
}

/** Constant-time string comparison (hashing first so that lengths do not leak either). */
export function constantTimeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db) && a.length === b.length;
}

export interface SignVerifier {
  scheme: SigningScheme;
  apiKey: string;
  signingPublicKeyPem?: string | undefined;
}

/** Lowercase hex HMAC-SHA256 of the canonical string keyed by `key`. */
export function hmacSign(body: Readonly<Record<string, unknown>>, key: string): string {
  return createHmac('sha256', key).update(canonicalString(body), 'utf8').digest('hex');
}

function publicKeyFrom(text: string) {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----')) return createPublicKey(trimmed.replace(/\\n/g, '\n'));
  return createPublicKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'spki' });
}

/** Whether `body.sign` is right for the merchant. Scheme `none` needs no sign. */
export function verifySign(
  body: Readonly<Record<string, unknown>>,
  merchant: SignVerifier,
): boolean {
  if (merchant.scheme === 'none') return true;
  const sign = body.sign;
  if (typeof sign !== 'string' || sign === '') return false;
  if (merchant.scheme === 'hmac-sha256') {
    return constantTimeEqual(sign, hmacSign(body, merchant.apiKey));
  }
  if (!merchant.signingPublicKeyPem) return false;
  try {
    return verify(
      'sha256',
      Buffer.from(canonicalString(body), 'utf8'),
      publicKeyFrom(merchant.signingPublicKeyPem),
      Buffer.from(sign, 'base64'),
    );
  } catch {
    return false;
  }
}

/** Throws when an RSA public key text cannot be read (checked once at start). */
export function checkPublicKey(text: string): void {
  publicKeyFrom(text);
}
