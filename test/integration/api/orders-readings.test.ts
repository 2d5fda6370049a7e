import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cambodiaDay } from '#shared/domain/business-day.ts';
import { reconcileDay } from '#shared/reconciliation/run.ts';
import { type ApiEnvironment, startApi } from '#test/support/api.ts';
import { paidPayment, registeredPayment } from '#test/support/payments.ts';

type Body = Record<string, unknown>;
const key = () => randomUUID();

// Readings of PAYON's orders list its documentation does not rule out (docs/payon-assumptions.md
// A18, A46, A53): one txId listed several times (a declined attempt before the approval; a row per
// completion, reversal and refund, with its flag Y on its own row only), and Y/N flags left blank.
// Every decision reads all of a txId's rows as one piece of evidence.
describe('several orders rows per txId, and flags that say nothing', () => {
  let api: ApiEnvironment;
  let offsetMs = 0;

  beforeAll(async () => {
    api = await startApi({
      sandbox: { ordersRowsPerMove: true },
      clock: () => new Date(Date.now() + offsetMs),
    });
  });
  afterAll(() => api.stop());
  beforeEach(() => {
    offsetMs = 0;
    api.sandbox.clearFaults();
    api.sandbox.setBehaviour({ ordersRowsPerMove: true, flags: 'yn' });
    api.sandbox.journal.clear();
  });

  const registered = (kind: 'purchase' | 'preauth' = 'purchase') =>
    registeredPayment(api, { kind, value: '30.00' });
  const paid = (kind: 'purchase' | 'preauth' = 'purchase') =>
    paidPayment(api, { kind, value: '30.00' });
  const move = (id: string, op: string, body: Body = {}) =>
    api.call('POST', `/payments/${id}/${op}`, { idempotencyKey: key(), body });
  const item = async (id: string) => (await api.scan()).find((i) => i.pk === `PAY#${id}`);
  const ordersRows = async (id: string) => {
    const page = await api.call(
      'GET',
      `/transactions?from=${cambodiaDay(new Date())}&to=${cambodiaDay(new Date())}&limit=500`,
    );
    return (page.body as { items: Body[] }).items.filter((i) => i.id === id);
  };

  it('an unanswered refund whose own row says refundYn Y (the payment row N) is REFUNDED, never re-sent', async () => {
    const id = await paid();
    // PAYON refunded, but the answer was lost.
    api.sandbox.addFault({ path: '/pg/refund', kind: 'reset', applyFirst: true });
    const lost = await move(id, 'refund');
    offsetMs = 3 * 60_000;

    const synced = await api.call('GET', `/payments/${id}?sync=true`);
    const again = await move(id, 'refund');

    expect(lost.status).toBe(504);
    expect((await ordersRows(id)).map((r) => r.refunded)).toEqual([false, true]);
    expect(synced.body).toMatchObject({ state: 'REFUNDED' });
    expect(again.status).toBe(409);
    expect(api.sandbox.journal.requests('/pg/refund')).toHaveLength(1);
  });

  it('an unanswered refund with blank flags stays UNKNOWN: "" is "cannot tell", never "no"', async () => {
    const id = await paid();
    api.sandbox.setBehaviour({ flags: 'blank' });
    api.sandbox.addFault({ path: '/pg/refund', kind: 'reset', applyFirst: false });
    await move(id, 'refund');
    offsetMs = 3 * 60_000;

    const synced = await api.call('GET', `/payments/${id}?sync=true`);
    const again = await move(id, 'refund');

    expect(synced.body).toMatchObject({ state: 'UNKNOWN', unknownOperation: 'refund' });
    expect(again.status).toBe(409);
    expect(api.sandbox.journal.requests('/pg/refund')).toHaveLength(1);
    expect((await item(id))?.state).toBe('UNKNOWN');
  });

  it('reconciles a day of repeated txIds without failing, healing nothing paid to FAILED', async () => {
    // Declined, then approved on the same checkout: two rows, 9999 then 0000.
    const retried = await registered();
    api.sandbox.pay(retried, 'decline');
    api.sandbox.pay(retried, 'approve');
    await api.call('GET', `/payments/${retried}?sync=true`);
    // Paid, then refunded: a payment row and a refund row.
    const refunded = await paid();
    await move(refunded, 'refund');
    // Authorised, captured in part, then refunded: rows for each, at the captured amount.
    const captured = await paid('preauth');
    await move(captured, 'capture', { amount: { value: '18.00', currency: 'USD' } });
    await move(captured, 'refund');
    // A payment PAYON shows declined only, still waiting here.
    const declined = await registered();
    api.sandbox.pay(declined, 'decline');

    offsetMs = 30 * 60_000; // as the daily run: every order of the day is past expiry and grace
    const report = await reconcileDay(api.deps, cambodiaDay(new Date()), { pageSize: 2 });
    const { items } = await api.deps.reconciliations.exceptions({
      day: report.day,
      runId: report.runId,
      limit: 1_000,
    });
    const mine = [retried, refunded, captured, declined];

    expect(report.status).toBe('completed');
    expect((await ordersRows(retried)).map((r) => r.resultCode)).toEqual(['9999', '0000']);
    expect(items.filter((e) => mine.includes(e.txId))).toEqual([]);
    expect((await item(retried))?.state).toBe('SUCCEEDED');
    expect((await item(refunded))?.state).toBe('REFUNDED');
    expect(await item(captured)).toMatchObject({ state: 'REFUNDED', capturedMinor: 1_800 });
    expect((await item(declined))?.state).toBe('FAILED');
  });

  it('refuses to cancel a payment settled on any of its rows', async () => {
    const id = await paid('preauth');
    await move(id, 'capture', { amount: { value: '10.00', currency: 'USD' } });
    api.sandbox.settle([id]);
    api.sandbox.journal.clear();

    const refused = await move(id, 'cancel');

    expect(refused.status, refused.text).toBe(409);
    expect((refused.body as { error: Body }).error.code).toBe('payment_settled');
    expect(api.sandbox.journal.requests('/pg/reversal')).toHaveLength(0);
  });
});
