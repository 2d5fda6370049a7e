import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPayment } from '#functions/get-payment/get-payment.ts';
import { refundPayment } from '#functions/refund-payment/refund-payment.ts';
import { registerPayment } from '#functions/register-payment/register-payment.ts';
import { money } from '#shared/domain/money.ts';
import { newPayment, transition } from '#shared/domain/payment.ts';
import { cambodiaDay } from '#shared/payon/dates.ts';
import { reconcileDay } from '#shared/reconciliation/run.ts';
import { type ApiEnvironment, RETURN_ORIGIN, startApi } from '#test/support/api.ts';

// One planted Cambodian day against the sandbox: each difference the product can meet there,
// and the cases the evidence heals. (fee_differs and the 0001/0002/0006 refusals cannot be
// produced by the sandbox, which echoes totals and knows the merchant: see compare.test.ts.)
describe('reconciling a planted day', () => {
  let api: ApiEnvironment;
  const day = cambodiaDay(new Date());
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    api = await startApi({ sandbox: { seed: 11 } });
    const register = async (
      name: string,
      kind: 'purchase' | 'preauth' = 'purchase',
      minor = 1_500,
    ) => {
      const p = await registerPayment(api.deps, {
        kind,
        amount: money(minor, 'USD'),
        paymentMethod: 'CREDIT_DEBIT',
        returnUrl: `${RETURN_ORIGIN}/r`,
      });
      ids[name] = p.txId;
      return p.txId;
    };
    const setItem = (
      txId: string,
      expression: string,
      values: Record<string, { S: string } | { N: string }>,
    ) =>
      api.dynamo.send(
        new UpdateItemCommand({
          TableName: api.tableName,
          Key: { pk: { S: `PAY#${txId}` }, sk: { S: 'PAYMENT' } },
          UpdateExpression: expression,
          ExpressionAttributeValues: values,
          ...(expression.includes('#s') ? { ExpressionAttributeNames: { '#s': 'state' } } : {}),
        }),
      );

    // Agreeing: a purchase, a pre-authorisation, a refund.
    for (const [name, kind] of [
      ['purchase', 'purchase'],
      ['preauth', 'preauth'],
      ['refunded', 'purchase'],
    ] as const) {
      const txId = await register(name, kind);
      api.sandbox.pay(txId, 'approve');
      await getPayment(api.deps, txId, true);
    }
    await refundPayment(api.deps, ids.refunded ?? '', money(1_500, 'USD'));
    // Healable: approved and declined at PAYON, never heard of here.
    api.sandbox.pay(await register('approvedUnheard'), 'approve');
    api.sandbox.pay(await register('declinedUnheard'), 'decline');
    // Unpaid: nothing to say yet.
    await register('unpaid');
    // Missing locally: registered and paid at PAYON by someone else with our credentials.
    ids.foreign = '1795000000000017';
    await api.deps.payon.registerOrder({
      txId: ids.foreign,
      kind: 'purchase',
      amount: money(900, 'USD'),
      paymentMethod: 'CREDIT_DEBIT',
    });
    api.sandbox.pay(ids.foreign, 'approve');
    // Missing at PAYON: a payment stored as SUCCEEDED that PAYON never saw.
    const now = new Date();
    const ghost = newPayment(
      {
        txId: '1795000000000025',
        kind: 'purchase',
        paymentMethod: 'CREDIT_DEBIT',
        amount: money(700, 'USD'),
        returnUrl: `${RETURN_ORIGIN}/r`,
      },
      now,
    );
    ids.ghost = ghost.txId;
    await api.deps.payments.create(
      transition(
        transition(ghost, 'PENDING', 'payon', 'planted', now),
        'SUCCEEDED',
        'status_pull',
        'planted',
        now,
      ),
    );
    // Amount differs; status differs (FAILED here, approved at PAYON).
    for (const name of ['amount', 'status']) {
      const txId = await register(name);
      api.sandbox.pay(txId, 'approve');
      await getPayment(api.deps, txId, true);
    }
    await setItem(ids.amount ?? '', 'SET amountMinor = :m', { ':m': { N: '1501' } });
    await setItem(ids.status ?? '', 'SET #s = :s', { ':s': { S: 'FAILED' } });
  });
  afterAll(() => api.stop());

  it('names each difference with its reason and heals exactly the healable ones', async () => {
    const metrics: string[] = [];
    const report = await reconcileDay(
      {
        ...api.deps,
        metrics: {
          addMetric: (name: string) => metrics.push(name),
        } as unknown as typeof api.deps.metrics,
      },
      day,
      { pageSize: 3, batchSize: 2 },
    );
    const { items } = await api.deps.reconciliations.exceptions(day, report.runId, 100);
    const byTx = Object.fromEntries(items.map((e) => [e.txId, e.difference]));

    expect(byTx).toEqual({
      [ids.foreign ?? '']: 'missing_locally',
      [ids.ghost ?? '']: 'missing_at_payon',
      [ids.amount ?? '']: 'amount_differs',
      [ids.status ?? '']: 'status_differs',
    });
    expect(items.find((e) => e.txId === ids.status)).toMatchObject({
      localState: 'FAILED',
      detail: 'PAYON shows it approved; the payment is FAILED',
    });
    expect((await api.deps.payments.get(ids.approvedUnheard ?? ''))?.snapshot.state).toBe(
      'SUCCEEDED',
    );
    expect((await api.deps.payments.get(ids.approvedUnheard ?? ''))?.history.at(-1)?.source).toBe(
      'reconciliation',
    );
    expect((await api.deps.payments.get(ids.declinedUnheard ?? ''))?.snapshot.state).toBe('FAILED');
    expect((await api.deps.payments.get(ids.status ?? ''))?.snapshot.state).toBe('FAILED');
    expect((await api.deps.payments.get(ids.unpaid ?? ''))?.snapshot.state).toBe('PENDING');
    expect(report).toMatchObject({ day, status: 'completed' });
    expect(report.counts).toMatchObject({
      healed: 2,
      exceptions: 4,
      byDifference: {
        missing_locally: 1,
        missing_at_payon: 1,
        amount_differs: 1,
        status_differs: 1,
      },
      matched: 3,
      pending: 1,
    });
    expect(report.counts.submitted).toBeGreaterThanOrEqual(3);
    expect(await api.deps.reconciliations.report(day)).toEqual(report);
    expect(metrics).toContain('reconciliation.exceptions');
  });
});
