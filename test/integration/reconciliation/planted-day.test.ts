import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPayment } from '#functions/get-payment/get-payment.ts';
import { refundPayment } from '#functions/refund-payment/refund-payment.ts';
import { lambdaContext } from '#local/runtime/apigw.ts';
import { scheduledEvent } from '#local/runtime/background.ts';
import { cambodiaDay } from '#shared/domain/business-day.ts';
import { money } from '#shared/domain/money.ts';
import { newPayment, transition } from '#shared/domain/payment.ts';
import { registerPayment } from '#shared/payments/registration.ts';
import { reconcileDay } from '#shared/reconciliation/run.ts';
import { type ApiEnvironment, RETURN_ORIGIN, startApi } from '#test/support/api.ts';

// One planted Cambodian day against the sandbox: each difference the issue names at least once
// (fees and PAYON's 0001/0002/0006 refusals are scripted answers of the sandbox's reconciliation,
// a 3003 comes from its ledger), and the cases the evidence heals. Then the same day through the
// API: a rerun, its report, its exceptions as JSON pages and as CSV, and its merchant event.
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
      transition(transition(ghost, { to: 'PENDING', source: 'payon', reason: 'planted', now }), {
        to: 'SUCCEEDED',
        source: 'status_pull',
        reason: 'planted',
        now,
      }),
    );
    // Amount differs; status differs (REFUNDED here, PAYON shows no refund); a late confirmation
    // (FAILED here, approved at PAYON: healed forward, docs/payon-assumptions.md A9, A40).
    for (const name of ['amount', 'status', 'late']) {
      const txId = await register(name);
      api.sandbox.pay(txId, 'approve');
      await getPayment(api.deps, txId, true);
    }
    await setItem(ids.amount ?? '', 'SET amountMinor = :m', { ':m': { N: '1501' } });
    await setItem(ids.status ?? '', 'SET #s = :s', { ':s': { S: 'REFUNDED' } });
    await setItem(ids.late ?? '', 'SET #s = :s', { ':s': { S: 'FAILED' } });
    // Fee differs: PAYON's reconciliation approves another grand total (a fee of 0.30).
    // Refused: PAYON answers 0001, 0002 and 0006 for three items; 3003 for a payment stored as
    // SUCCEEDED that PAYON declined (its ledger has no approval to reconcile).
    for (const name of ['fee', 'refused0001', 'refused0002', 'refused0006', 'refused3003']) {
      const txId = await register(name);
      api.sandbox.pay(txId, name === 'refused3003' ? 'decline' : 'approve');
      await getPayment(api.deps, txId, true);
    }
    api.sandbox.scriptReconciliation(ids.fee ?? '', { grandTotalCents: 1_530 });
    // PAYON's message is not ours: a card number in it must not be stored.
    api.sandbox.scriptReconciliation(ids.refused0001 ?? '', {
      resultCode: '0001',
      message: 'Invalid Merchant ID (card 4111 1111 1111 1111)',
    });
    api.sandbox.scriptReconciliation(ids.refused0002 ?? '', { resultCode: '0002' });
    api.sandbox.scriptReconciliation(ids.refused0006 ?? '', { resultCode: '0006' });
    await setItem(ids.refused3003 ?? '', 'SET #s = :s', { ':s': { S: 'SUCCEEDED' } });
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
        // As the daily run does: every order of the day is past its expiry and grace period.
        clock: () => new Date(Date.now() + 30 * 60_000),
      },
      day,
      { pageSize: 3, batchSize: 2 },
    );
    const { items } = await api.deps.reconciliations.exceptions({
      day,
      runId: report.runId,
      limit: 100,
    });
    const byTx = Object.fromEntries(items.map((e) => [e.txId, e.difference]));

    expect(byTx).toEqual({
      [ids.foreign ?? '']: 'missing_locally',
      [ids.ghost ?? '']: 'missing_at_payon',
      [ids.amount ?? '']: 'amount_differs',
      [ids.status ?? '']: 'status_differs',
      [ids.fee ?? '']: 'fee_differs',
      [ids.refused0001 ?? '']: 'rejected',
      [ids.refused0002 ?? '']: 'rejected',
      [ids.refused0006 ?? '']: 'rejected',
      [ids.refused3003 ?? '']: 'rejected',
    });
    const of = (name: string) => items.find((e) => e.txId === ids[name]);
    expect(of('status')).toMatchObject({
      localState: 'REFUNDED',
      detail: 'the payment is REFUNDED; PAYON shows no refund',
    });
    expect(of('fee')).toMatchObject({
      detail: 'submitted 1500, PAYON 1530 USD',
      payonCode: '0000',
    });
    expect(of('refused0001')).toMatchObject({ payonCode: '0001' });
    expect(of('refused0001')?.detail).toMatch(/^Invalid Merchant ID \(card [^)]*1111\)$/);
    expect(JSON.stringify(await api.scan())).not.toMatch(/4111 ?1111 ?1111 ?1111/);
    expect(of('refused0002')).toMatchObject({ payonCode: '0002', detail: 'Invalid Term ID' });
    expect(of('refused0006')).toMatchObject({ payonCode: '0006', detail: 'Invalid Customer ID' });
    expect(of('refused3003')).toMatchObject({ payonCode: '3003', localState: 'SUCCEEDED' });
    expect(of('ghost')).toMatchObject({ amountMinor: 700, currency: 'USD' });
    expect((await api.deps.payments.get(ids.approvedUnheard ?? ''))?.snapshot.state).toBe(
      'SUCCEEDED',
    );
    expect((await api.deps.payments.get(ids.approvedUnheard ?? ''))?.history.at(-1)?.source).toBe(
      'reconciliation',
    );
    expect((await api.deps.payments.get(ids.declinedUnheard ?? ''))?.snapshot.state).toBe('FAILED');
    const late = await api.deps.payments.get(ids.late ?? '');
    expect(late?.snapshot.state).toBe('SUCCEEDED');
    expect(late?.history.at(-1)?.reason).toMatch(
      /^late confirmation: .*\(the payment was FAILED\)$/,
    );
    expect(metrics).toContain('payments.lateConfirmation');
    // Nothing an exception names was moved.
    expect((await api.deps.payments.get(ids.status ?? ''))?.snapshot.state).toBe('REFUNDED');
    expect((await api.deps.payments.get(ids.refused3003 ?? ''))?.snapshot.state).toBe('SUCCEEDED');
    expect((await api.deps.payments.get(ids.unpaid ?? ''))?.snapshot.state).toBe('PENDING');
    expect(report).toMatchObject({ day, status: 'completed' });
    expect(report.counts).toMatchObject({
      healed: 3,
      exceptions: 9,
      byDifference: {
        missing_locally: 1,
        missing_at_payon: 1,
        amount_differs: 1,
        status_differs: 1,
        fee_differs: 1,
        rejected: 4,
      },
      matched: 3,
      pending: 1,
    });
    // 15.01 + 7.00 + 9.00 + 6 × 15.00 (the status, fee and four refused payments).
    expect(report.counts.exceptionMinor).toEqual({ USD: 1_501 + 700 + 900 + 6 * 1_500 });
    expect(report.counts.submitted).toBeGreaterThanOrEqual(3);
    expect(await api.deps.reconciliations.report(day)).toEqual(report);
    expect(metrics).toContain('reconciliation.exceptions');
    const [event] = await api.reconciliationEvents();
    expect(event).toMatchObject({
      type: 'reconciliation.completed',
      stage: 'test',
      reconciliation: { day, runId: report.runId, counts: { exceptions: 9, healed: 3 } },
    });
  });

  it('reruns the day through the API: 202, then a report and its exceptions as JSON and CSV', async () => {
    const accepted = await api.call('POST', '/reconciliations', { body: { day } });
    expect(accepted.status).toBe(202);
    expect(accepted.headers.location).toBe(`/reconciliations/${day}`);
    expect(accepted.body).toEqual({ day, status: 'accepted', report: `/reconciliations/${day}` });
    await api.reconciliationStarter.idle();
    expect(api.reconciliationStarter.failures).toBe(0);

    const report = await api.call('GET', `/reconciliations/${day}`);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({
      day,
      status: 'completed',
      // What the first run healed now simply agrees; the differences are still named.
      counts: { healed: 0, exceptions: 9, matched: 6 },
      amounts: { inExceptions: [{ value: '121.01', currency: 'USD' }] },
    });
    const runId = (report.body as { runId: string }).runId;

    // JSON, four per page, in txId order, only this run's.
    const seen: { txId: string; difference: string; reason: string }[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await api.call(
        'GET',
        `/reconciliations/${day}/exceptions?limit=4${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      const body = page.body as { runId: string; items: typeof seen; nextCursor?: string };
      expect(body.runId).toBe(runId);
      seen.push(...body.items);
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(seen.map((e) => e.txId)).toEqual([...seen.map((e) => e.txId)].sort());
    expect(seen).toHaveLength(9);
    expect(seen.find((e) => e.txId === ids.fee)).toMatchObject({
      difference: 'fee_differs',
      reason: "PAYON's reconciliation grand total (with fees) differs from what was submitted",
      amount: { value: '15.00', currency: 'USD' },
    });

    // CSV: the header once, a row per exception, pages joined by the cursor header.
    let csv = '';
    let next: string | undefined;
    do {
      const page = await api.call(
        'GET',
        `/reconciliations/${day}/exceptions?format=csv&limit=5${next ? `&cursor=${next}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toBe('text/csv; charset=utf-8');
      csv += page.text;
      next = page.headers['x-next-cursor'];
    } while (next);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('txId,difference,reason,detail,payonCode,localState,amount,currency');
    expect(lines).toHaveLength(10);
    expect(lines).toContain(
      `${ids.refused0002},rejected,"PAYON refused the reconciliation item (0001, 0002, 3003 or 0006)",Invalid Term ID,0002,SUCCEEDED,15.00,USD`,
    );
    expect((await api.reconciliationEvents()).map((e) => e.reconciliation.runId)).toEqual([runId]);
  });

  it('refuses a day it cannot reconcile, naming the field, and starts nothing', async () => {
    const before = await api.call('GET', `/reconciliations/${day}`);
    for (const [body, reason] of [
      [{ day: '2999-01-01' }, 'must not be after today in Cambodia (UTC+7)'],
      [{ day: '2026-02-30' }, 'must be a date such as 2026-11-21'],
      [{ day: 20261121 }, 'must be of type string'],
    ] as const) {
      const refused = await api.call('POST', '/reconciliations', { body });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({
        error: { code: 'invalid_request', fields: [{ field: 'day', reason }] },
      });
    }
    const extra = await api.call('POST', '/reconciliations', { body: { day, force: true } });
    expect(extra.status).toBe(400);
    await api.reconciliationStarter.idle();
    expect((await api.call('GET', `/reconciliations/${day}`)).body).toEqual(before.body);
    expect((await api.call('GET', '/reconciliations/2021-01-01')).status).toBe(404);
    expect((await api.call('GET', '/reconciliations/2021-01-01/exceptions')).status).toBe(404);
    const badCursor = await api.call('GET', `/reconciliations/${day}/exceptions?cursor=a%20b`);
    expect(badCursor.status).toBe(400);
    expect(badCursor.body).toMatchObject({ error: { fields: [{ field: 'query.cursor' }] } });
  });

  it('reconciles, on the daily schedule, the Cambodian day before the schedule fired', async () => {
    const { handler } = await import('#functions/reconcile-day/handler.ts');
    // The schedule fires at 18:00 UTC: 01:00 of the next day in Phnom Penh.
    const fired = new Date(`${day}T18:00:00Z`);
    const report = await handler(
      scheduledEvent(fired),
      lambdaContext('reconcile-day', 900_000) as Context,
    );
    expect(report).toMatchObject({ day, status: 'completed', counts: { exceptions: 9 } });
    expect((await api.reconciliationEvents()).map((e) => e.reconciliation.day)).toEqual([day]);
  });

  it('runs one reconciliation of a day at a time', async () => {
    // A run that began a minute ago and is still going holds the day.
    const running = new Date(Date.now() - 60_000);
    await api.deps.reconciliations.begin(
      {
        day,
        runId: running.toISOString(),
        startedAt: running.toISOString(),
        status: 'running',
        counts: (await api.deps.reconciliations.report(day))?.counts ?? ({} as never),
      },
      running,
      15 * 60_000,
    );
    const refused = await api.call('POST', '/reconciliations', { body: { day } });
    expect(refused.status).toBe(409);
    expect(refused.headers['retry-after']).toBe('60');
    expect(refused.body).toMatchObject({ error: { code: 'reconciliation_running' } });
    await expect(reconcileDay(api.deps, day)).rejects.toMatchObject({
      code: 'reconciliation_running',
    });
    // A run that began longer ago than the function's timeout has died: the day is free again.
    const later = new Date(running.getTime() + 16 * 60_000);
    const report = await reconcileDay({ ...api.deps, clock: () => later }, day);
    expect(report).toMatchObject({ status: 'completed', counts: { exceptions: 9 } });
  });
});
