/**
 * TEST-ONLY helpers beside the crypto they exercise (as stripe-node ships `generateTestHeaderString`
 * beside its webhook verifier). Nothing in `functions/` or `infra/` may import this module: it makes
 * throwaway keys and decrypts PINs, which production code never does.
 */
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';
import type { RsaPadding } from '#shared/crypto/rsa-padding.ts';

/** A throwaway RSA key pair in PEM: SubjectPublicKeyInfo and unencrypted PKCS#8. */
export interface TestRsaKeyPair {
  readonly publicKeyPem: string;
  readonly privateKeyPem: string;
}

/**
 * TEST-ONLY. Generates a fresh RSA key pair with node:crypto. Never use it for a real key: nothing
 * protects or keeps the private key.
 *
 * @example
 * ```ts
 * const { publicKeyPem, privateKeyPem } = generateTestRsaKeyPair(1024);
 * const encryptor = createPinEncryptor(publicKeyPem);
 * ```
 */
export function generateTestRsaKeyPair(bits = 2048): TestRsaKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: bits,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

/**
 * TEST-ONLY. Decrypts what a `PinEncryptor` produced, with node-forge (Node refuses PKCS#1 v1.5
 * decryption with a private key). Written apart from the encryptor on purpose, so that the two check
 * each other. Returns the UTF-8 text; throws if the ciphertext does not decrypt with this key and
 * padding.
 *
 * @example
 * ```ts
 * const pin = decryptPinForTest(encryptor.encrypt('123456'), privateKeyPem, 'oaep-sha256');
 * // => '123456'
 * ```
 */
export function decryptPinForTest(
  ciphertextB64: string,
  privateKeyPem: string,
  padding: RsaPadding,
): string {
  const key = forge.pki.privateKeyFromPem(privateKeyPem);
  const ciphertext = forge.util.decode64(ciphertextB64);
  let bytes: string;
  switch (padding) {
    case 'pkcs1':
      bytes = key.decrypt(ciphertext, 'RSAES-PKCS1-V1_5');
      break;
    case 'oaep-sha1':
      bytes = key.decrypt(ciphertext, 'RSA-OAEP', {
        md: forge.md.sha1.create(),
        mgf1: { md: forge.md.sha1.create() },
      });
      break;
    case 'oaep-sha256':
      bytes = key.decrypt(ciphertext, 'RSA-OAEP', {
        md: forge.md.sha256.create(),
        mgf1: { md: forge.md.sha256.create() },
      });
      break;
    case 'oaep-sha256-mgf1-sha1':
      bytes = key.decrypt(ciphertext, 'RSA-OAEP', {
        md: forge.md.sha256.create(),
        mgf1: { md: forge.md.sha1.create() },
      });
      break;
  }
  return Buffer.from(bytes, 'binary').toString('utf8');
}
