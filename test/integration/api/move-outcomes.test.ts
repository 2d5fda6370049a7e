import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { syncPayment } from '#shared/payments/sync.ts';
import { type ApiEnvironment, RETURN_ORIGIN, startApi } from '#test/support/api.ts';
import { paidPayment } from '#test/support/payments.ts';

type Body = Record<string, unknown>;

// Issue 19 items 4-6: the answer a move's own request gives tells what PAYON did, whatever
// happened to the store after PAYON answered; and only USD is taken until KHR is switched on.
describe('what a money move answers after PAYON has answered', () => {
  let api: ApiEnvironment;
  let now = Date.now();
  /** Runs once, before the first payment write after PAYON received a request on `path`. */
  let beforeWrite: { path: string; seen: number; run: () => Promise<void> } | undefined;
  /** Fails every DynamoDB command once PAYON has received a request on `path`. */
  let outage: { path: string; seen: number } | undefined;

  beforeAll(async () => {
    api = await startApi({ clock: () => new Date(now) });
    api.sandbox.updateMerchant('C0000143', { notifyUrl: null });
    api.dynamo.middlewareStack.add(
      (next) => async (args) => {
        const received = (path: string) => api.sandbox.journal.requests(path).length;
        if (outage && received(outage.path) > outage.seen) {
          throw Object.assign(new Error('connect ETIMEDOUT'), { name: 'TimeoutError' });
        }
        const hook = beforeWrite;
        if (hook && received(hook.path) > hook.seen) {
          beforeWrite = undefined;
          await hook.run();
        }
        return next(args);
      },
      { step: 'initialize', name: 'afterPayonAnswered' },
    );
  });
  afterAll(() => api.stop());
  beforeEach(() => {
    now = Date.now();
    beforeWrite = undefined;
    outage = undefined;
    api.sandbox.clearFaults();
  });

  const stored = async (id: string) =>
    (await api.scan()).find((i) => i.type === 'payment' && i.txId === id);
  const sent = (path: string) => api.sandbox.journal.requests(path).length;

  it.each([
    ['refund', 'purchase', '/pg/refund', 'REFUNDED'],
    ['capture', 'preauth', '/pg/preAuthCompletion', 'SUCCEEDED'],
  ] as const)(
    'a %s a sync settled first answers 200 with the payment, and its key replays that answer',
    async (operation, kind, path, done) => {
      const id = await paidPayment(api, { kind });
      // PAYON has done the move; before its answer is written, a sync reads PAYON and writes first.
      beforeWrite = {
        path,
        seen: sent(path),
        run: async () => {
          const payment = await api.deps.payments.get(id);
          if (payment) await syncPayment(api.deps, payment);
        },
      };
      const key = randomUUID();
      const answered = await api.call('POST', `/payments/${id}/${operation}`, {
        idempotencyKey: key,
        body: {},
      });
      const replayed = await api.call('POST', `/payments/${id}/${operation}`, {
        idempotencyKey: key,
        body: {},
      });

      expect(beforeWrite).toBeUndefined(); // the sync did run first
      expect(answered.status, answered.text).toBe(200);
      expect(answered.body).toMatchObject({ id, state: done });
      expect(replayed.status).toBe(200);
      expect(replayed.headers['idempotent-replayed']).toBe('true');
      expect(replayed.body).toEqual(answered.body);
      expect(sent(path)).toBe(1);
      expect((await stored(id))?.state).toBe(done);
      const history = (await stored(id))?.history as Body[];
      expect(history.filter((h) => h.to === done)).toHaveLength(1);
    },
  );

  it('DynamoDB lost after PAYON refunded: 502 outcome_unknown (not 500), nothing re-sent, and the sweep settles it REFUNDED', async () => {
    const id = await paidPayment(api);
    outage = { path: '/pg/refund', seen: sent('/pg/refund') };
    const answered = await api.call('POST', `/payments/${id}/refund`, {
      idempotencyKey: randomUUID(),
      body: {},
    });
    outage = undefined;

    expect(answered.status, answered.text).toBe(502);
    expect((answered.body as { error: Body }).error.code).toBe('outcome_unknown');
    expect(answered.text).not.toMatch(/ETIMEDOUT/);
    expect((await stored(id))?.state).toBe('UNKNOWN');
    // The sweep reads PAYON's orders list once the move has had time to settle.
    now += 3 * 60_000;
    await api.sweep();
    expect((await stored(id))?.state).toBe('REFUNDED');
    expect(sent('/pg/refund')).toBe(1);
  });

  it('DynamoDB lost after PAYON registered the order: 502 outcome_unknown, the payment is kept, and it is settled once paid', async () => {
    outage = { path: '/pg/order/register', seen: sent('/pg/order/register') };
    const answered = await api.call('POST', '/payments', {
      idempotencyKey: randomUUID(),
      body: {
        kind: 'purchase',
        amount: { value: '31.00', currency: 'USD' },
        paymentMethod: 'CREDIT_DEBIT',
        returnUrl: `${RETURN_ORIGIN}/r`,
      },
    });
    outage = undefined;

    expect(answered.status, answered.text).toBe(502);
    expect((answered.body as { error: Body }).error.code).toBe('outcome_unknown');
    const kept = (await api.scan()).filter(
      (i) => i.type === 'payment' && i.amountMinor === 3_100 && i.state === 'CREATED',
    );
    expect(kept).toHaveLength(1);
    const txId = String(kept[0]?.txId);
    // The order PAYON registered is paid; the sweep finds it after the registration's grace.
    api.sandbox.pay(txId, 'approve');
    now += 3 * 60_000;
    await api.sweep();
    await api.sweep();
    expect((await stored(txId))?.state).toBe('SUCCEEDED');
    expect(sent('/pg/order/register')).toBeGreaterThanOrEqual(1);
  });
});

describe('currencies the API takes', () => {
  const body = (currency: string) => ({
    kind: 'purchase',
    amount: { value: '5000.00', currency },
    paymentMethod: 'CREDIT_DEBIT',
    returnUrl: `${RETURN_ORIGIN}/r`,
  });

  it('refuses KHR with 400 currency_not_supported naming the switch, storing and sending nothing', async () => {
    const api = await startApi();
    try {
      const refused = await api.call('POST', '/payments', {
        idempotencyKey: randomUUID(),
        body: body('KHR'),
      });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({
        error: {
          code: 'currency_not_supported',
          fields: [{ field: 'amount.currency', reason: 'must be one of USD' }],
        },
      });
      expect((refused.body as { error: Body }).error.message).toContain('KHR_ENABLED');
      expect((await api.scan()).filter((i) => i.type === 'payment')).toEqual([]);
      expect(api.sandbox.journal.requests('/pg/order/register')).toHaveLength(0);
    } finally {
      await api.stop();
    }
  });

  it('passes KHR on to PAYON once KHR_ENABLED is true (PAYON itself decides; the sandbox, like PAYON today, refuses it)', async () => {
    const api = await startApi({ env: { KHR_ENABLED: 'true' } });
    try {
      const answered = await api.call('POST', '/payments', {
        idempotencyKey: randomUUID(),
        body: body('KHR'),
      });
      const [sentBody] = api.sandbox.journal.requests('/pg/order/register').map((r) => r.body);
      expect(sentBody).toMatchObject({ currency: 'KHR' });
      expect(answered.status, answered.text).toBe(422);
      expect((answered.body as { error: Body }).error.code).toBe('payon_rejected');
    } finally {
      await api.stop();
    }
  });
});
