import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cambodiaDay } from '#shared/domain/business-day.ts';
import { reconcileDay } from '#shared/reconciliation/run.ts';
import { type ApiEnvironment, RETURN_ORIGIN, startApi } from '#test/support/api.ts';
import { paidPayment } from '#test/support/payments.ts';

type Body = Record<string, unknown>;
const key = () => randomUUID();

// docs/payon-assumptions.md A50–A52, A55, through the handlers, DynamoDB Local and the sandbox:
// what PAYON received (its journal) and what DynamoDB holds after each answer PAYON may give.
describe('money moves settled only by PAYON positive evidence', () => {
  let api: ApiEnvironment;

  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.stop());
  beforeEach(() => {
    api.sandbox.clearFaults();
    api.sandbox.journal.clear();
  });

  const paid = (kind: 'purchase' | 'preauth' = 'purchase', value = '20.00') =>
    paidPayment(api, { kind, value });
  const item = async (id: string) => (await api.scan()).find((i) => i.pk === `PAY#${id}`);
  const sent = (path: string) => api.sandbox.journal.requests(path).length;

  describe('cancel (reversal) only before settlement', () => {
    it('refuses a settled payment with 409 payment_settled, without calling /pg/reversal', async () => {
      const id = await paid();
      api.sandbox.settle([id]);
      const before = await item(id);

      const refused = await api.call('POST', `/payments/${id}/cancel`, {
        idempotencyKey: key(),
        body: {},
      });

      expect(refused.status, refused.text).toBe(409);
      expect((refused.body as { error: Body }).error).toMatchObject({ code: 'payment_settled' });
      expect((refused.body as { error: { message: string } }).error.message).toContain('refund');
      expect(sent('/pg/orders')).toBe(1);
      expect(sent('/pg/reversal')).toBe(0);
      expect(await item(id)).toEqual(before);
    });

    it('refuses as unavailable (503, nothing sent) when the orders list cannot be read, and frees the key', async () => {
      const id = await paid();
      api.sandbox.addFault({ path: '/pg/orders', kind: '5xx', status: 503 });
      const idempotencyKey = key();

      const refused = await api.call('POST', `/payments/${id}/cancel`, {
        idempotencyKey,
        body: {},
      });
      const state = (await item(id))?.state;
      const retried = await api.call('POST', `/payments/${id}/cancel`, {
        idempotencyKey,
        body: {},
      });

      expect(refused.status, refused.text).toBe(503);
      expect((refused.body as { error: Body }).error.code).toBe('settlement_unknown');
      expect(refused.headers['retry-after']).toBe('60');
      expect(state).toBe('SUCCEEDED');
      expect(retried.status, retried.text).toBe(200);
      expect(retried.body).toMatchObject({ state: 'CANCELLED' });
      expect(sent('/pg/reversal')).toBe(1);
    });

    it('refuses as unavailable (503, nothing sent) when PAYON refuses the orders read with a code of its own', async () => {
      const id = await paid();
      api.sandbox.addFault({
        path: '/pg/orders',
        kind: 'answer',
        json: { resultCode: '0001', resultMsg: 'Invalid request' },
      });

      const refused = await api.call('POST', `/payments/${id}/cancel`, {
        idempotencyKey: key(),
        body: {},
      });

      expect(refused.status, refused.text).toBe(503);
      expect((refused.body as { error: Body }).error.code).toBe('settlement_unknown');
      expect(sent('/pg/reversal')).toBe(0);
      expect((await item(id))?.state).toBe('SUCCEEDED');
    });

    it('says the credentials are rejected (503, nothing sent) when PAYON answers the orders read 401 twice', async () => {
      const id = await paid();
      api.sandbox.addFault({
        path: '/pg/orders',
        kind: 'answer',
        status: 401,
        text: '1',
        times: 2,
      });

      const refused = await api.call('POST', `/payments/${id}/cancel`, {
        idempotencyKey: key(),
        body: {},
      });

      expect(refused.status, refused.text).toBe(503);
      expect((refused.body as { error: Body }).error.code).toBe('payon_credentials_rejected');
      expect(sent('/pg/orders')).toBe(2);
      expect(sent('/pg/reversal')).toBe(0);
      expect((await item(id))?.state).toBe('SUCCEEDED');
    });

    it('refuses as unavailable when the orders list does not list the payment', async () => {
      const id = await paid();
      api.sandbox.addFault({ path: '/pg/orders', kind: 'answer', json: [] });

      const refused = await api.call('POST', `/payments/${id}/cancel`, {
        idempotencyKey: key(),
        body: {},
      });

      expect(refused.status).toBe(503);
      expect(sent('/pg/reversal')).toBe(0);
      expect((await item(id))?.state).toBe('SUCCEEDED');
    });

    it('refuses as unavailable when the look-up stops at its bound before the day ends', async () => {
      const id = await paid();
      const row = (txId: string) => ({
        txDt: '20261201',
        tracNo: txId,
        amount: 20,
        currencyCode: 'USD',
        resultCd: '0000',
        settleYn: 'N',
        cancelYn: 'N',
        refundYn: 'N',
      });
      // Five full pages, each new: the payment shows N on the first, but a later page could say Y.
      const others = (page: number) =>
        Array.from({ length: 499 }, (_, i) =>
          row(`9${String(page).padStart(3, '0')}${String(i).padStart(12, '0')}`),
        );
      for (let page = 1; page <= 5; page += 1) {
        api.sandbox.addFault({
          path: '/pg/orders',
          kind: 'answer',
          json: [
            ...(page === 1 ? [row(id)] : [row(`8${String(page).padStart(15, '0')}`)]),
            ...others(page),
          ],
          times: 1,
        });
      }

      const refused = await api.call('POST', `/payments/${id}/cancel`, {
        idempotencyKey: key(),
        body: {},
      });

      expect(refused.status, refused.text).toBe(503);
      expect((refused.body as { error: Body }).error.code).toBe('settlement_unknown');
      expect(sent('/pg/orders')).toBe(5);
      expect(sent('/pg/reversal')).toBe(0);
      expect((await item(id))?.state).toBe('SUCCEEDED');
    });

    it('reverses an unsettled payment: the look-up, then one reversal', async () => {
      const id = await paid();

      const cancelled = await api.call('POST', `/payments/${id}/cancel`, {
        idempotencyKey: key(),
        body: {},
      });

      expect(cancelled.status, cancelled.text).toBe(200);
      expect(cancelled.body).toMatchObject({ state: 'CANCELLED' });
      expect(api.sandbox.journal.requests().map((r) => r.path)).toEqual([
        '/pg/orders',
        '/pg/reversal',
      ]);
      expect((await item(id))?.state).toBe('CANCELLED');
    });
  });

  describe('401 on a money move', () => {
    it('a refund refused on the retry after a 401 is UNKNOWN, never re-sent, and settled by the orders list', async () => {
      const id = await paid();
      // PAYON applied the first refund yet answered 401; the retry is then refused (3003).
      api.sandbox.addFault({ path: '/pg/refund', kind: '401-once', applyFirst: true });

      const answer = await api.call('POST', `/payments/${id}/refund`, {
        idempotencyKey: key(),
        body: {},
      });
      const unknown = await item(id);
      const again = await api.call('POST', `/payments/${id}/refund`, {
        idempotencyKey: key(),
        body: {},
      });
      const synced = await api.call('GET', `/payments/${id}?sync=true`);

      expect(answer.status, answer.text).toBe(502);
      expect((answer.body as { error: Body }).error.code).toBe('outcome_unknown');
      expect(unknown).toMatchObject({ state: 'UNKNOWN', unknownOperation: 'refund' });
      expect(again.status).toBe(409);
      expect(sent('/pg/refund')).toBe(2); // the 401 and its one retry
      expect(api.sandbox.transaction(id)?.state).toBe('REFUNDED');
      expect(synced.body).toMatchObject({ state: 'REFUNDED' });
    });

    it('a second 401 is a 503 naming the configuration; the refund is UNKNOWN (PAYON may have applied it) and never re-sent', async () => {
      const id = await paid();
      api.sandbox.addFault({ path: '/pg/refund', kind: '401-once', times: 2 });
      const idempotencyKey = key();

      const answer = await api.call('POST', `/payments/${id}/refund`, { idempotencyKey, body: {} });
      const stored = await item(id);
      const retried = await api.call('POST', `/payments/${id}/refund`, {
        idempotencyKey,
        body: {},
      });
      const another = await api.call('POST', `/payments/${id}/refund`, {
        idempotencyKey: key(),
        body: {},
      });

      expect(answer.status, answer.text).toBe(503);
      expect((answer.body as { error: Body }).error.code).toBe('payon_credentials_rejected');
      expect(answer.text).toContain('UNKNOWN');
      expect(answer.text).not.toContain('sandbox-api-key');
      expect(stored).toMatchObject({ state: 'UNKNOWN', unknownOperation: 'refund' });
      expect(retried.status, retried.text).not.toBe(200);
      expect(another.status, another.text).toBe(409);
      expect(sent('/pg/refund')).toBe(2); // the 401 and its one retry, never a third
      expect(api.sandbox.transaction(id)?.state).toBe('APPROVED');
    });

    it('a refund PAYON applied and then answered 401 twice is settled REFUNDED by its evidence, not "did not happen"', async () => {
      // Found by the model test (ambiguous PAYON, seed 20261202): the product took two 401s for
      // "nothing was processed" and put the payment back to SUCCEEDED, though PAYON had refunded it.
      const id = await paid();
      api.sandbox.addFault({ path: '/pg/refund', kind: '401-once', applyFirst: true, times: 2 });

      const answer = await api.call('POST', `/payments/${id}/refund`, {
        idempotencyKey: key(),
        body: {},
      });
      const stored = await item(id);
      const synced = await api.call('GET', `/payments/${id}?sync=true`);

      expect(answer.status, answer.text).toBe(503);
      expect(stored).toMatchObject({ state: 'UNKNOWN', unknownOperation: 'refund' });
      expect(api.sandbox.transaction(id)?.state).toBe('REFUNDED');
      expect(synced.body).toMatchObject({ state: 'REFUNDED' });
      expect(sent('/pg/refund')).toBe(2);
    });
  });

  it('refunds and reconciles a partially captured pre-authorisation at the captured amount', async () => {
    const id = await paid('preauth', '20.00');
    await api.call('POST', `/payments/${id}/capture`, {
      idempotencyKey: key(),
      body: { amount: { value: '15.00', currency: 'USD' } },
    });
    const partial = await api.call('POST', `/payments/${id}/refund`, {
      idempotencyKey: key(),
      body: { amount: { value: '20.00', currency: 'USD' } },
    });
    const refunded = await api.call('POST', `/payments/${id}/refund`, {
      idempotencyKey: key(),
      body: { amount: { value: '15.00', currency: 'USD' } },
    });

    const report = await reconcileDay(api.deps, cambodiaDay(new Date()));
    const { items } = await api.deps.reconciliations.exceptions({
      day: report.day,
      runId: report.runId,
      limit: 1_000,
    });
    const submitted = api.sandbox.journal
      .requests('/pg/merchant/reconcilation')
      .flatMap((r) => r.body as Body[])
      .filter((b) => b.txId === id);

    expect(partial.status).toBe(422);
    expect((partial.body as { error: Body }).error.code).toBe('partial_refund_not_supported');
    expect(refunded.status, refunded.text).toBe(200);
    expect(submitted).toEqual([
      expect.objectContaining({ transactionType: 'REFUND', grandToTAmt: '15.00' }),
    ]);
    expect(items.filter((e) => e.txId === id)).toEqual([]);
  });
});

// PAYON's orders list writes `dd/MM/yyyy hh:mm:ss` without AM/PM: a night-time approval must be
// read against the payment's own creation time, GET /transactions included
// (docs/payon-assumptions.md A18).
describe("PAYON's 12-hour times read against the payment's creation time", () => {
  let api: ApiEnvironment | undefined;

  beforeAll(async () => {
    api = await startApi({ clock: () => new Date(api ? api.sandbox.now() : Date.now()) });
  });
  afterAll(() => api?.stop());

  it('shows an approval at 00:40 in Cambodia at 00:40, not 12 hours late', async () => {
    if (!api) throw new Error('not started');
    // 00:40 ICT on 1 December 2026 (17:40 UTC the day before), on both clocks.
    api.sandbox.setClock('2026-11-30T17:40:00.000Z');
    const created = await api.call('POST', '/payments', {
      idempotencyKey: key(),
      body: {
        amount: { value: '9.00', currency: 'USD' },
        paymentMethod: 'CREDIT_DEBIT',
        returnUrl: `${RETURN_ORIGIN}/done`,
      },
    });
    const id = String((created.body as Body).id);
    api.sandbox.pay(id, 'approve');
    const decided = api.sandbox.transaction(id)?.decidedAtMs ?? 0;

    const page = await api.call('GET', '/transactions?from=2026-12-01&to=2026-12-01');
    const rows = (page.body as { items: Body[] }).items.filter((i) => i.id === id);
    const orders = api.sandbox.journal.requests('/pg/orders');

    expect(page.status, page.text).toBe(200);
    expect(rows).toHaveLength(1);
    expect(Date.parse(String(rows[0]?.approvedAt))).toBe(Math.floor(decided / 1000) * 1000);
    expect(String(rows[0]?.approvedAt)).toMatch(/^2026-11-30T17:4/);
    expect(orders.length).toBeGreaterThan(0);
  });
});
