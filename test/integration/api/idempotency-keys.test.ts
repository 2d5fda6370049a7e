import { createHmac, randomUUID } from 'node:crypto';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { ConfigurationError } from '#shared/errors.ts';
import {
  type ApiEnvironment,
  IDEMPOTENCY_SECRET,
  NOTIFICATION_TOKEN,
  RETURN_ORIGIN,
  startApi,
} from '#test/support/api.ts';
import { LOCAL_AWS } from '#test/support/aws.ts';

// Idempotency-Keys are taken as merchants make them (1 to 255 printable ASCII characters, a run
// of digits that passes Luhn included) and only ever stored as an HMAC with the merchant secret's
// idempotencySecret.

const order = (value = '7.00') => ({
  amount: { value, currency: 'USD' },
  paymentMethod: 'PAYON',
  returnUrl: `${RETURN_ORIGIN}/done`,
});

const hmac = (secret: string, key: string) =>
  createHmac('sha256', secret).update(key, 'utf8').digest('hex');

/** Luhn's check, as a card number passes it. */
function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (const [i, c] of [...digits].reverse().entries()) {
    const d = Number(c) * (i % 2 === 1 ? 2 : 1);
    sum += d > 9 ? d - 9 : d;
  }
  return sum % 10 === 0;
}

/** A nanosecond timestamp (2024-12-02T00:00:00.123456788Z) whose 19 digits pass Luhn. */
const TIMESTAMP_KEY = '1733097600123456788';
/** A test card number, sent as the key itself. */
const CARD_KEY = '4111111111111111';

/** Every printable ASCII character at least once, 255 in all, a space only inside. */
const LONGEST_KEY = (() => {
  const printable = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) =>
    String.fromCharCode(0x21 + i),
  ).join('');
  const inner = `${printable} ${printable}`;
  return `${inner}${'z'.repeat(255 - inner.length)}`;
})();

describe('Idempotency-Keys taken as given, stored as HMACs', () => {
  let api: ApiEnvironment;
  let secrets: SecretsManagerClient;
  let secretId: string;
  let original: string;

  beforeAll(async () => {
    api = await startApi();
    secrets = new SecretsManagerClient({ ...LOCAL_AWS, endpoint: inject('motoEndpoint') });
    secretId = api.deps.config.secrets.merchantSecretId;
    original =
      (await secrets.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString ?? '';
  });
  afterAll(() => api.stop());
  beforeEach(() => api.sandbox.journal.clear());
  afterEach(async () => {
    await secrets.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: original }));
    api.coldStart();
  });

  /** Writes the merchant secret with these fields changed (undefined: removed). */
  const writeSecret = async (fields: Record<string, string | undefined>) => {
    const value = { ...(JSON.parse(original) as Record<string, string>), ...fields };
    await secrets.send(
      new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(value) }),
    );
  };
  const registrations = () => api.sandbox.journal.requests('/pg/order/register').length;
  const register = (idempotencyKey: string, value = '7.00') =>
    api.call('POST', '/payments', { idempotencyKey, body: order(value) });
  const idempotencyRecords = async () => (await api.scan()).filter((i) => i.type === 'idempotency');

  it('accepts a 19-digit timestamp key that passes Luhn, and replays its answer', async () => {
    expect(passesLuhn(TIMESTAMP_KEY)).toBe(true);

    const first = await register(TIMESTAMP_KEY, '7.01');
    const retry = await register(TIMESTAMP_KEY, '7.01');

    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.text).toBe(first.text);
    expect(registrations()).toBe(1);
  });

  it('stores neither the key nor anything containing it, only its HMAC with the idempotencySecret', async () => {
    const first = await register(CARD_KEY, '7.02');
    const retry = await register(CARD_KEY, '7.02');

    expect(first.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    const items = await api.scan();
    expect(JSON.stringify(items)).not.toContain(CARD_KEY);
    expect(JSON.stringify(items)).not.toContain(TIMESTAMP_KEY);
    const records = items.filter((i) => i.type === 'idempotency');
    expect(records.map((r) => r.pk)).toContain(`IDEM#${hmac(IDEMPOTENCY_SECRET, CARD_KEY)}`);
    for (const record of records) {
      expect(record.pk).toMatch(/^IDEM#[0-9a-f]{64}$/);
      expect(record.sk).toBe('IDEM');
    }
  });

  it('stores the same key under another HMAC when the idempotencySecret differs', async () => {
    const key = randomUUID();
    await register(key, '7.03');
    const other = 'o'.repeat(43);
    await writeSecret({ idempotencySecret: other });
    api.coldStart();

    // Another secret finds no record: the same key is a new request (never rotate it casually).
    const again = await register(key, '7.03');

    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    const keys = (await idempotencyRecords()).map((r) => r.pk);
    expect(keys).toEqual(
      expect.arrayContaining([`IDEM#${hmac(IDEMPOTENCY_SECRET, key)}`, `IDEM#${hmac(other, key)}`]),
    );
    expect(hmac(other, key)).not.toBe(hmac(IDEMPOTENCY_SECRET, key));
    expect(registrations()).toBe(2);
  });

  it('keeps replaying a retried card-bearing request after the notification token is rotated', async () => {
    const clientId = `cust-${randomUUID().slice(0, 8)}`;
    const key = randomUUID();
    const body = {
      card: { number: '4111111111111111', cvv: '123', expiry: '2030-12', holderName: 'Sok Chan' },
      requestedAt: new Date().toISOString(),
    };
    const bind = () =>
      api.call('POST', `/customers/${clientId}/bindings`, { idempotencyKey: key, body });
    const first = await bind();
    await writeSecret({ notificationToken: 'r'.repeat(40) });
    api.coldStart();
    expect((await api.deps.secrets.get()).notificationToken).not.toBe(NOTIFICATION_TOKEN);

    const retry = await bind();

    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.text).toBe(first.text);
    expect(api.sandbox.journal.requests('/pg/binding/register')).toHaveLength(1);
  });

  it.each([
    ['1 character', 'k'],
    ['255 printable characters, every one of them and a space inside', LONGEST_KEY],
  ])('accepts a key of %s', async (_, key) => {
    expect(key.length).toBeLessThanOrEqual(255);

    const response = await register(key, '7.04');

    expect(response.status).toBe(201);
    expect((await idempotencyRecords()).map((r) => r.pk)).toContain(
      `IDEM#${hmac(IDEMPOTENCY_SECRET, key)}`,
    );
  });

  it.each([
    ['256 characters', 'x'.repeat(256)],
    ['a tab', 'key\twith-tab'],
    ['a control character', 'key\u0007bell'],
    ['a character outside ASCII', 'café-1'],
    ['a space at its end', 'key '],
  ])(
    'refuses a key with %s: 400 naming Idempotency-Key, nothing sent or stored',
    async (_, key) => {
      const before = (await api.scan()).length;

      const response = await register(key, '7.05');

      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        error: {
          code: 'invalid_request',
          message: 'The request is invalid.',
          fields: [
            {
              field: 'Idempotency-Key',
              reason: 'must be 1 to 255 printable ASCII characters (no space at either end)',
            },
          ],
        },
      });
      expect((await api.scan()).length).toBe(before);
      expect(registrations()).toBe(0);
    },
  );

  it('refuses money moves while the secret has no idempotencySecret, serves reads, and takes the field as soon as it is added', async () => {
    const created = await register(randomUUID(), '7.06');
    const paymentId = (created.body as { id: string }).id;
    await writeSecret({ idempotencySecret: undefined });
    api.coldStart();
    const before = (await api.scan()).length;

    const refused = await register(randomUUID(), '7.07');
    const read = await api.call('GET', `/payments/${paymentId}`);

    expect(refused.status).toBe(500);
    expect(refused.body).toEqual({ error: { code: 'internal_error', message: 'Internal error.' } });
    expect(read.status).toBe(200);
    expect((await api.scan()).length).toBe(before);
    expect(registrations()).toBe(1);
    // What the function logs: the secret, the field and the fix, never a value.
    const error = await api.deps.secrets.idempotencySecret().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain(`Secret '${secretId}' has no idempotencySecret`);
    expect((error as Error).message).toContain('docs/deployment.md');
    expect((error as Error).message).not.toContain(NOTIFICATION_TOKEN);

    // Added: the next request reads the secret again (no cold start, no cache wait).
    await secrets.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: original }));
    const served = await register(randomUUID(), '7.07');

    expect(served.status).toBe(201);
  });
});
