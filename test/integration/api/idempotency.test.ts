import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { PayonUnavailableError } from '#shared/errors.ts';
import { idempotencyRecordKey } from '#shared/store/idempotency.ts';
import {
  type ApiEnvironment,
  IDEMPOTENCY_SECRET,
  RETURN_ORIGIN,
  startApi,
} from '#test/support/api.ts';

type Body = Record<string, unknown>;

const order = (value = '7.00') => ({
  amount: { value, currency: 'USD' },
  paymentMethod: 'PAYON',
  returnUrl: `${RETURN_ORIGIN}/done`,
});

describe('Idempotency-Key on money-moving POSTs', () => {
  let api: ApiEnvironment;
  let offsetMs = 0;

  beforeAll(async () => {
    api = await startApi({ clock: () => new Date(Date.now() + offsetMs) });
  });
  afterAll(() => api.stop());
  beforeEach(() => {
    offsetMs = 0;
    api.sandbox.journal.clear();
  });

  const registrations = () => api.sandbox.journal.requests('/pg/order/register').length;

  it('is required, with a field-level 400 that changes nothing', async () => {
    const before = (await api.scan()).length;

    const response = await api.call('POST', '/payments', { body: order() });

    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      error: {
        code: 'invalid_request',
        message: 'The request is invalid.',
        fields: [
          {
            field: 'Idempotency-Key',
            reason: 'header is required: 1 to 255 printable ASCII characters, unique per operation',
          },
        ],
      },
    });
    expect((await api.scan()).length).toBe(before);
    expect(registrations()).toBe(0);
  });

  it('replays the first response byte for byte and says so', async () => {
    const idempotencyKey = randomUUID();

    const first = await api.call('POST', '/payments', { idempotencyKey, body: order() });
    const second = await api.call('POST', '/payments', { idempotencyKey, body: order() });

    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.text).toBe(first.text);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.headers['cache-control']).toBe('no-store');
    expect(second.headers['x-content-type-options']).toBe('nosniff');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(second.headers.location).toBe(first.headers.location);
    expect(registrations()).toBe(1);
  });

  it('treats the same body with its keys in another order as the same request', async () => {
    const idempotencyKey = randomUUID();
    const body = order();
    const reordered = {
      returnUrl: body.returnUrl,
      paymentMethod: body.paymentMethod,
      amount: body.amount,
    };

    await api.call('POST', '/payments', { idempotencyKey, body });
    const second = await api.call('POST', '/payments', { idempotencyKey, body: reordered });

    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(registrations()).toBe(1);
  });

  it('refuses the same key with another body (422) and sends nothing', async () => {
    const idempotencyKey = randomUUID();
    await api.call('POST', '/payments', { idempotencyKey, body: order('7.00') });

    const other = await api.call('POST', '/payments', { idempotencyKey, body: order('8.00') });

    expect(other.status).toBe(422);
    expect((other.body as { error: Body }).error.code).toBe('idempotency_key_reused');
    expect(registrations()).toBe(1);
  });

  it('lets exactly one of 50 concurrent duplicates reach PAYON; the rest get 409 or the replay', async () => {
    const idempotencyKey = randomUUID();

    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        api.call('POST', '/payments', { idempotencyKey, body: order('9.99') }),
      ),
    );

    expect(registrations()).toBe(1);
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const conflicts = responses.filter((r) => r.status === 409);
    for (const conflict of conflicts) {
      expect(conflict.headers['retry-after']).toMatch(/^\d+$/);
      expect((conflict.body as { error: Body }).error.code).toBe('request_in_progress');
    }
    const created = responses.filter((r) => r.status === 201);
    expect(new Set(created.map((r) => r.text)).size).toBe(1);
    const payments = (await api.scan()).filter(
      (i) => i.type === 'payment' && i.amountMinor === 999,
    );
    expect(payments).toHaveLength(1);
  });

  it('keeps the key when PAYON took the order but recording it failed, so no second order is made', async () => {
    const idempotencyKey = randomUUID();
    const update = vi
      .spyOn(api.deps.payments, 'update')
      .mockRejectedValueOnce(new Error('ProvisionedThroughputExceeded'));

    const first = await api.call('POST', '/payments', { idempotencyKey, body: order('4.44') });
    const retry = await api.call('POST', '/payments', { idempotencyKey, body: order('4.44') });
    update.mockRestore();

    expect(first.status).toBe(502);
    expect((first.body as { error: Body }).error.code).toBe('outcome_unknown');
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(registrations()).toBe(1);
    const stored = (await api.scan()).filter((i) => i.type === 'payment' && i.amountMinor === 444);
    expect(stored.map((i) => i.state)).toEqual(['CREATED']);
  });

  it('frees the key when PAYON could not be reached at all, so the same retry goes through', async () => {
    const created = await api.call('POST', '/payments', {
      idempotencyKey: randomUUID(),
      body: order('3.33'),
    });
    const id = String((created.body as Body).id);
    api.sandbox.pay(id, 'approve');
    await api.call('GET', `/payments/${id}?sync=true`);
    const idempotencyKey = randomUUID();
    const refund = vi.spyOn(api.deps.payon, 'refund').mockRejectedValueOnce(
      new PayonUnavailableError('PAYON could not be reached', {
        path: '/pg/refund',
        mayHaveMovedMoney: false,
      }),
    );

    const first = await api.call('POST', `/payments/${id}/refund`, { idempotencyKey, body: {} });
    const retry = await api.call('POST', `/payments/${id}/refund`, { idempotencyKey, body: {} });
    refund.mockRestore();

    expect(first.status).toBe(502);
    expect((first.body as { error: Body }).error.code).toBe('payon_unavailable');
    expect(retry.status).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect((retry.body as Body).state).toBe('REFUNDED');
  });

  it('frees the key after a 400 so the corrected request can use it', async () => {
    const idempotencyKey = randomUUID();

    const bad = await api.call('POST', '/payments', {
      idempotencyKey,
      body: { ...order(), amount: { value: '1.234', currency: 'USD' } },
    });
    const good = await api.call('POST', '/payments', { idempotencyKey, body: order() });

    expect(bad.status).toBe(400);
    expect(good.status).toBe(201);
  });

  it('forgets a key after its time to live', async () => {
    const idempotencyKey = randomUUID();
    await api.call('POST', '/payments', { idempotencyKey, body: order() });

    offsetMs = 24 * 3_600_000 + 1_000;
    const later = await api.call('POST', '/payments', { idempotencyKey, body: order() });

    expect(later.status).toBe(201);
    expect(later.headers['idempotent-replayed']).toBeUndefined();
    expect(registrations()).toBe(2);
  });

  it('stores the record with a TTL attribute and the response, never the request body', async () => {
    const idempotencyKey = randomUUID();
    await api.call('POST', '/payments', { idempotencyKey, body: order('6.66') });

    const record = (await api.scan()).find(
      (i) => i.pk === `IDEM#${idempotencyRecordKey(IDEMPOTENCY_SECRET, idempotencyKey)}`,
    );

    expect(record).toMatchObject({ status: 'COMPLETED', type: 'idempotency' });
    expect(typeof record?.ttl).toBe('number');
    expect(Number(record?.ttl) - Date.now() / 1_000).toBeGreaterThan(24 * 3_600 - 120);
    expect(record?.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });
});
