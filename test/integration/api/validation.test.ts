import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiEnvironment, RETURN_ORIGIN, startApi } from '#test/support/api.ts';

type ErrorBody = { error: { code: string; fields?: { field: string; reason: string }[] } };

const valid = {
  amount: { value: '3.00', currency: 'USD' },
  paymentMethod: 'CREDIT_DEBIT',
  returnUrl: `${RETURN_ORIGIN}/done`,
};

// Bad input: a clear 4xx naming the field and the reason, never a 500, and nothing changes.
describe('request validation', () => {
  let api: ApiEnvironment;

  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.stop());

  async function refused(
    method: string,
    path: string,
    options: Parameters<ApiEnvironment['call']>[2],
    fields: { field: string; reason: string }[],
  ) {
    const before = await api.scan();
    api.sandbox.journal.clear();
    const response = await api.call(method, path, options);
    expect(response.status).toBe(400);
    expect((response.body as ErrorBody).error).toMatchObject({ code: 'invalid_request', fields });
    expect(await api.scan()).toEqual(before);
    expect(api.sandbox.journal.requests().length).toBe(0);
    return response;
  }

  it.each([
    [
      { ...valid, amount: { value: '3', currency: 'EUR' } },
      'amount.currency',
      'must be one of USD, KHR',
    ],
    [{ ...valid, amount: { value: 3, currency: 'USD' } }, 'amount.value', 'must be of type string'],
    [
      { ...valid, amount: { value: '3.001', currency: 'USD' } },
      'amount.value',
      'must be a decimal string with at most 2 decimals, such as "12.50"',
    ],
    [
      { ...valid, amount: { value: '0.00', currency: 'USD' } },
      'amount.value',
      'must be greater than zero',
    ],
    [
      { ...valid, paymentMethod: 'CASH' },
      'paymentMethod',
      'must be one of PAYON, CREDIT_DEBIT, PPCBANK_TRANSFER, BAKONG_KHQR',
    ],
    [{ ...valid, returnUrl: 'javascript:alert(1)' }, 'returnUrl', 'Invalid URL'],
    [{ ...valid, kind: 'auth' }, 'kind', 'must be one of purchase, preauth'],
    [{ ...valid, extra: 1 }, 'extra', 'is not a known field'],
    [
      { ...valid, savedCard: { clientId: 'a b', bindingId: 'x' } },
      'savedCard.clientId',
      'must be 1 to 64 letters, digits, _ or -',
    ],
  ])('refuses a registration body %# naming %s', async (body, field, reason) => {
    await refused('POST', '/payments', { idempotencyKey: randomUUID(), body }, [{ field, reason }]);
  });

  it('names a missing field', async () => {
    const { amount: _amount, ...body } = valid;
    await refused('POST', '/payments', { idempotencyKey: randomUUID(), body }, [
      { field: 'amount', reason: 'must be of type object' },
    ]);
  });

  it('refuses a body that is not JSON', async () => {
    await refused('POST', '/payments', { idempotencyKey: randomUUID(), rawBody: '{"amount":' }, [
      { field: 'body', reason: 'is not valid JSON' },
    ]);
  });

  it('refuses a body that is not declared JSON', async () => {
    await refused(
      'POST',
      '/payments',
      {
        idempotencyKey: randomUUID(),
        rawBody: JSON.stringify(valid),
        headers: { 'content-type': 'text/plain' },
      },
      [{ field: 'content-type', reason: 'must be application/json' }],
    );
  });

  it('refuses a body over 16 KiB', async () => {
    await refused(
      'POST',
      '/payments',
      { idempotencyKey: randomUUID(), body: { ...valid, reference: 'x'.repeat(17_000) } },
      [{ field: 'body', reason: 'must be at most 16384 bytes' }],
    );
  });

  it('refuses a path id that is not a payment id', async () => {
    await refused('GET', '/payments/not-an-id!', {}, [
      { field: 'path.id', reason: 'must be a payment id' },
    ]);
  });

  it('refuses query parameters it does not know or cannot read', async () => {
    await refused('GET', '/payments/1234567890123456?sync=yes', {}, [
      { field: 'query.sync', reason: 'must be one of true, false' },
    ]);
    await refused('GET', '/transactions?from=2026-11-22&to=2026-11-01', {}, [
      { field: 'query.from', reason: 'must not be after to' },
    ]);
    await refused('GET', '/transactions?from=2026-13-01&to=2026-11-01', {}, [
      { field: 'query.from', reason: 'must be a date such as 2026-11-22' },
    ]);
  });

  it('never echoes a refused value in its answer', async () => {
    const response = await refused(
      'POST',
      '/payments',
      { idempotencyKey: randomUUID(), body: { ...valid, reference: 'card 4111 1111 1111 1111' } },
      [{ field: 'reference', reason: 'must not contain a card number' }],
    );
    expect(response.text).not.toContain('4111111111111111');
  });

  // Issue 21 item 1: a card number sent as a field NAME is masked in the error like a value.
  it.each([
    ['a top-level key', '/payments', { ...valid, '4111111111111111': '1' }, '411111******1111'],
    [
      'a nested key',
      '/payments',
      { ...valid, amount: { value: '3.00', currency: 'USD', '5555555555554444': 1 } },
      'amount.555555******4444',
    ],
  ])('masks a card number used as %s in the field list', async (_, path, body, field) => {
    const response = await refused('POST', path, { idempotencyKey: randomUUID(), body }, [
      { field, reason: 'is not a known field' },
    ]);
    expect(response.text).not.toMatch(/4111111111111111|5555555555554444/);
  });

  it('masks a card number used as a query key', async () => {
    const response = await refused(
      'GET',
      '/transactions?from=2026-11-01&to=2026-11-02&4111111111111111=1',
      {},
      [{ field: 'query.411111******1111', reason: 'is not a known field' }],
    );
    expect(response.text).not.toContain('4111111111111111');
  });

  // Issue 21 item 2: a returnUrl is stored and sent back to the browser: no card number in it.
  it.each([
    ['its query', `${RETURN_ORIGIN}/done?pan=4111111111111111`],
    ['its path', `${RETURN_ORIGIN}/card/4111-1111-1111-1111/done`],
    ['its fragment', `${RETURN_ORIGIN}/done#4111 1111 1111 1111`],
    ['percent-encoded', `${RETURN_ORIGIN}/done?c=%34%31%31%31111111111111`],
  ])(
    'refuses a returnUrl with a card number in %s, storing and echoing nothing',
    async (_, url) => {
      const response = await refused(
        'POST',
        '/payments',
        { idempotencyKey: randomUUID(), body: { ...valid, returnUrl: url } },
        [{ field: 'returnUrl', reason: 'must not contain a card number' }],
      );
      expect(response.text).not.toMatch(/4111.?1111.?1111.?1111|%34%31/);
    },
  );
});
