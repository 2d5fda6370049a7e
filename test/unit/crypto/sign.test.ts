import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalString,
  createSigner,
  SIGNATURE_SCHEMES,
  type Signer,
  type SignerSpec,
  signRequest,
} from '#shared/crypto/sign.ts';
import { ConfigurationError } from '#shared/errors.ts';
import { expectNothingOf, MERCHANT_PRIVATE_KEYS, readKey, thrownBy } from './fixtures.ts';

const HMAC_KEY = 'unit-test-api-key';
const hmacSigner = createSigner({ scheme: 'hmac-sha256', key: HMAC_KEY });
const rsaSigner = createSigner({
  scheme: 'rsa-sha256',
  privateKey: readKey('merchant-test.key.pem'),
});
const signers: ReadonlyArray<readonly [string, Signer]> = [
  ['hmac-sha256', hmacSigner],
  ['rsa-sha256', rsaSigner],
];

/** A status request of this test's own. */
function statusRequest(): Record<string, unknown> {
  return {
    termId: 'CT03000003',
    txId: '1700000000000001',
    merchantId: 'C0000143',
    currency: 'USD',
    amount: '12.50',
  };
}

/** Bodies of non-empty string fields, never one named `sign`. */
const bodies = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 12 }).filter((name) => name !== 'sign'),
  fc.string({ minLength: 1, maxLength: 20 }),
  { minKeys: 1, maxKeys: 8 },
);

describe('canonicalString', () => {
  it('leaves out undefined, null and empty-string fields but keeps zero and false', () => {
    // Prepare
    const body = { a: undefined, b: null, c: '', d: 0, e: false, f: ' ' };

    // Act
    const canonical = canonicalString(body);

    // Assess
    expect(canonical).toBe('d=0&e=false&f= ');
  });

  it('writes values as they cross the wire in JSON: a Date as its string, NaN and functions left out', () => {
    // Prepare
    const body = {
      at: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
      empty: { toJSON: () => '' },
      nan: Number.NaN,
      fn: () => 1,
      n: -1.5,
    };

    // Act
    const canonical = canonicalString(body);

    // Assess
    expect(canonical).toBe('at=2024-01-02T03:04:05.000Z&n=-1.5');
  });

  it('is empty for a body that has nothing but a sign', () => {
    // Prepare
    const body = { sign: 'abc' };

    // Act
    const canonical = canonicalString(body);

    // Assess
    expect(canonical).toBe('');
  });
});

describe.each(signers)('a %s signer', (scheme, signer) => {
  it('reports its scheme', () => {
    // Prepare
    const expected = scheme;

    // Act
    const actual = signer.scheme;

    // Assess
    expect(actual).toBe(expected);
    expect(SIGNATURE_SCHEMES).toContain(actual);
  });

  it('changes sign when any one field of the status request changes value or is removed', () => {
    // Prepare
    const base = statusRequest();
    const variants = Object.keys(base).flatMap((name) => {
      const { [name]: _removed, ...without } = base;
      return [{ ...base, [name]: `${String(base[name])}0` }, without];
    });

    // Act
    const baseSign = signRequest(base, signer).sign;
    const signs = variants.map((variant) => signRequest(variant, signer).sign);

    // Assess
    expect(signs).toHaveLength(10);
    expect(signs).not.toContain(baseSign);
    expect(new Set(signs).size).toBe(signs.length);
  });

  it('changes sign when any one field of any body changes value or is removed', () => {
    fc.assert(
      fc.property(
        bodies.chain((body) =>
          fc.tuple(
            fc.constant(body),
            fc.constantFrom(...Object.keys(body)),
            fc.string({ minLength: 1, maxLength: 20 }),
          ),
        ),
        ([body, name, value]) => {
          // Prepare
          fc.pre(body[name] !== value);
          const { [name]: _removed, ...without } = body;
          const changed = { ...body, [name]: value };

          // Act
          const signs = [body, changed, without].map((b) => signer.sign(b));

          // Assess
          expect(new Set(signs).size).toBe(3);
        },
      ),
      { numRuns: scheme === 'rsa-sha256' ? 50 : 200 },
    );
  });

  it('gives the same sign whatever the order of the fields in the input object', () => {
    fc.assert(
      fc.property(
        bodies.chain((body) =>
          fc.tuple(
            fc.constant(body),
            fc.shuffledSubarray(Object.entries(body), { minLength: Object.keys(body).length }),
          ),
        ),
        ([body, shuffled]) => {
          // Prepare
          const reordered = Object.fromEntries(shuffled);

          // Act
          const signs = [signer.sign(body), signer.sign(reordered)];

          // Assess
          expect(signs[1]).toBe(signs[0]);
        },
      ),
      { numRuns: scheme === 'rsa-sha256' ? 50 : 200 },
    );
  });

  it('ignores a sign already in the input and replaces it', () => {
    // Prepare
    const body = statusRequest();
    const forged = { ...body, sign: 'forged-by-someone' };

    // Act
    const signed = signRequest(forged, signer);

    // Assess
    expect(signed.sign).toBe(signRequest(body, signer).sign);
    expect(signed.sign).not.toBe('forged-by-someone');
  });

  it('returns a new object with every field and sign, leaving the input as it was', () => {
    // Prepare
    const body = statusRequest();
    const before = structuredClone(body);

    // Act
    const signed = signRequest(body, signer);

    // Assess
    expect(signed).toEqual({ ...before, sign: signer.sign(before) });
    expect(signed).not.toBe(body);
    expect(body).toEqual(before);
  });
});

describe('a none signer', () => {
  it('adds no sign field, and drops one already in the input', () => {
    // Prepare
    const signer = createSigner({ scheme: 'none' });
    const body = { ...statusRequest(), sign: 'left-over' };

    // Act
    const signed = signRequest(body, signer);

    // Assess
    expect(signer.scheme).toBe('none');
    expect(signer.sign(body)).toBeUndefined();
    expect('sign' in signed).toBe(false);
    expect(signed).toEqual(statusRequest());
  });
});

describe('createSigner', () => {
  it.each(Object.entries(MERCHANT_PRIVATE_KEYS))(
    'accepts the merchant key as %s and signs the same as from PKCS#8 PEM',
    (_form, file) => {
      // Prepare
      const body = statusRequest();

      // Act
      const signer = createSigner({ scheme: 'rsa-sha256', privateKey: readKey(file) });

      // Assess
      expect(signer.sign(body)).toBe(rsaSigner.sign(body));
    },
  );

  it('accepts a PEM whose line breaks were stored as the two characters \\n', () => {
    // Prepare
    const oneLine = readKey('merchant-test.key.pem').trim().replaceAll('\n', '\\n');

    // Act
    const signer = createSigner({ scheme: 'rsa-sha256', privateKey: oneLine });

    // Assess
    expect(signer.sign(statusRequest())).toBe(rsaSigner.sign(statusRequest()));
  });

  it('refuses an empty hmac key with a ConfigurationError', () => {
    // Prepare
    const spec: SignerSpec = { scheme: 'hmac-sha256', key: '' };

    // Act
    const error = thrownBy(() => createSigner(spec));

    // Assess
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/hmac-sha256 signing key is empty/);
  });

  const ecKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pssKey = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
  const merchantKeyPem = readKey('merchant-test.key.pem');
  const notRsaPrivateKeys: ReadonlyArray<readonly [string, string]> = [
    ['plain text', 'this is certainly not a private key'],
    ['an empty string', ''],
    ['a PEM with a damaged body', merchantKeyPem.replace(/[A-Za-z]{20}/, 'A'.repeat(20))],
    ['a PEM cut short', merchantKeyPem.slice(0, 400)],
    ['the public key', readKey('merchant-test.pub.pem')],
    [
      'base64 of bytes that are no key',
      Buffer.from('0123456789abcdef'.repeat(8)).toString('base64'),
    ],
    ['base64 of the public key DER', readKey('payon-test.pub.spki.der.b64')],
    ['an EC private key', ecKey.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()],
    [
      'an RSA-PSS private key',
      pssKey.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    ],
    [
      'an encrypted PKCS#8 key',
      generateKeyPairSync('rsa', { modulusLength: 1024 })
        .privateKey.export({
          type: 'pkcs8',
          format: 'pem',
          cipher: 'aes-256-cbc',
          passphrase: 'pw',
        })
        .toString(),
    ],
  ];

  it.each(notRsaPrivateKeys)(
    'refuses %s as an rsa-sha256 key with a ConfigurationError that shows nothing of it',
    (_what, privateKey) => {
      // Prepare
      const spec: SignerSpec = { scheme: 'rsa-sha256', privateKey };

      // Act
      const error = thrownBy(() => createSigner(spec));

      // Assess
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).message).toMatch(/check the merchant private key/);
      expect((error as ConfigurationError).cause).toBeUndefined();
      expectNothingOf(privateKey, error);
    },
  );

  it('refuses a scheme it does not know without showing the rest of the spec', () => {
    // Prepare
    const spec = { scheme: 'md5', key: 'secret-api-key-1234567' } as unknown as SignerSpec;

    // Act
    const error = thrownBy(() => createSigner(spec));

    // Assess
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/hmac-sha256, rsa-sha256, none/);
    expectNothingOf('secret-api-key-1234567', error);
  });
});
