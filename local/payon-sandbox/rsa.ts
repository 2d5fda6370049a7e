/**
 * PAYON's RSA key pair for PINs (Create Binding PIN, Create Binding `pin`/`payonPin`). The public
 * key is served at GET /_sandbox/payon-public-key; the sandbox decrypts with node-forge, because
 * Node refuses PKCS#1 v1.5 padding for private decryption. Padding is configurable (A4).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

export type RsaPadding = 'pkcs1' | 'oaep-sha1' | 'oaep-sha256' | 'oaep-sha256-mgf1-sha1';
export const RSA_PADDINGS: readonly RsaPadding[] = [
  'pkcs1',
  'oaep-sha1',
  'oaep-sha256',
  'oaep-sha256-mgf1-sha1',
];

export interface PayonKeyPair {
  publicKeyPem: string;
  privateKeyPem: string;
}

/** A fresh 2048-bit key pair (SPKI public PEM, PKCS#1 private PEM). */
export function generatePayonKeyPair(): PayonKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

export interface PinDecryptor {
  publicKeyPem: string;
  /** The UTF-8 plaintext, or `undefined` when the ciphertext is not one for this key and padding. */
  decrypt(base64Ciphertext: string): string | undefined;
}

/** Builds the decryptor; throws with a clear message when the key pair cannot be read. */
export function createPinDecryptor(pair: PayonKeyPair, padding: RsaPadding): PinDecryptor {
  // Normalise through Node (accepts PKCS#1 or PKCS#8), then hand forge the PKCS#1 form it reads.
  const pkcs1 = createPrivateKey(pair.privateKeyPem).export({ type: 'pkcs1', format: 'pem' });
  const privateKey = forge.pki.privateKeyFromPem(String(pkcs1));
  const publicKeyPem = String(
    createPublicKey(pair.publicKeyPem).export({ type: 'spki', format: 'pem' }),
  );
  const byteLength = Math.ceil(privateKey.n.bitLength() / 8);
  return {
    publicKeyPem,
    decrypt(base64Ciphertext) {
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64Ciphertext)) return undefined;
      const bytes = Buffer.from(base64Ciphertext, 'base64');
      if (bytes.length !== byteLength) return undefined;
      try {
        const binary = bytes.toString('binary');
        const plain =
          padding === 'pkcs1'
            ? privateKey.decrypt(binary, 'RSAES-PKCS1-V1_5')
            : privateKey.decrypt(binary, 'RSA-OAEP', oaepOptions(padding));
        return forge.util.decodeUtf8(plain);
      } catch {
        return undefined;
      }
    },
  };
}

/** The label digest, then MGF1's: SHA-256 with MGF1 SHA-1 is Java's OAEPWithSHA-256AndMGF1Padding. */
function oaepOptions(padding: Exclude<RsaPadding, 'pkcs1'>) {
  const md = padding === 'oaep-sha1' ? forge.md.sha1.create() : forge.md.sha256.create();
  const mgfMd = padding === 'oaep-sha256' ? forge.md.sha256.create() : forge.md.sha1.create();
  return { md, mgf1: { md: mgfMd } };
}
