import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalString, hmacSign, verifySign } from '#local/payon-sandbox/signing.ts';

interface Vector {
  group: string;
  name: string;
  body: Record<string, unknown>;
  canonical: string;
  hmacKey: string;
  hmacSha256Hex: string;
  rsaSha256Base64: string;
}

// Known answers made with openssl (test/vectors/README.md): they share no code with the sandbox.
const vectors = JSON.parse(readFileSync('test/vectors/sign-vectors.json', 'utf8')) as Vector[];
const merchantPublicKey = readFileSync('test/fixtures/keys/merchant-test.pub.pem', 'utf8');

describe('sandbox sign verification against the openssl vectors', () => {
  it.each(vectors.map((v) => [v.name, v] as const))(
    'builds the canonical string of %s',
    (_name, vector) => {
      expect(canonicalString(vector.body)).toBe(vector.canonical);
    },
  );

  it.each(vectors.map((v) => [v.name, v] as const))(
    'accepts the HMAC-SHA256 sign of %s',
    (_name, vector) => {
      // Prepare
      const body = { ...vector.body, sign: vector.hmacSha256Hex };
      // Act
      const ok = verifySign(body, { scheme: 'hmac-sha256', apiKey: vector.hmacKey });
      // Assess
      expect(ok).toBe(true);
      expect(hmacSign(vector.body, vector.hmacKey)).toBe(vector.hmacSha256Hex);
    },
  );

  it.each(vectors.map((v) => [v.name, v] as const))(
    'accepts the RSA-SHA256 sign of %s',
    (_name, vector) => {
      // Act
      const ok = verifySign(
        { ...vector.body, sign: vector.rsaSha256Base64 },
        { scheme: 'rsa-sha256', apiKey: 'unused', signingPublicKeyPem: merchantPublicKey },
      );
      // Assess
      expect(ok).toBe(true);
    },
  );

  it('refuses a sign made for another body, a wrong key and a missing sign', () => {
    // Prepare
    const [base, changed] = vectors.filter((v) => v.group === 'status-variants');
    if (!base || !changed) throw new Error('vectors missing');
    // Act / Assess
    expect(
      verifySign(
        { ...changed.body, sign: base.hmacSha256Hex },
        { scheme: 'hmac-sha256', apiKey: base.hmacKey },
      ),
    ).toBe(false);
    expect(
      verifySign(
        { ...base.body, sign: base.hmacSha256Hex },
        { scheme: 'hmac-sha256', apiKey: 'other' },
      ),
    ).toBe(false);
    expect(verifySign(base.body, { scheme: 'hmac-sha256', apiKey: base.hmacKey })).toBe(false);
    expect(
      verifySign(
        { ...changed.body, sign: base.rsaSha256Base64 },
        { scheme: 'rsa-sha256', apiKey: '', signingPublicKeyPem: merchantPublicKey },
      ),
    ).toBe(false);
  });

  it('needs no sign for scheme none', () => {
    expect(verifySign({ txId: '1' }, { scheme: 'none', apiKey: '' })).toBe(true);
  });
});
