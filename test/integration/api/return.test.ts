import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ApiEnvironment, RETURN_ORIGIN, startApi } from '#test/support/api.ts';

type Body = Record<string, unknown>;

// Issue 21 item 6: the public return route gives a payment's returnUrl only while the payment is
// recent; any other txId (malformed, unknown, old) gets the same neutral answer.
describe('GET /return', () => {
  let api: ApiEnvironment;
  let offsetMs = 0;

  beforeAll(async () => {
    api = await startApi({ clock: () => new Date(Date.now() + offsetMs) });
  });
  afterAll(() => api.stop());
  beforeEach(() => {
    offsetMs = 0;
  });

  async function register() {
    const created = await api.call('POST', '/payments', {
      idempotencyKey: randomUUID(),
      body: {
        amount: { value: '4.00', currency: 'USD' },
        paymentMethod: 'CREDIT_DEBIT',
        returnUrl: `${RETURN_ORIGIN}/orders/7/done?token=merchant-secret-ish`,
      },
    });
    return String((created.body as Body).id);
  }

  it('sends a recent payment to its returnUrl, until its expiry plus an hour', async () => {
    const id = await register();

    const fresh = await api.call('GET', `/return?txId=${id}`);
    offsetMs = (15 + 59) * 60_000;
    const late = await api.call('GET', `/return?txId=${id}`);
    offsetMs = (15 + 61) * 60_000;
    const tooLate = await api.call('GET', `/return?txId=${id}`);

    expect(fresh.status).toBe(303);
    expect(fresh.headers.location).toBe(
      `${RETURN_ORIGIN}/orders/7/done?token=merchant-secret-ish&paymentId=${id}`,
    );
    expect(late.headers.location).toContain(RETURN_ORIGIN);
    expect([tooLate.status, tooLate.headers.location]).toEqual([303, '/return']);
  });

  it.each([
    ['an unknown txId', '1000000000000001'],
    ['a malformed txId', 'not-a-payment-id'],
    ['a card number', '4111111111111111'],
    ['an empty txId', ''],
    ['a very long txId', '9'.repeat(5_000)],
  ])('answers %s exactly like any other: a redirect to the neutral page', async (_, txId) => {
    const response = await api.call('GET', `/return?txId=${encodeURIComponent(txId)}`);

    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/return');
    expect(response.text).toBe('');
  });

  it('serves the neutral page itself without a txId', async () => {
    const page = await api.call('GET', '/return');

    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('You can close this page.');
  });
});

describe('GET /return with RETURN_FALLBACK_URL', () => {
  let api: ApiEnvironment;

  beforeAll(async () => {
    api = await startApi({ env: { RETURN_FALLBACK_URL: 'https://shop.example.com/orders' } });
  });
  afterAll(() => api.stop());

  it('sends every txId that is not a recent payment there', async () => {
    const response = await api.call('GET', '/return?txId=1000000000000001');

    expect([response.status, response.headers.location]).toEqual([
      303,
      'https://shop.example.com/orders',
    ]);
  });
});
