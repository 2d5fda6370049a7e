import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPayment } from '#functions/get-payment/get-payment.ts';
import { registerPayment } from '#functions/register-payment/register-payment.ts';
import { money } from '#shared/domain/money.ts';
import { cambodiaDay } from '#shared/payon/dates.ts';
import { type ApiEnvironment, RETURN_ORIGIN, startApi } from '#test/support/api.ts';

// PAYON failing in the middle of a reconciliation: the run fails visibly (report `failed`, metric,
// the invoke's error), invents nothing, and the day reconciles once PAYON is back.
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

  it.each([
    ['answers 503', '/pg/merchant/reconcilation', { kind: '5xx', status: 503 }],
    ['answers garbage', '/pg/merchant/reconcilation', { kind: 'malformed' }],
    ['times out', '/pg/orders', { kind: 'timeout', ms: 3_000 }],
  ] as const)(
    'PAYON %s: the run fails visibly and changes nothing it cannot prove',
    async (_, path, fault) => {
      const before = await states();
      api.sandbox.addFault({ path, times: 10, ...fault });
      try {
        const accepted = await api.call('POST', '/reconciliations', { body: { day } });
        expect(accepted.status).toBe(202);
        const failuresBefore = api.reconciliationStarter.failures;
        await api.reconciliationStarter.idle();
        expect(api.reconciliationStarter.failures).toBe(failuresBefore + 1);
      } finally {
        api.sandbox.clearFaults();
      }
      const report = await api.call('GET', `/reconciliations/${day}`);
      expect(report.body).toMatchObject({ day, status: 'failed' });
      expect((report.body as { finishedAt?: string }).finishedAt).toBeDefined();
      // Only the order history can heal, and it heals only what PAYON shows: never anything else.
      const after = await states();
      expect(after[0]).toBe('SUCCEEDED');
      expect(after[2]).toBe('PENDING');
      expect(['PENDING', 'SUCCEEDED']).toContain(after[1]);
      expect(before[0]).toBe('SUCCEEDED');
      expect(await api.reconciliationEvents()).toEqual([]);
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
