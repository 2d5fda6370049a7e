import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ApiEnvironment, RETURN_ORIGIN, startApi } from '#test/support/api.ts';
import { paidPayment } from '#test/support/payments.ts';

type Body = Record<string, unknown>;
const key = () => randomUUID();

// A timeout, a reset or a 5xx on a money move: the payment is UNKNOWN, the merchant is told the
// outcome is unknown, the move is never sent again, and asking PAYON settles it.
describe('money moves whose outcome is unknown', () => {
  let api: ApiEnvironment;
  let offsetMs = 0;

  beforeAll(async () => {
    api = await startApi({ clock: () => new Date(Date.now() + offsetMs) });
  });
  afterAll(() => api.stop());
  beforeEach(() => {
    offsetMs = 0;
    api.sandbox.clearFaults();
    api.sandbox.journal.clear();
  });

  const paid = (kind: 'purchase' | 'preauth') => paidPayment(api, { kind });

  const moves = [
    {
      op: 'capture',
      kind: 'preauth',
      path: '/pg/preAuthCompletion',
      done: 'SUCCEEDED',
      prior: 'AUTHORIZED',
    },
    { op: 'cancel', kind: 'purchase', path: '/pg/reversal', done: 'CANCELLED', prior: 'SUCCEEDED' },
    { op: 'refund', kind: 'purchase', path: '/pg/refund', done: 'REFUNDED', prior: 'SUCCEEDED' },
  ] as const;
  const faults = [
    { kind: 'timeout', status: 504 },
    { kind: 'reset', status: 504 },
    { kind: '5xx', status: 502 },
  ] as const;

  describe.each(moves)('$op', ({ op, kind, path, done, prior }) => {
    it.each(faults)(
      `after a $kind that PAYON did act on: UNKNOWN, never re-sent, then ${done} by a pull`,
      async ({ kind: fault, status }) => {
        const id = await paid(kind);
        api.sandbox.addFault({ path, kind: fault, applyFirst: true, ms: 3_000 });

        const first = await api.call('POST', `/payments/${id}/${op}`, {
          idempotencyKey: key(),
          body: {},
        });
        const retry = await api.call('POST', `/payments/${id}/${op}`, {
          idempotencyKey: key(),
          body: {},
        });
        const stored = await api.call('GET', `/payments/${id}`);
        const synced = await api.call('GET', `/payments/${id}?sync=true`);

        expect(first.status).toBe(status);
        expect((first.body as { error: Body }).error.code).toBe('outcome_unknown');
        expect(retry.status, retry.text).toBe(409);
        expect((retry.body as { error: Body }).error.code).toBe('outcome_being_resolved');
        expect(stored.body).toMatchObject({
          state: 'UNKNOWN',
          unknownOperation: op,
          stateBeforeUnknown: prior,
        });
        expect(api.sandbox.journal.requests(path)).toHaveLength(1);
        expect((synced.body as Body).state).toBe(done);
      },
    );
  });

  // docs/payon-assumptions.md A27: a refund or reversal PAYON's orders list shows `N` for, two
  // minutes after the attempt, did not happen, and may be sent again.
  describe.each(moves.filter((m) => m.op !== 'capture'))(
    '$op',
    ({ op, kind, path, done, prior }) => {
      it(`after a reset PAYON did not act on: back to ${prior} once PAYON shows no ${op}, then retried`, async () => {
        const id = await paid(kind);
        api.sandbox.addFault({ path, kind: 'reset', applyFirst: false });

        const first = await api.call('POST', `/payments/${id}/${op}`, {
          idempotencyKey: key(),
          body: {},
        });
        const tooSoon = await api.call('GET', `/payments/${id}?sync=true`);
        offsetMs = 3 * 60_000;
        const settled = await api.call('GET', `/payments/${id}?sync=true`);
        const again = await api.call('POST', `/payments/${id}/${op}`, {
          idempotencyKey: key(),
          body: {},
        });

        expect(first.status).toBe(504);
        expect((tooSoon.body as Body).state).toBe('UNKNOWN');
        expect((settled.body as Body).state).toBe(prior);
        expect(again.status, again.text).toBe(200);
        expect((again.body as Body).state).toBe(done);
        expect(api.sandbox.journal.requests(path)).toHaveLength(2);
      });
    },
  );

  // Nothing PAYON documents shows that a completion did NOT happen: an unanswered capture is never
  // concluded "not happened" (a 3003 or a MISMATCHED reconciliation answer cannot tell), so it is
  // never sent again until an operator settles it.
  it.each([
    ['3003 Invalid Transaction', { resultCode: '3003' as const }],
    ['no PRE_AUTH_COMPLETE in the ledger (MISMATCHED)', undefined],
  ])(
    'an unanswered capture stays UNKNOWN when reconciliation answers %s, and is never re-sent',
    async (_, script) => {
      const id = await paid('preauth');
      api.sandbox.addFault({ path: '/pg/preAuthCompletion', kind: 'reset', applyFirst: false });
      if (script) api.sandbox.scriptReconciliation(id, script);

      const first = await api.call('POST', `/payments/${id}/capture`, {
        idempotencyKey: key(),
        body: {},
      });
      offsetMs = 3 * 60_000;
      const synced = await api.call('GET', `/payments/${id}?sync=true`);
      const again = await api.call('POST', `/payments/${id}/capture`, {
        idempotencyKey: key(),
        body: {},
      });
      const item = (await api.scan()).find((i) => i.pk === `PAY#${id}`);

      expect(first.status).toBe(504);
      expect(synced.body).toMatchObject({ state: 'UNKNOWN', unknownOperation: 'capture' });
      expect(again.status).toBe(409);
      expect((again.body as { error: Body }).error.code).toBe('outcome_being_resolved');
      expect(item).toMatchObject({
        state: 'UNKNOWN',
        unknownOperation: 'capture',
        capturedMinor: 2_000,
      });
      expect(api.sandbox.journal.requests('/pg/preAuthCompletion')).toHaveLength(1);
      expect(api.sandbox.journal.requests('/pg/merchant/reconcilation')).toHaveLength(1);
    },
  );

  it('a registration that timed out is UNKNOWN, then SUCCEEDED once the customer paid', async () => {
    api.sandbox.addFault({
      path: '/pg/order/register',
      kind: 'timeout',
      applyFirst: true,
      ms: 3_000,
    });

    const response = await api.call('POST', '/payments', {
      idempotencyKey: key(),
      body: {
        amount: { value: '5.00', currency: 'USD' },
        paymentMethod: 'CREDIT_DEBIT',
        returnUrl: `${RETURN_ORIGIN}/x`,
      },
    });
    const items = await api.scan();
    const stored = items.find((i) => i.state === 'UNKNOWN' && i.unknownOperation === 'register');
    const id = String(stored?.txId);
    const beforePaying = await api.call('GET', `/payments/${id}?sync=true`);
    api.sandbox.pay(id, 'approve');
    const afterPaying = await api.call('GET', `/payments/${id}?sync=true`);

    expect(response.status).toBe(504);
    expect((response.body as { error: Body }).error.code).toBe('outcome_unknown');
    expect((beforePaying.body as Body).state).toBe('UNKNOWN');
    expect((afterPaying.body as Body).state).toBe('SUCCEEDED');
    expect(api.sandbox.journal.requests('/pg/order/register')).toHaveLength(1);
  });

  it('a status pull that fails changes nothing', async () => {
    const id = await paid('purchase');
    await api.call('POST', `/payments/${id}/refund`, { idempotencyKey: key(), body: {} });
    const before = await api.scan();
    api.sandbox.addFault({ path: '/pg/transaction/status', kind: '5xx' });
    const pending = await api.call('POST', '/payments', {
      idempotencyKey: key(),
      body: {
        amount: { value: '5.00', currency: 'USD' },
        paymentMethod: 'PAYON',
        returnUrl: `${RETURN_ORIGIN}/x`,
      },
    });
    const pendingId = String((pending.body as Body).id);
    const snapshot = (await api.scan()).find((i) => i.txId === pendingId);

    const failed = await api.call('GET', `/payments/${pendingId}?sync=true`);

    expect(before.length).toBeGreaterThan(0);
    expect(failed.status).toBe(502);
    expect((await api.scan()).find((i) => i.txId === pendingId)).toEqual(snapshot);
  });
});
