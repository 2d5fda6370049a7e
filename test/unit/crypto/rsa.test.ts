import { execFileSync } from 'node:child_process';
import { constants, createPublicKey, generateKeyPairSync, privateDecrypt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createPinEncryptor,
  parseRsaPublicKey,
  RSA_PADDINGS,
  type RsaPadding,
} from '#shared/crypto/rsa.ts';
import { decryptPinForTest, generateTestRsaKeyPair } from '#shared/crypto/testing.ts';
import { ConfigurationError } from '#shared/errors.ts';
import { expectNothingOf, keyPath, PAYON_PUBLIC_KEYS, readKey, thrownBy } from './fixtures.ts';

const PAYON_PUBLIC_KEY_PEM = readKey('payon-test.pub.pem');
const PAYON_PRIVATE_KEY_PEM = readKey('payon-test.key.pem');
const keyForms = Object.entries(PAYON_PUBLIC_KEYS);

/** The largest plaintext, in bytes, each padding allows with a 2048-bit key (RFC 8017 §7). */
const MAX_BYTES_2048: Readonly<Record<RsaPadding, number>> = {
  pkcs1: 256 - 11,
  'oaep-sha1': 256 - 42,
  'oaep-sha256': 256 - 66,
  'oaep-sha256-mgf1-sha1': 256 - 66,
};

/** openssl pkeyutl options for each padding (MGF1 follows the OAEP digest by default). */
const OPENSSL_PADDING: Readonly<Record<RsaPadding, readonly string[]>> = {
  pkcs1: ['-pkeyopt', 'rsa_padding_mode:pkcs1'],
  'oaep-sha1': ['-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha1'],
  'oaep-sha256': ['-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha256'],
  'oaep-sha256-mgf1-sha1': [
    ...['-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha256'],
    ...['-pkeyopt', 'rsa_mgf1_md:sha1'],
  ],
};

/** Decrypts with the openssl CLI, an implementation that shares nothing with node-forge. */
function opensslDecrypt(ciphertextB64: string, padding: RsaPadding): string {
  return execFileSync(
    'openssl',
    ['pkeyutl', '-decrypt', '-inkey', keyPath('payon-test.key.pem'), ...OPENSSL_PADDING[padding]],
    { input: Buffer.from(ciphertextB64, 'base64') },
  ).toString('utf8');
}

describe('parseRsaPublicKey', () => {
  it.each(keyForms)('reads the PAYON key as %s into the same forge key', (_form, file) => {
    // Prepare
    const jwk = createPublicKey(PAYON_PUBLIC_KEY_PEM).export({ format: 'jwk' });

    // Act
    const key = parseRsaPublicKey(readKey(file));

    // Assess
    expect(key.n.toString(16)).toBe(Buffer.from(jwk.n ?? '', 'base64url').toString('hex'));
    expect(key.e.toString(16)).toBe('10001');
    expect(key.n.bitLength()).toBe(2048);
  });

  it('accepts a 1024-bit key, since PAYON may use one', () => {
    // Prepare
    const { publicKeyPem } = generateTestRsaKeyPair(1024);

    // Act
    const key = parseRsaPublicKey(publicKeyPem);

    // Assess
    expect(key.n.bitLength()).toBe(1024);
  });

  const ecPublicKeyPem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();
  const notRsaPublicKeys: ReadonlyArray<readonly [string, string]> = [
    ['plain text', 'PAYON will send the key later'],
    ['an empty string', ''],
    ['a PEM with a damaged body', PAYON_PUBLIC_KEY_PEM.replace(/[A-Za-z]{16}/, 'B'.repeat(16))],
    ['the matching private key', PAYON_PRIVATE_KEY_PEM],
    ['an EC public key', ecPublicKeyPem],
    [
      'base64 of bytes that are no key',
      Buffer.from('fedcba9876543210'.repeat(6)).toString('base64'),
    ],
    [
      'base64 with characters outside the alphabet',
      readKey('payon-test.pub.spki.der.b64').replace('A', '*'),
    ],
  ];

  it.each(notRsaPublicKeys)(
    'refuses %s with a ConfigurationError that shows nothing of it',
    (_what, text) => {
      // Prepare
      const key = text;

      // Act
      const error = thrownBy(() => parseRsaPublicKey(key));

      // Assess
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).message).toMatch(/check the PAYON public key/);
      expect((error as ConfigurationError).cause).toBeUndefined();
      expectNothingOf(key, error);
    },
  );
});

describe('createPinEncryptor', () => {
  const cases = RSA_PADDINGS.flatMap((padding) =>
    keyForms.map(([form, file]) => ({ padding, form, file })),
  );

  it.each(cases)(
    'encrypts a PIN with $padding for the key as $form so that the private key decrypts exactly it',
    ({ padding, file }) => {
      // Prepare
      const encryptor = createPinEncryptor(readKey(file), padding);

      // Act
      const ciphertext = encryptor.encrypt('482916');

      // Assess
      expect(encryptor.padding).toBe(padding);
      expect(ciphertext).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
      expect(Buffer.from(ciphertext, 'base64')).toHaveLength(256);
      expect(decryptPinForTest(ciphertext, PAYON_PRIVATE_KEY_PEM, padding)).toBe('482916');
    },
  );

  it.each(RSA_PADDINGS)(
    'makes %s ciphertext that the openssl CLI decrypts to the PIN',
    (padding) => {
      // Prepare
      const encryptor = createPinEncryptor(PAYON_PUBLIC_KEY_PEM, padding);

      // Act
      const ciphertext = encryptor.encrypt('730451');

      // Assess
      expect(opensslDecrypt(ciphertext, padding)).toBe('730451');
    },
  );

  it('makes oaep-sha256-mgf1-sha1 ciphertext that OAEP with MGF1-SHA-256 (node:crypto, openssl) refuses', () => {
    // Prepare: Java's OAEPWithSHA-256AndMGF1Padding, which Node cannot express (MGF1 follows oaepHash)
    const ciphertext = createPinEncryptor(PAYON_PUBLIC_KEY_PEM, 'oaep-sha256-mgf1-sha1').encrypt(
      '193755',
    );

    // Act
    const withNode = () =>
      privateDecrypt(
        {
          key: PAYON_PRIVATE_KEY_PEM,
          padding: constants.RSA_PKCS1_OAEP_PADDING,
          oaepHash: 'sha256',
        },
        Buffer.from(ciphertext, 'base64'),
      );

    // Assess: the two OAEP-SHA-256 flavours are not interchangeable; only the matching one reads it
    expect(withNode).toThrow();
    expect(() => opensslDecrypt(ciphertext, 'oaep-sha256')).toThrow();
    expect(opensslDecrypt(ciphertext, 'oaep-sha256-mgf1-sha1')).toBe('193755');
  });

  it.each(RSA_PADDINGS)('encrypts the UTF-8 bytes of the plaintext with %s', (padding) => {
    // Prepare
    const encryptor = createPinEncryptor(PAYON_PUBLIC_KEY_PEM, padding);

    // Act
    const ciphertext = encryptor.encrypt('សុខ ចាន់');

    // Assess
    expect(opensslDecrypt(ciphertext, padding)).toBe('សុខ ចាន់');
    expect(decryptPinForTest(ciphertext, PAYON_PRIVATE_KEY_PEM, padding)).toBe('សុខ ចាន់');
  });

  it.each(RSA_PADDINGS)('gives two different ciphertexts for the same PIN with %s', (padding) => {
    // Prepare
    const encryptor = createPinEncryptor(PAYON_PUBLIC_KEY_PEM, padding);

    // Act
    const first = encryptor.encrypt('159357');
    const second = encryptor.encrypt('159357');

    // Assess
    expect(first).not.toBe(second);
    expect(decryptPinForTest(second, PAYON_PRIVATE_KEY_PEM, padding)).toBe('159357');
  });

  it('uses PKCS#1 v1.5 padding when none is given', () => {
    // Prepare
    const publicKey = PAYON_PUBLIC_KEY_PEM;

    // Act
    const encryptor = createPinEncryptor(publicKey);

    // Assess
    expect(encryptor.padding).toBe('pkcs1');
    expect(opensslDecrypt(encryptor.encrypt('246810'), 'pkcs1')).toBe('246810');
  });

  it.each(RSA_PADDINGS)(
    'encrypts the longest plaintext %s allows and refuses one byte more without showing it',
    (padding) => {
      // Prepare
      const max = MAX_BYTES_2048[padding];
      const encryptor = createPinEncryptor(PAYON_PUBLIC_KEY_PEM, padding);
      const longest = 'Q7'.repeat(max).slice(0, max);
      const tooLong = `${longest}Z`;

      // Act
      const ciphertext = encryptor.encrypt(longest);
      const error = thrownBy(() => encryptor.encrypt(tooLong));

      // Assess
      expect(decryptPinForTest(ciphertext, PAYON_PRIVATE_KEY_PEM, padding)).toBe(longest);
      expect(error).toBeInstanceOf(RangeError);
      expect((error as Error).message).toBe(
        `the plaintext is too long to encrypt: at most ${max} UTF-8 bytes fit a 2048-bit RSA key with ${padding} padding`,
      );
      expectNothingOf(tooLong, error);
    },
  );

  it('counts UTF-8 bytes, not characters, against the limit', () => {
    // Prepare
    const encryptor = createPinEncryptor(PAYON_PUBLIC_KEY_PEM, 'oaep-sha256');
    const khmer = 'ស'.repeat(64); // 3 bytes each: 192 > 190

    // Act
    const error = thrownBy(() => encryptor.encrypt(khmer));

    // Assess
    expect(error).toBeInstanceOf(RangeError);
    expectNothingOf(khmer, error);
  });

  it('fits the limit to the key size of a 1024-bit key', () => {
    // Prepare
    const { publicKeyPem, privateKeyPem } = generateTestRsaKeyPair(1024);
    const encryptor = createPinEncryptor(publicKeyPem, 'oaep-sha256');

    // Act
    const fits = encryptor.encrypt('x'.repeat(128 - 66));
    const error = thrownBy(() => encryptor.encrypt('x'.repeat(128 - 65)));

    // Assess
    expect(decryptPinForTest(fits, privateKeyPem, 'oaep-sha256')).toBe('x'.repeat(62));
    expect((error as Error).message).toMatch(/at most 62 UTF-8 bytes fit a 1024-bit RSA key/);
  });

  it('refuses a plaintext with a lone surrogate rather than change it', () => {
    // Prepare
    const encryptor = createPinEncryptor(PAYON_PUBLIC_KEY_PEM);

    // Act
    const error = thrownBy(() => encryptor.encrypt('12\uD80034'));

    // Assess
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).not.toContain('12');
  });

  it('refuses a padding it does not know with a ConfigurationError', () => {
    // Prepare
    const padding = 'oaep-md5' as RsaPadding;

    // Act
    const error = thrownBy(() => createPinEncryptor(PAYON_PUBLIC_KEY_PEM, padding));

    // Assess
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/pkcs1, oaep-sha1, oaep-sha256/);
  });

  it('refuses a key that is not an RSA public key with a ConfigurationError', () => {
    // Prepare
    const key = PAYON_PRIVATE_KEY_PEM;

    // Act
    const error = thrownBy(() => createPinEncryptor(key, 'pkcs1'));

    // Assess
    expect(error).toBeInstanceOf(ConfigurationError);
    expectNothingOf(key, error);
  });
});

describe('test helpers', () => {
  it('generates a 2048-bit key pair in SPKI and PKCS#8 PEM by default', () => {
    // Prepare
    const bits = 2048;

    // Act
    const { publicKeyPem, privateKeyPem } = generateTestRsaKeyPair();

    // Assess
    expect(publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(parseRsaPublicKey(publicKeyPem).n.bitLength()).toBe(bits);
  });

  it('fails to decrypt with the wrong padding instead of returning something', () => {
    // Prepare
    const ciphertext = createPinEncryptor(PAYON_PUBLIC_KEY_PEM, 'oaep-sha256').encrypt('864209');

    // Act
    const error = thrownBy(() => decryptPinForTest(ciphertext, PAYON_PRIVATE_KEY_PEM, 'oaep-sha1'));

    // Assess
    expect(error).toBeInstanceOf(Error);
  });
});
