import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalString, createSigner } from '#shared/crypto/sign.ts';
import { MERCHANT_PRIVATE_KEYS, readKey, readSignVectors } from './fixtures.ts';

// Known answers computed by openssl (test/vectors/make-sign-vectors.sh), not by the code under test.
const vectors = readSignVectors();
const merchantKeyForms = Object.entries(MERCHANT_PRIVATE_KEYS);

describe('sign vectors computed by openssl', () => {
  it('covers the documented requests, the edge cases and every status-request variant', () => {
    // Prepare
    const groups = new Set(vectors.map((v) => v.group));

    // Act
    const variants = vectors.filter((v) => v.group === 'status-variants');

    // Assess
    expect(groups).toEqual(new Set(['documented', 'edge', 'status-variants']));
    expect(variants).toHaveLength(1 + 5 * 2);
  });

  it.each(vectors)('builds the hand-written canonical string for "$name"', (vector) => {
    // Prepare
    const { body, canonical } = vector;

    // Act
    const actual = canonicalString(body);

    // Assess
    expect(actual).toBe(canonical);
  });

  it.each(vectors)('signs "$name" with hmac-sha256 exactly as openssl does', (vector) => {
    // Prepare
    const signer = createSigner({ scheme: 'hmac-sha256', key: vector.hmacKey });

    // Act
    const sign = signer.sign(vector.body);

    // Assess
    expect(sign).toBe(vector.hmacSha256Hex);
  });

  describe.each(merchantKeyForms)('with the merchant key as %s', (_form, file) => {
    const signer = createSigner({ scheme: 'rsa-sha256', privateKey: readKey(file) });

    it.each(vectors)('signs "$name" with rsa-sha256 exactly as openssl does', (vector) => {
      // Prepare
      const { body } = vector;

      // Act
      const sign = signer.sign(body);

      // Assess
      expect(sign).toBe(vector.rsaSha256Base64);
    });
  });

  it.each(vectors)(
    'makes an rsa-sha256 sign for "$name" that verifies with the public key',
    (vector) => {
      // Prepare
      const signer = createSigner({
        scheme: 'rsa-sha256',
        privateKey: readKey('merchant-test.key.pem'),
      });
      const publicKey = createPublicKey(readKey('merchant-test.pub.pem'));

      // Act
      const sign = signer.sign(vector.body) ?? '';

      // Assess
      const data = Buffer.from(vector.canonical, 'utf8');
      expect(verify('sha256', data, publicKey, Buffer.from(sign, 'base64'))).toBe(true);
      expect(
        verify(
          'sha256',
          Buffer.from(`${vector.canonical}&x=1`),
          publicKey,
          Buffer.from(sign, 'base64'),
        ),
      ).toBe(false);
    },
  );

  it('gives every one-field change of the status request its own hmac, different from the base', () => {
    // Prepare
    const variants = vectors.filter((v) => v.group === 'status-variants');
    const base = variants.find((v) => v.name === 'base');
    const signer = createSigner({ scheme: 'hmac-sha256', key: base?.hmacKey ?? '' });

    // Act
    const signs = variants.map((v) => signer.sign(v.body));

    // Assess
    expect(signs).toEqual(variants.map((v) => v.hmacSha256Hex));
    expect(new Set(signs).size).toBe(variants.length);
    expect(signs.filter((s) => s === base?.hmacSha256Hex)).toHaveLength(1);
    for (const variant of variants.filter((v) => v !== base)) {
      expect(fieldsThatDiffer(base?.body ?? {}, variant.body), variant.name).toHaveLength(1);
    }
  });
});

function fieldsThatDiffer(
  a: Readonly<Record<string, unknown>>,
  b: Readonly<Record<string, unknown>>,
): string[] {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].filter((name) => a[name] !== b[name]);
}
