/**
 * RSA encryption of PINs with PAYON's public key ("Encrypted string using RSA algorithm with PUBLIC
 * KEY", Create Binding PIN). Key size, padding and encoding are not documented
 * (docs/payon-api.md#security); assumed base64 output and a configurable padding, see
 * docs/payon-assumptions.md.
 *
 * This module loads node-forge: it can do every padding PAYON may use, including OAEP with SHA-256
 * and MGF1 with SHA-1 (Java's default), which Node's `publicEncrypt` cannot (it ties MGF1 to the
 * OAEP hash); and it does not depend on which paddings the runtime's OpenSSL still allows (Node
 * already refuses PKCS#1 v1.5 for private decryption). node:crypto is 6–7 × faster per encryption,
 * but forge's 2–3 ms per PIN is under 2 % of a PIN request (docs/performance.md). ./sign.ts does
 * not load forge, so code that only signs stays lean.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { attempt, type KeyText, readKeyText } from '#shared/crypto/key-text.ts';
import { RSA_PADDINGS, type RsaPadding } from '#shared/crypto/rsa-padding.ts';
import { ConfigurationError } from '#shared/errors.ts';

export { RSA_PADDINGS, type RsaPadding } from '#shared/crypto/rsa-padding.ts';

/**
 * Encrypts short secrets (PINs) for PAYON. Built once by {@link createPinEncryptor}.
 *
 * @example
 * ```ts
 * const body = { ...rest, pin: encryptor.encrypt(pin) }; // base64 ciphertext
 * ```
 */
export interface PinEncryptor {
  readonly padding: RsaPadding;
  /**
   * The base64 RSA ciphertext of the UTF-8 bytes of `plaintext`; different on every call (the
   * padding is randomized).
   *
   * @throws {RangeError} when the plaintext does not fit the key with this padding.
   * @throws {TypeError} when the plaintext is not well-formed UTF-16 (a lone surrogate).
   */
  encrypt(plaintext: string): string;
}

const PUBLIC_KEY_HELP =
  'the RSA public key is not an RSA public key in PEM (BEGIN PUBLIC KEY or BEGIN RSA PUBLIC KEY) ' +
  'or base64 DER (SubjectPublicKeyInfo or PKCS#1): check the PAYON public key in the secret';

/**
 * Parses PAYON's RSA public key into a node-forge key. Accepts PEM SubjectPublicKeyInfo
 * (`BEGIN PUBLIC KEY`), PEM PKCS#1 (`BEGIN RSA PUBLIC KEY`), or the base64 of either's DER. Any RSA
 * key size is accepted (PAYON may use 1024 bits).
 *
 * @throws {ConfigurationError} when the text is none of those, or the key is not RSA. The message
 * says what to check and never holds the key.
 *
 * @example
 * ```ts
 * const key = parseRsaPublicKey(payonPublicKeyPem);
 * key.n.bitLength(); // => 2048
 * ```
 */
export function parseRsaPublicKey(key: string): forge.pki.rsa.PublicKey {
  const parsed = tryParsePublicKey(readKeyText(key));
  if (parsed?.asymmetricKeyType !== 'rsa') throw new ConfigurationError(PUBLIC_KEY_HELP);
  // Node parses every form; forge reads the one form Node writes back.
  const spki = parsed.export({ type: 'spki', format: 'der' });
  return forge.pki.publicKeyFromAsn1(forge.asn1.fromDer(spki.toString('binary')));
}

function tryParsePublicKey(text: KeyText): KeyObject | undefined {
  switch (text.form) {
    case 'pem':
      // createPublicKey would also derive a public key from a private key or a certificate; a
      // private key where PAYON's public key belongs is a mistake worth stopping at.
      if (text.label !== 'PUBLIC KEY' && text.label !== 'RSA PUBLIC KEY') return undefined;
      return attempt(() => createPublicKey({ key: text.pem, format: 'pem' }));
    case 'der':
      return (
        attempt(() => createPublicKey({ key: text.der, format: 'der', type: 'spki' })) ??
        attempt(() => createPublicKey({ key: text.der, format: 'der', type: 'pkcs1' }))
      );
    case 'unknown':
      return undefined;
  }
}

/** Bytes of padding overhead: PKCS#1 v1.5 needs 11; OAEP needs twice the hash length plus 2. */
const OVERHEAD: Readonly<Record<RsaPadding, number>> = {
  pkcs1: 11,
  'oaep-sha1': 2 * 20 + 2,
  'oaep-sha256': 2 * 32 + 2,
  'oaep-sha256-mgf1-sha1': 2 * 32 + 2,
};

/**
 * Builds the {@link PinEncryptor} for PAYON's public key (any form {@link parseRsaPublicKey}
 * accepts) and a padding, parsing the key once.
 *
 * @throws {ConfigurationError} when the key is not an RSA public key, or the padding is unknown.
 *
 * @example
 * ```ts
 * const encryptor = createPinEncryptor(payonPublicKeyPem, config.payon.rsaPadding);
 * encryptor.encrypt('123456'); // => 'Qk1x...' (base64, 256 bytes for a 2048-bit key)
 * ```
 */
export function createPinEncryptor(publicKey: string, padding: RsaPadding = 'pkcs1'): PinEncryptor {
  if (!RSA_PADDINGS.includes(padding)) {
    throw new ConfigurationError(
      `unknown RSA padding: check the configured padding is one of ${RSA_PADDINGS.join(', ')}`,
    );
  }
  const key = parseRsaPublicKey(publicKey);
  const bits = key.n.bitLength();
  const maxBytes = Math.ceil(bits / 8) - OVERHEAD[padding];
  return {
    padding,
    encrypt(plaintext) {
      const bytes = Buffer.from(plaintext, 'utf8');
      if (bytes.toString('utf8') !== plaintext) {
        throw new TypeError('the plaintext is not well-formed UTF-16 and has no UTF-8 form');
      }
      if (bytes.length > maxBytes) {
        throw new RangeError(
          `the plaintext is too long to encrypt: at most ${Math.max(maxBytes, 0)} UTF-8 bytes fit ` +
            `a ${bits}-bit RSA key with ${padding} padding`,
        );
      }
      const binary = bytes.toString('binary');
      const ciphertext =
        padding === 'pkcs1'
          ? key.encrypt(binary, 'RSAES-PKCS1-V1_5')
          : key.encrypt(binary, 'RSA-OAEP', oaepOptions(padding));
      return forge.util.encode64(ciphertext);
    },
  };
}

/**
 * The OAEP digests: `oaep-sha1` and `oaep-sha256` use the same hash for the label and MGF1, as
 * OpenSSL does by default; `oaep-sha256-mgf1-sha1` keeps SHA-1 for MGF1, as Java's
 * `OAEPWithSHA-256AndMGF1Padding` does unless told otherwise.
 */
function oaepOptions(padding: Exclude<RsaPadding, 'pkcs1'>) {
  const sha1 = () => forge.md.sha1.create();
  const sha256 = () => forge.md.sha256.create();
  switch (padding) {
    case 'oaep-sha1':
      return { md: sha1(), mgf1: { md: sha1() } };
    case 'oaep-sha256':
      return { md: sha256(), mgf1: { md: sha256() } };
    case 'oaep-sha256-mgf1-sha1':
      return { md: sha256(), mgf1: { md: sha1() } };
  }
}
