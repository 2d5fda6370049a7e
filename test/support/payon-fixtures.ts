import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Config } from '#shared/config/index.ts';
import type { MerchantSecret } from '#shared/secrets/merchant-secret.ts';

/** PAYON's documented examples, as data (../shared/payon-api/examples beside the repo). */
const EXAMPLES = new URL('../../../shared/payon-api/examples/', import.meta.url);

export function exampleJson(name: string): unknown {
  return JSON.parse(readFileSync(new URL(name, EXAMPLES), 'utf8'));
}

export function exampleText(name: string): string {
  return readFileSync(new URL(name, EXAMPLES), 'utf8');
}

export const TEST_SECRET: MerchantSecret = {
  merchantId: 'C0000143',
  termId: 'CT03000003',
  apiKey: 'test-api-key',
  signingScheme: 'hmac-sha256',
  notificationToken: 't'.repeat(40),
};

/** A secret source that counts reads and can be rotated; the real provider is tested on moto. */
export function staticSecrets(initial: MerchantSecret = TEST_SECRET) {
  let current = initial;
  const reads: { forceRefresh: boolean }[] = [];
  return {
    reads,
    rotate(next: MerchantSecret) {
      current = next;
    },
    async get(options: { forceRefresh?: boolean } = {}) {
      reads.push({ forceRefresh: options.forceRefresh === true });
      return current;
    },
  };
}

export function payonConfig(
  baseUrl: string,
  overrides: Partial<Config['payon']> = {},
): Config['payon'] {
  return {
    environment: 'TEST',
    baseUrl,
    timeoutMs: 2_000,
    rsaPadding: 'pkcs1',
    authHeader: undefined,
    paths: {
      createBinding: '/pg/binding/register',
      pinVerification: '/pg/binding/pinVerification',
    },
    bindingPinEncryption: 'rsa',
    ...overrides,
  };
}

/** HMAC-SHA256 hex of a canonical string written out by hand in the test (independent of the product). */
export function hmacHex(key: string, canonical: string): string {
  return createHmac('sha256', key).update(canonical, 'utf8').digest('hex');
}
