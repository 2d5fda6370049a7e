import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPayment } from '#functions/get-payment/get-payment.ts';
import { cambodiaDay } from '#shared/domain/business-day.ts';
import { money } from '#shared/domain/money.ts';
import { registerPayment } from '#shared/payments/registration.ts';
import { reconcileDay } from '#shared/reconciliation/run.ts';
import { type ApiEnvironment, RETURN_ORIGIN, startApi } from '#test/support/api.ts';

// PAYON failing in the middle of a reconciliation (issue 19): one page or batch PAYON refuses or
// cannot answer never stops the run. It completes, says what it could not read (the history's
// walk, `not_answered` / `history_incomplete` exceptions, `unanswered`), invents nothing, and the
// day reconciles cleanly once PAYON is back.
describe('reconciliation when PAYON fails', () => {
  let api: ApiEnvironment;
  const day = cambodiaDay(new Date());
  const txIds: string[] = [];

  beforeAll(async () => {
    api = await startApi({ sandbox: { seed: 23 } });
    for (const outcome of ['approve', 'approve', 'none'] as const) {
      const p = await registerPayment(api.deps, {
        kind: 'purchase',
        amount: money(2_000, 'USD'),
        paymentMethod: 'CREDIT_DEBIT',
        returnUrl: `${RETURN_ORIGIN}/r`,
      });
      txIds.push(p.txId);
      if (outcome === 'approve') api.sandbox.pay(p.txId, 'approve');
    }
    // The first is known here; the second was paid but never heard of (reconciliation heals it).
    await getPayment(api.deps, txIds[0] ?? '', true);
  });
  afterAll(() => api.stop());

  const states = async () =>
    Promise.all(txIds.map(async (id) => (await api.deps.payments.get(id))?.snapshot.state));

  let confirmedSecond = false;
  const exceptions = async () => {
    const page = await api.call('GET', `/reconciliations/${day}/exceptions`);
    const { items } = page.body as { items: { txId: string; difference: string }[] };
    return items.sort((a, b) => a.txId.localeCompare(b.txId));
  };

  it.each([
    [
      'answers 503 to the reconciliation batch',
      '/pg/merchant/reconcilation',
      { kind: '5xx', status: 503 },
    ],
    [
      'answers garbage to the reconciliation batch',
      '/pg/merchant/reconcilation',
      { kind: 'malformed' },
    ],
    [
      'refuses the reconciliation batch (HTTP 400 with a JSON body)',
      '/pg/merchant/reconcilation',
      { kind: 'answer', status: 400, json: { resultCode: '0002', resultMsg: 'Invalid parameter' } },
    ],
  ] as const)(
    'PAYON %s: the run completes, names the item it could not reconcile, and invents nothing',
    async (_, path, fault) => {
      // Those confirmed before the run are submitted (the first run also heals the second one).
      const submitted = txIds.filter((_id, i) => i === 0 || (i === 1 && confirmedSecond)).sort();
      api.sandbox.addFault({ path, times: 10, ...fault });
      try {
        const accepted = await api.call('POST', '/reconciliations', { body: { day } });
        expect(accepted.status).toBe(202);
        const failuresBefore = api.reconciliationStarter.failures;
        await api.reconciliationStarter.idle();
        expect(api.reconciliationStarter.failures).toBe(failuresBefore);
      } finally {
        api.sandbox.clearFaults();
      }
      const report = await api.call('GET', `/reconciliations/${day}`);
      expect(report.body).toMatchObject({
        day,
        status: 'completed',
        counts: { unanswered: submitted.length, submitted: 0 },
        // The day's one short page, then the empty page that shows it was the end.
        history: { pagesRead: 2, stoppedBy: 'end' },
      });
      // Confirmed payments submitted, unanswered: exceptions, never "matched".
      expect(await exceptions()).toEqual(
        submitted.map((txId) => expect.objectContaining({ txId, difference: 'not_answered' })),
      );
      confirmedSecond = true;
      // The order history still heals what PAYON shows paid; nothing else moves.
      expect(await states()).toEqual(['SUCCEEDED', 'SUCCEEDED', 'PENDING']);
      expect((await api.reconciliationEvents()).map((e) => e.type)).toEqual([
        'reconciliation.completed',
      ]);
    },
  );

  it.each([
    ['times out', { kind: 'timeout', ms: 3_000 }],
    ['answers 503', { kind: '5xx', status: 503 }],
    [
      'refuses with a result code outside 0000/9999',
      {
        kind: 'answer',
        status: 200,
        json: { resultCode: '3003', resultMsg: 'Not allowed', resultData: null },
      },
    ],
  ] as const)(
    'PAYON %s on the order history: the run completes with the walk it read and a history_incomplete exception',
    async (_, fault) => {
      api.sandbox.addFault({ path: '/pg/orders', times: 10, ...fault });
      try {
        await api.call('POST', '/reconciliations', { body: { day } });
        await api.reconciliationStarter.idle();
      } finally {
        api.sandbox.clearFaults();
      }
      const report = await api.call('GET', `/reconciliations/${day}`);
      expect(report.body).toMatchObject({
        day,
        status: 'completed',
        history: { pagesRead: 0, stoppedBy: 'unreadable' },
      });
      // The paid payments are confirmed by their status instead; nothing is called missing.
      expect(await exceptions()).toEqual([
        expect.objectContaining({ difference: 'history_incomplete' }),
      ]);
      expect(await states()).toEqual(['SUCCEEDED', 'SUCCEEDED', 'PENDING']);
      expect((await api.reconciliationEvents()).map((e) => e.type)).toEqual([
        'reconciliation.completed',
      ]);
    },
  );

  it.each([
    ['repeats the page before (it ignores index)', 'repeat', { maxPages: 10 }, 2, 'repeated_page'],
    ['has more pages than the bound', 'distinct', { maxPages: 1 }, 1, 'page_limit'],
  ] as const)(
    'PAYON %s: the walk stops, the report says where and why, and nothing is called missing',
    async (_, pages, bound, pagesRead, stoppedBy) => {
      const row = (txId: string | undefined) => ({
        txDt: day.replaceAll('-', ''),
        tracNo: txId,
        amount: 20,
        currencyCode: 'USD',
        resultCd: '0000',
        settleYn: 'N',
        cancelYn: 'N',
        refundYn: 'N',
      });
      // Full pages of two rows: the walk can only stop on the repeat or the bound.
      api.sandbox.addFault({
        path: '/pg/orders',
        kind: 'answer',
        json: [row(txIds[0]), row(txIds[1])],
        times: pages === 'repeat' ? 10 : 1,
      });
      if (pages === 'distinct') {
        api.sandbox.addFault({
          path: '/pg/orders',
          kind: 'answer',
          json: [row(txIds[2])],
          times: 1,
        });
      }
      const before = api.sandbox.journal.requests('/pg/orders').length;
      try {
        const report = await reconcileDay(api.deps, day, { pageSize: 2, ...bound });
        expect(report).toMatchObject({ status: 'completed', walk: { pagesRead, stoppedBy } });
      } finally {
        api.sandbox.clearFaults();
      }
      expect(api.sandbox.journal.requests('/pg/orders').length - before).toBe(pagesRead);
      const found = await exceptions();
      expect(found.filter((e) => e.difference === 'history_incomplete')).toHaveLength(1);
      expect(found.filter((e) => e.difference === 'missing_at_payon')).toEqual([]);
      expect(await states()).toEqual(['SUCCEEDED', 'SUCCEEDED', 'PENDING']);
      await api.reconciliationEvents();
    },
  );

  it('reconciles the day once PAYON is back', async () => {
    const accepted = await api.call('POST', '/reconciliations', { body: { day } });
    expect(accepted.status).toBe(202);
    await api.reconciliationStarter.idle();
    const report = await api.call('GET', `/reconciliations/${day}`);
    expect(report.body).toMatchObject({ day, status: 'completed', counts: { exceptions: 0 } });
    expect(await states()).toEqual(['SUCCEEDED', 'SUCCEEDED', 'PENDING']);
    expect((await api.reconciliationEvents()).map((e) => e.type)).toEqual([
      'reconciliation.completed',
    ]);
  });
});
