import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiEnvironment, RETURN_ORIGIN, startApi } from '#test/support/api.ts';

type Body = Record<string, unknown>;

const order = (value: string, returnUrl = `${RETURN_ORIGIN}/done`) => ({
  amount: { value, currency: 'USD' },
  paymentMethod: 'CREDIT_DEBIT',
  returnUrl,
});

// Issue 27: a registration writes its Idempotency-Key claim in the transaction of its CREATED
// payment and its answer in the one of its PENDING payment; every idempotency rule still holds.
describe('the writes of a registration', () => {
  let api: ApiEnvironment;
  beforeAll(async () => {
    api = await startApi({ sandbox: { seed: 2727 } });
    // Warm: the secret is read once per instance, not counted below.
    await api.call('POST', '/payments', { idempotencyKey: randomUUID(), body: order('1.00') });
  });
  afterAll(() => api.stop());

  const stored = async (amountMinor: number) => {
    const items = await api.scan();
    return items.filter((i) => i.type === 'payment' && i.amountMinor === amountMinor);
  };

  it('takes two DynamoDB round trips: the claim with the CREATED payment, the answer with the PENDING one', async () => {
    // Prepare
    const idempotencyKey = randomUUID();
    api.io.reset();

    // Act
    const first = await api.call('POST', '/payments', { idempotencyKey, body: order('6.01') });
    const io = api.io.read();
    const replay = await api.call('POST', '/payments', { idempotencyKey, body: order('6.01') });

    // Assess
    expect(first.status).toBe(201);
    expect(io.aws).toEqual({ 'dynamodb:TransactWriteItemsCommand': 2 });
    expect(io.payon).toEqual({ '/pg/order/register': 1 });
    const [payment] = await stored(601);
    expect(payment?.state).toBe('PENDING');
    const records = (await api.scan()).filter(
      (i) => i.type === 'idempotency' && String(i.response ?? '').includes(String(payment?.txId)),
    );
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ status: 'COMPLETED' });
    expect(records[0]).not.toHaveProperty('lockUntil');
    expect(JSON.parse(String(records[0]?.response)).body).toBe(first.text);
    expect(replay.status).toBe(201);
    expect(replay.text).toBe(first.text);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(await stored(601)).toHaveLength(1);
  });

  it('keeps a refusal made before anything was stored for its key: replayed, and the key not reusable', async () => {
    // Prepare: a returnUrl on an origin the deployment does not allow (422, final)
    const idempotencyKey = randomUUID();
    const refusedBody = order('6.02', 'https://elsewhere.example.net/done');

    // Act
    const first = await api.call('POST', '/payments', { idempotencyKey, body: refusedBody });
    const again = await api.call('POST', '/payments', { idempotencyKey, body: refusedBody });
    const other = await api.call('POST', '/payments', { idempotencyKey, body: order('6.02') });

    // Assess
    expect(first.status).toBe(422);
    expect((first.body as { error: Body }).error.code).toBe('return_url_not_allowed');
    expect(again.status).toBe(422);
    expect(again.text).toBe(first.text);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(other.status).toBe(422);
    expect((other.body as { error: Body }).error.code).toBe('idempotency_key_reused');
    expect(await stored(602)).toHaveLength(0);
  });

  it('replays the first answer even when the request would now be refused (its saved card unbound since)', async () => {
    // Prepare: a customer's saved card, a registration with it
    const clientId = `rw-${randomUUID().slice(0, 8)}`;
    const bound = await api.call('POST', `/customers/${clientId}/bindings`, {
      idempotencyKey: randomUUID(),
      body: {
        card: { number: '4111111111111111', cvv: '123', expiry: '2030-12' },
        requestedAt: new Date().toISOString(),
      },
    });
    const bindingId = (bound.body as { binding: { id: string } }).binding.id;
    const idempotencyKey = randomUUID();
    const body = { ...order('6.03'), savedCard: { clientId, bindingId } };
    const first = await api.call('POST', '/payments', { idempotencyKey, body });
    await api.call('POST', `/customers/${clientId}/bindings/${bindingId}/unbind`, {
      idempotencyKey: randomUUID(),
      body: { requestedAt: new Date().toISOString() },
    });

    // Act
    const retry = await api.call('POST', '/payments', { idempotencyKey, body });
    const fresh = await api.call('POST', '/payments', { idempotencyKey: randomUUID(), body });

    // Assess
    expect(bound.status).toBe(201);
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.text).toBe(first.text);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(fresh.status).toBe(422);
    expect(await stored(603)).toHaveLength(1);
  });
});
