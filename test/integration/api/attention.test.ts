import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ApiEnvironment, startApi } from '#test/support/api.ts';
import { paidPayment, registeredPayment } from '#test/support/payments.ts';

const key = () => randomUUID();
const HOUR = 3_600_000;

// docs/payon-assumptions.md A59, through the handlers, DynamoDB Local and the sandbox: each flag is
// set by the write that detects its condition, listed by GET /payments?needsAttention=true from
// the partition of flagged payments, and cleared by the write that ends it.
describe('attention flags', () => {
  let api: ApiEnvironment;
  let now = Date.now();

  beforeAll(async () => {
    api = await startApi({ clock: () => new Date(now), eventTap: false });
  });
  afterAll(() => api.stop());
  beforeEach(() => {
    now = Date.now();
    api.sandbox.clearFaults();
  });

  const stored = async (id: string) => (await api.scan()).find((i) => i.pk === `PAY#${id}`);
  const flagRows = async (id: string) =>
    (await api.scan()).filter((i) => i.pk === 'ATTN' && i.txId === id);
  const listed = async () => {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.call(
        'GET',
        `/payments?needsAttention=true&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.status, page.text).toBe(200);
      const body = page.body as { items: { id: string }[]; nextCursor?: string };
      ids.push(...body.items.map((i) => i.id));
      cursor = body.nextCursor;
    } while (cursor);
    return ids;
  };
  const sync = (id: string) => api.call('GET', `/payments/${id}?sync=true`);

  it('flags a declined attempt while the checkout is payable, and clears it when PAYON approves', async () => {
    const id = await registeredPayment(api);
    api.sandbox.pay(id, 'decline');
    await sync(id);

    expect((await stored(id))?.attention).toEqual(['declined_attempt']);
    expect(await flagRows(id)).toHaveLength(1);
    expect(await listed()).toContain(id);

    api.sandbox.pay(id, 'approve');
    await sync(id);

    expect((await stored(id))?.state).toBe('SUCCEEDED');
    expect((await stored(id))?.attention).toBeUndefined();
    expect(await flagRows(id)).toEqual([]);
    expect(await listed()).not.toContain(id);
  });

  it('flags an unanswered refund, and clears it when PAYON shows the refund', async () => {
    const id = await paidPayment(api);
    api.sandbox.addFault({ path: '/pg/refund', kind: 'timeout', applyFirst: true, ms: 2_500 });
    const refund = await api.call('POST', `/payments/${id}/refund`, {
      idempotencyKey: key(),
      body: {},
    });
    expect(refund.status, refund.text).toBeGreaterThanOrEqual(500);
    expect((await stored(id))?.attention).toEqual(['unknown_outcome']);
    expect(await listed()).toContain(id);

    api.sandbox.clearFaults();
    await sync(id);

    expect((await stored(id))?.state).toBe('REFUNDED');
    expect(await flagRows(id)).toEqual([]);
    expect(await listed()).not.toContain(id);
  });

  it('flags an amount PAYON confirmed differently, once, without changing the payment', async () => {
    const id = await registeredPayment(api, { value: '20.00' });
    const otherAmount = {
      resultMsg: 'Success',
      resultCode: '0000',
      resultData: {
        txDt: '20261202',
        txSeqNo: '20261202',
        txStCd: 'COMPLETE',
        trt: 'PURCHASE',
        paymentMethod: 'CREDIT_DEBIT',
        merchantId: 'C0000143',
        termId: 'CT03000003',
        wdlAcNo: '************0022',
        tracNo: id,
        amount: 2,
        currencyCode: 'USD',
        apprNo: '763647',
        apprDttm: '20261202113016',
      },
    };
    api.sandbox.addFault({
      path: '/pg/transaction/status',
      kind: 'answer',
      json: otherAmount,
      times: 2,
    });
    await sync(id);
    const first = await stored(id);
    await sync(id);
    const second = await stored(id);

    expect(first?.state).toBe('PENDING');
    expect(first?.attention).toEqual(['amount_mismatch']);
    expect(second?.version).toBe(first?.version);
    const notes = ((second?.history ?? []) as { change?: string }[]).filter(
      (h) => h.change === 'amount_mismatch',
    );
    expect(notes).toHaveLength(1);
    expect(await listed()).toContain(id);
  });

  it('flags a push that contradicts PAYON, and an operator acknowledges it', async () => {
    const id = await paidPayment(api);
    // A 9999 push for a paid payment whose status PAYON then does not confirm.
    api.sandbox.addFault({
      path: '/pg/transaction/status',
      kind: 'answer',
      status: 302,
      json: { resultMsg: 'System error', resultCode: '9999', resultData: null },
    });
    const push = await api.push({ txId: id, resultCode: '9999', resultMsg: 'Error' });
    expect(push.status).toBeLessThan(300);
    await api.settle();
    api.sandbox.clearFaults();

    expect((await stored(id))?.state).toBe('SUCCEEDED');
    expect((await stored(id))?.attention).toEqual(['push_disagreed']);
    expect(await listed()).toContain(id);

    const acknowledged = await api.call('POST', `/payments/${id}/resolve`, {
      idempotencyKey: key(),
      body: { outcome: 'acknowledged', reason: 'checked with PAYON: the payment stands' },
    });

    expect(acknowledged.status, acknowledged.text).toBe(200);
    expect((await stored(id))?.attention).toBeUndefined();
    expect(await flagRows(id)).toEqual([]);
    expect(await listed()).not.toContain(id);
    const again = await api.call('POST', `/payments/${id}/resolve`, {
      idempotencyKey: key(),
      body: { outcome: 'acknowledged', reason: 'twice' },
    });
    expect(again.status).toBe(409);
  });

  it('flags a late confirmation of a FAILED payment until an operator acknowledges it', async () => {
    const id = await registeredPayment(api);
    api.sandbox.pay(id, 'decline');
    await sync(id);
    now += HOUR;
    api.sandbox.advanceClock(HOUR);
    await sync(id);
    expect((await stored(id))?.state).toBe('FAILED');
    expect(await listed()).not.toContain(id);

    api.sandbox.pay(id, 'approve', { late: true });
    await sync(id);

    expect((await stored(id))?.state).toBe('SUCCEEDED');
    expect((await stored(id))?.attention).toEqual(['late_confirmation']);
    expect(await listed()).toContain(id);
    const acknowledged = await api.call('POST', `/payments/${id}/resolve`, {
      idempotencyKey: key(),
      body: { outcome: 'acknowledged', reason: 'order shipped' },
    });
    expect(acknowledged.status, acknowledged.text).toBe(200);
    expect(await listed()).not.toContain(id);
  });

  it('flags an unanswered refund as escalated when the status schedule ends', async () => {
    const id = await paidPayment(api);
    api.sandbox.addFault({ path: '/pg/refund', kind: '5xx', status: 503 });
    await api.call('POST', `/payments/${id}/refund`, { idempotencyKey: key(), body: {} });
    // PAYON's orders list never says: the refund stays unknown through the whole schedule.
    api.sandbox.addFault({
      path: '/pg/orders',
      kind: 'answer',
      json: { resultCode: '0006', resultMsg: 'Invalid request' },
      times: 1_000,
    });
    for (let probes = 0; probes < 40; probes += 1) {
      const due = (await api.deps.payments.get(id))?.nextSyncAt;
      if (due === undefined || (await stored(id))?.escalatedAt) break;
      now = Math.max(now, Date.parse(due));
      await api.sweep();
    }

    const item = await stored(id);
    expect(item?.state).toBe('UNKNOWN');
    expect(item?.escalatedAt).toEqual(expect.any(String));
    expect(item?.attention).toEqual(['unknown_outcome', 'escalated']);
    expect((await flagRows(id))[0]?.attention).toEqual(['unknown_outcome', 'escalated']);
  }, 60_000);
});
