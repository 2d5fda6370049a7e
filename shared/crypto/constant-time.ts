/**
 * Comparison of secrets (tokens, signatures) whose timing says nothing about where they differ.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Per-process HMAC key: the digests compared below are unpredictable to a caller. */
const COMPARISON_KEY = randomBytes(32);

function digest(value: string): Buffer {
  // UTF-16LE keeps every code unit as it is (UTF-8 would turn lone surrogates into U+FFFD and
  // make different strings equal).
  return createHmac('sha256', COMPARISON_KEY).update(value, 'utf16le').digest();
}

/**
 * Whether `a` and `b` are the same string, in time that depends on neither their content nor where
 * they differ. Both are HMAC-ed with a random per-process key to digests of one fixed length, which
 * `crypto.timingSafeEqual` compares; the lengths are compared too, without an early exit. Only the
 * total length of the inputs shows in the time taken (hashing is linear), as with any comparison.
 *
 * @example
 * ```ts
 * const authorized = safeEqual(tokenFromPath, expectedToken); // => true only for the same string
 * ```
 */
export function safeEqual(a: string, b: string): boolean {
  const sameDigest = timingSafeEqual(digest(a), digest(b));
  const sameLength = a.length === b.length;
  return sameDigest && sameLength;
}
