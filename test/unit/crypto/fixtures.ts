/**
 * The TEST-ONLY keys in test/fixtures/keys and the openssl vectors in test/vectors, read from disk.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const KEYS_DIR = new URL('../../fixtures/keys/', import.meta.url);
const VECTORS_DIR = new URL('../../vectors/', import.meta.url);

/** Absolute path of a file in test/fixtures/keys (for the openssl CLI). */
export function keyPath(name: string): string {
  return fileURLToPath(new URL(name, KEYS_DIR));
}

/** Text of a file in test/fixtures/keys. */
export function readKey(name: string): string {
  return readFileSync(new URL(name, KEYS_DIR), 'utf8');
}

/** The merchant's signing key in every form createSigner accepts; all hold the same key. */
export const MERCHANT_PRIVATE_KEYS = {
  'PKCS#8 PEM': 'merchant-test.key.pem',
  'PKCS#1 PEM': 'merchant-test.key.pkcs1.pem',
  'PKCS#8 base64 DER': 'merchant-test.key.pkcs8.der.b64',
  'PKCS#1 base64 DER': 'merchant-test.key.pkcs1.der.b64',
} as const;

/** PAYON's public key in every form parseRsaPublicKey accepts; all hold the same key. */
export const PAYON_PUBLIC_KEYS = {
  'SPKI PEM': 'payon-test.pub.pem',
  'PKCS#1 PEM': 'payon-test.pub.pkcs1.pem',
  'SPKI base64 DER': 'payon-test.pub.spki.der.b64',
  'PKCS#1 base64 DER': 'payon-test.pub.pkcs1.der.b64',
} as const;

/** One entry of test/vectors/sign-vectors.json (see test/vectors/README.md). */
export interface SignVector {
  readonly group: 'documented' | 'edge' | 'status-variants';
  readonly name: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly canonical: string;
  readonly hmacKey: string;
  readonly hmacSha256Hex: string;
  readonly rsaSha256Base64: string;
}

/** The vectors openssl computed (test/vectors/make-sign-vectors.sh). */
export function readSignVectors(): readonly SignVector[] {
  const text = readFileSync(new URL('sign-vectors.json', VECTORS_DIR), 'utf8');
  return JSON.parse(text) as SignVector[];
}

/**
 * Asserts that an error holds nothing of `secret`: neither the whole text, nor any line of it, nor
 * any 12-character run of it (a PEM body, a base64 DER, a PIN).
 */
export function expectNothingOf(secret: string, error: unknown): void {
  expect(error).toBeInstanceOf(Error);
  const { message, stack, cause } = error as Error;
  const shown = `${message}\n${stack ?? ''}\n${String(cause ?? '')}`;
  const compact = secret.replace(/-----[A-Z ]+-----|\s/g, '');
  if (secret.trim() !== '') expect(shown).not.toContain(secret.trim());
  for (let i = 0; i + 12 <= compact.length; i += 1) {
    const run = compact.slice(i, i + 12);
    if (shown.includes(run)) expect.fail(`the error shows part of the secret: ${run}`);
  }
}

/** The error `act` throws (fails the test when it does not throw). */
export function thrownBy(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  return expect.fail('expected a throw');
}
