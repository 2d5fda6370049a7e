import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '#shared/errors.ts';
import { parseMerchantSecret } from '#shared/secrets/provider.ts';

const valid = {
  merchantId: 'C0000143',
  termId: 'CT03000003',
  apiKey: 'k',
  notificationToken: 'A'.repeat(32),
};

describe('merchant secret shape', () => {
  it('defaults the signing scheme to hmac-sha256', () => {
    expect(parseMerchantSecret('s', JSON.stringify(valid))).toEqual({
      ...valid,
      signingScheme: 'hmac-sha256',
    });
  });

  it('requires a signing key for rsa-sha256', () => {
    expect(() =>
      parseMerchantSecret('s', JSON.stringify({ ...valid, signingScheme: 'rsa-sha256' })),
    ).toThrow(
      new ConfigurationError(
        "Secret 's' is malformed: signingKey: required when signingScheme is rsa-sha256. See docs/configuration.md.",
      ),
    );
  });

  it('names wrong types, unknown schemes and empty values without echoing them', () => {
    const text = JSON.stringify({
      ...valid,
      merchantId: 143,
      signingScheme: 'md5',
      apiKey: '',
    });
    const error = (() => {
      try {
        parseMerchantSecret('payon/dev', text);
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a failure');
    })();
    expect(error.message).toBe(
      "Secret 'payon/dev' is malformed: merchantId: must be of type string; apiKey: is too short; " +
        'signingScheme: must be one of hmac-sha256, rsa-sha256, none. See docs/configuration.md.',
    );
  });

  it('refuses a JSON value that is not an object', () => {
    expect(() => parseMerchantSecret('s', '"just a string"')).toThrow(
      "Secret 's' is malformed: (root): must be of type object.",
    );
  });
});
