import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ApiEnvironment, RETURN_ORIGIN, startApi } from '#test/support/api.ts';

type Body = Record<string, unknown>;
const key = () => randomUUID();

describe('payment API against DynamoDB Local and the PAYON sandbox', () => {
  let api: ApiEnvironment;

  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.stop());
  beforeEach(() => {
    api.sandbox.journal.clear();
    api.sandbox.clearFaults();
  });

  async function register(body: Body = {}) {
    const response = await api.call('POST', '/payments', {
      idempotencyKey: key(),
      body: {
        amount: { value: '12.50', currency: 'USD' },
        paymentMethod: 'CREDIT_DEBIT',
        returnUrl: `${RETURN_ORIGIN}/orders/42/done`,
        ...body,
      },
    });
    expect(response.status).toBe(201);
    return response.body as Body & { id: string };
  }

  async function paid(kind: 'purchase' | 'preauth' = 'purchase') {
    const payment = await register({ kind });
    api.sandbox.pay(payment.id, 'approve');
    const synced = await api.call('GET', `/payments/${payment.id}?sync=true`);
    expect((synced.body as Body).state).toBe(kind === 'purchase' ? 'SUCCEEDED' : 'AUTHORIZED');
    api.sandbox.journal.clear();
    return payment.id;
  }

  const pgCalls = (path: string) => api.sandbox.journal.requests(path).length;

  it('registers a purchase: stored, registered at PAYON, PENDING with its checkout', async () => {
    const response = await api.call('POST', '/payments', {
      idempotencyKey: key(),
      body: {
        amount: { value: '12.50', currency: 'USD' },
        paymentMethod: 'CREDIT_DEBIT',
        returnUrl: `${RETURN_ORIGIN}/orders/42/done`,
        reference: 'order-42',
      },
    });

    expect(response.status).toBe(201);
    const body = response.body as Body;
    expect(body).toMatchObject({
      state: 'PENDING',
      kind: 'purchase',
      paymentMethod: 'CREDIT_DEBIT',
      amount: { value: '12.50', currency: 'USD' },
      reference: 'order-42',
      checkoutUrl: `${api.sandbox.publicUrl}/checkout/${body.id}`,
      returnUrl: `${RETURN_ORIGIN}/orders/42/done`,
    });
    expect(response.headers.location).toBe(`/payments/${body.id}`);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(api.sandbox.transaction(String(body.id))).toMatchObject({
      amountCents: 1250,
      trt: '10',
    });
    const [registered] = api.sandbox.journal.requests('/pg/order/register');
    expect(registered?.body).toMatchObject({
      txId: body.id,
      amount: '12.50',
      currency: 'USD',
      trt: '10',
    });
    const items = await api.scan();
    expect(items.find((i) => i.pk === `PAY#${body.id}`)).toMatchObject({
      state: 'PENDING',
      amountMinor: 1250,
      currency: 'USD',
      version: 2,
      gsi1pk: 'SYNC',
    });
  });

  it('confirms a paid purchase only through a status pull with the same amount', async () => {
    const payment = await register();
    api.sandbox.pay(payment.id, 'approve');

    const stale = await api.call('GET', `/payments/${payment.id}`);
    const synced = await api.call('GET', `/payments/${payment.id}?sync=true`);

    expect((stale.body as Body).state).toBe('PENDING');
    expect(synced.body).toMatchObject({ state: 'SUCCEEDED' });
    expect(pgCalls('/pg/transaction/status')).toBe(1);
  });

  it('keeps a declined payment PENDING on one signal (failing it takes two: docs/payon-assumptions.md A35)', async () => {
    const payment = await register();
    api.sandbox.pay(payment.id, 'decline');

    const synced = await api.call('GET', `/payments/${payment.id}?sync=true`);

    expect((synced.body as Body).state).toBe('PENDING');
  });

  it('authorizes, captures part of, and refuses a second capture of a pre-authorisation', async () => {
    const id = await paid('preauth');

    const captured = await api.call('POST', `/payments/${id}/capture`, {
      idempotencyKey: key(),
      body: { amount: { value: '10.00', currency: 'USD' } },
    });
    const again = await api.call('POST', `/payments/${id}/capture`, {
      idempotencyKey: key(),
      body: {},
    });

    expect(captured.status).toBe(200);
    expect(captured.body).toMatchObject({
      state: 'SUCCEEDED',
      capturedAmount: { value: '10.00', currency: 'USD' },
    });
    expect(api.sandbox.journal.requests('/pg/preAuthCompletion').map((r) => r.body)).toMatchObject([
      { txId: id, amount: '10.00', currency: 'USD' },
    ]);
    expect(again.status).toBe(409);
    expect(pgCalls('/pg/preAuthCompletion')).toBe(1);
  });

  it('refuses a capture above the authorised amount before PAYON is called', async () => {
    const id = await paid('preauth');

    const response = await api.call('POST', `/payments/${id}/capture`, {
      idempotencyKey: key(),
      body: { amount: { value: '12.51', currency: 'USD' } },
    });

    expect(response.status).toBe(422);
    expect((response.body as { error: Body }).error.code).toBe('amount_exceeds_authorized');
    expect(pgCalls('/pg/preAuthCompletion')).toBe(0);
  });

  it('refunds in full once, and refuses a partial refund before PAYON is called', async () => {
    const id = await paid();

    const partial = await api.call('POST', `/payments/${id}/refund`, {
      idempotencyKey: key(),
      body: { amount: { value: '1.00', currency: 'USD' } },
    });
    const full = await api.call('POST', `/payments/${id}/refund`, {
      idempotencyKey: key(),
      body: {},
    });
    const twice = await api.call('POST', `/payments/${id}/refund`, {
      idempotencyKey: key(),
      body: {},
    });

    expect(partial.status).toBe(422);
    expect((partial.body as { error: Body }).error.code).toBe('partial_refund_not_supported');
    expect(full.status).toBe(200);
    expect((full.body as Body).state).toBe('REFUNDED');
    expect(twice.status).toBe(409);
    expect(pgCalls('/pg/refund')).toBe(1);
  });

  it('cancels a paid purchase by reversal', async () => {
    const id = await paid();

    const response = await api.call('POST', `/payments/${id}/cancel`, {
      idempotencyKey: key(),
      body: {},
    });

    expect(response.status).toBe(200);
    expect((response.body as Body).state).toBe('CANCELLED');
    expect(api.sandbox.journal.requests('/pg/reversal').map((r) => r.body)).toMatchObject([
      { txId: id },
    ]);
  });

  it('answers 404 for a payment that does not exist and 409 for a move in the wrong state', async () => {
    const missing = await api.call('POST', '/payments/1234567890123456/refund', {
      idempotencyKey: key(),
      body: {},
    });
    const pending = await register();
    const early = await api.call('POST', `/payments/${pending.id}/refund`, {
      idempotencyKey: key(),
      body: {},
    });

    expect(missing.status).toBe(404);
    expect(early.status).toBe(409);
    expect(pgCalls('/pg/refund')).toBe(0);
  });

  it('sends the customer back to the payment returnUrl, with the payment id', async () => {
    const payment = await register();

    const response = await api.call('GET', `/return?txId=${payment.id}`);

    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(
      `${RETURN_ORIGIN}/orders/42/done?paymentId=${payment.id}`,
    );
  });

  it('refuses a returnUrl outside the configured origins (no open redirect)', async () => {
    const response = await api.call('POST', '/payments', {
      idempotencyKey: key(),
      body: {
        amount: { value: '1.00', currency: 'USD' },
        paymentMethod: 'PAYON',
        returnUrl: 'https://evil.example/x',
      },
    });

    expect(response.status).toBe(422);
    expect((response.body as { error: Body }).error.code).toBe('return_url_not_allowed');
    expect(pgCalls('/pg/order/register')).toBe(0);
  });

  it('lists PAYON order history for a date range', async () => {
    const id = await paid();
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);

    const response = await api.call('GET', `/transactions?from=${today}&to=${today}&limit=500`);

    expect(response.status).toBe(200);
    const items = (response.body as { items: Body[] }).items;
    expect(items.find((i) => i.id === id)).toMatchObject({
      kind: 'purchase',
      amount: { value: '12.50', currency: 'USD' },
      approved: true,
      refunded: false,
    });
  });
});
