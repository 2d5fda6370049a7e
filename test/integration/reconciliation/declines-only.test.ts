import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { attentionOf } from '#shared/domain/attention.ts';
import { cambodiaDay } from '#shared/domain/business-day.ts';
import { money } from '#shared/domain/money.ts';
import { newPayment, type Payment, paymentDay, transition } from '#shared/domain/payment.ts';
import { PayonClient } from '#shared/payon/client.ts';
import { type ReconcileDeps, reconcileDay } from '#shared/reconciliation/run.ts';
import { PaymentStore } from '#shared/store/payments.ts';
import { ReconciliationStore } from '#shared/store/reconciliations.ts';
import { createTableInput } from '#shared/store/table.ts';
import { LOCAL_AWS } from '#test/support/aws.ts';
import { payonConfig, staticSecrets } from '#test/support/payon-fixtures.ts';
import { type ScriptedAnswer, startScriptedPayon } from '#test/support/scripted-payon.ts';

// A waiting payment whose day in PAYON's order history shows only declined attempts: PAYON's
// status pull decides, read as sync reads it (docs/payon-assumptions.md A19, A40). Only 302/9999,
// past the order's expiry plus the grace period, makes it FAILED; a `txStCd` this product does not
// know leaves it pending, and COMPLETE for another amount is an `amount_differs` exception. Through
// the real boundaries: DynamoDB Local, PAYON's client over HTTP to a scripted PAYON.
describe('reconciliation of a waiting payment PAYON lists only as declined', () => {
  let payon: Awaited<ReturnType<typeof startScriptedPayon>>;
  let payments: PaymentStore;
  let deps: ReconcileDeps;
  let now: Date;
  // One Cambodian day per payment: each run reconciles one payment alone.
  let dayOffset = 0;

  beforeAll(async () => {
    payon = await startScriptedPayon();
    const dynamo = new DynamoDBClient({ ...LOCAL_AWS, endpoint: inject('dynamoEndpoint') });
    const tableName = `declines-only-${randomUUID()}`;
    await dynamo.send(new CreateTableCommand(createTableInput(tableName)));
    const db = DynamoDBDocumentClient.from(dynamo);
    const events = { stage: 'test', committed: async () => undefined };
    payments = new PaymentStore(db, tableName, events);
    deps = {
      payon: new PayonClient({ config: payonConfig(payon.url), secrets: staticSecrets() }),
      payments,
      clock: () => now,
      logger: {
        warn: () => undefined,
        error: () => undefined,
        info: () => undefined,
      } as unknown as ReconcileDeps['logger'],
      metrics: { addMetric: () => undefined } as unknown as ReconcileDeps['metrics'],
      config: {
        payments: { orderExpiryMinutes: 15, failureGraceMinutes: 10 },
      } as unknown as ReconcileDeps['config'],
      reconciliations: new ReconciliationStore(db, tableName),
      events,
    };
  });
  afterAll(() => payon.close());
  beforeEach(() => {
    payon.received.length = 0;
  });

  /**
   * `count` PENDING purchases of 10.00 USD made at 10:00 in Cambodia on a day of their own, PAYON's
   * history of that day listing each of them declined (one page, then the empty page).
   */
  async function declinedDay(count: number): Promise<Payment[]> {
    dayOffset += 1;
    const createdAt = new Date(Date.UTC(2026, 10, 20 + dayOffset, 3, 0, 0));
    const waiting: Payment[] = [];
    for (let n = 1; n <= count; n++) {
      const created = newPayment(
        {
          txId: `1764000000${String(dayOffset).padStart(5, '0')}${n}`,
          kind: 'purchase',
          paymentMethod: 'CREDIT_DEBIT',
          amount: money(1_000, 'USD'),
          returnUrl: 'https://shop.example.com/x',
        },
        createdAt,
      );
      await payments.create(created);
      const pending = transition(created, {
        to: 'PENDING',
        source: 'payon',
        reason: 'registered at PAYON',
        now: createdAt,
      });
      await payments.update(pending);
      waiting.push(pending);
    }
    payon.script(
      '/pg/orders',
      {
        json: waiting.map((p, n) => ({
          txDt: cambodiaDay(createdAt).replaceAll('-', ''),
          txSeqNo: String(n + 1),
          trt: '10',
          tracNo: p.txId,
          amount: 10,
          currencyCode: 'USD',
          resultCd: '9999',
          resultMsg: 'Declined',
          settleYn: 'N',
          cancelYn: 'N',
          refundYn: 'N',
        })),
      },
      // The page after the day's short one: empty, so that was the end (the walk reads on past a
      // short page; a PAYON that answered the same page again would be "cannot tell").
      { json: [] },
    );
    payon.script('/pg/merchant/reconcilation', { json: [] });
    return waiting;
  }

  /** One such payment alone on its day. */
  const declinedOnly = async (): Promise<Payment> => {
    const [payment] = await declinedDay(1);
    if (!payment) throw new Error('declinedDay made no payment');
    return payment;
  };

  const status = (txId: string, txStCd: string, amount: number): ScriptedAnswer => ({
    json: {
      resultCode: '0000',
      resultMsg: 'Success',
      resultData: { txStCd, trt: 'PURCHASE', tracNo: txId, amount, currencyCode: 'USD' },
    },
  });
  const notSuccessful: ScriptedAnswer = {
    status: 302,
    json: { resultCode: '9999', resultMsg: 'System error', resultData: null },
  };

  /** Reconciles the payment's day at `minutesLater` after it was made; what became of it. */
  async function reconcile(payment: Payment, minutesLater: number) {
    now = new Date(new Date(payment.createdAt).getTime() + minutesLater * 60_000);
    const day = paymentDay(payment);
    const report = await reconcileDay(deps, day);
    const { items } = await deps.reconciliations.exceptions({
      day,
      runId: report.runId,
      limit: 10,
    });
    const asked = payon.received.filter((r) => r.path === '/pg/transaction/status');
    return { report, exceptions: items, after: await payments.get(payment.txId), asked };
  }

  it('heals it to FAILED on 302/9999 once the order is past its expiry and the grace', async () => {
    const payment = await declinedOnly();
    payon.script('/pg/transaction/status', notSuccessful);

    const { report, exceptions, after, asked } = await reconcile(payment, 60);

    expect(asked).toHaveLength(1);
    expect(after?.snapshot).toEqual({ state: 'FAILED' });
    expect(after?.history.at(-1)).toMatchObject({
      from: 'PENDING',
      to: 'FAILED',
      source: 'reconciliation',
    });
    expect(report.counts).toMatchObject({ healed: 1, pending: 0, exceptions: 0 });
    expect(exceptions).toEqual([]);
  });

  it('leaves it pending on 302/9999 while the order may still be paid (before expiry + grace)', async () => {
    const payment = await declinedOnly();
    payon.script('/pg/transaction/status', notSuccessful);

    const { report, exceptions, after } = await reconcile(payment, 20);

    expect(after?.snapshot).toEqual({ state: 'PENDING' });
    expect(after?.version).toBe(payment.version);
    expect(report.counts).toMatchObject({ healed: 0, pending: 1, exceptions: 0 });
    expect(exceptions).toEqual([]);
  });

  it('leaves it pending, never FAILED, on a txStCd this product does not know', async () => {
    const payment = await declinedOnly();
    payon.script('/pg/transaction/status', status(payment.txId, 'PROCESSING', 10));

    const { report, exceptions, after, asked } = await reconcile(payment, 60);

    expect(asked).toHaveLength(1);
    expect(after?.snapshot).toEqual({ state: 'PENDING' });
    expect(after?.version).toBe(payment.version);
    expect(report.counts).toMatchObject({ healed: 0, pending: 1, exceptions: 0 });
    expect(exceptions).toEqual([]);
  });

  it('goes on past a payment whose write fails: it is left pending for the next run, the others are decided', async () => {
    // Prepare: two waiting payments of one day, both declined only, PAYON's status 302/9999 for both
    const [first, second] = await declinedDay(2);
    if (!first || !second) throw new Error('declinedDay made fewer payments');
    const createdAt = new Date(first.createdAt);
    payon.script('/pg/transaction/status', notSuccessful, notSuccessful);
    // DynamoDB fails every write of the first payment (throttled past the SDK's retries)
    const failing = new Proxy(payments, {
      get(target, key) {
        if (key === 'update') {
          return async (next: Payment, options?: Parameters<PaymentStore['update']>[1]) => {
            if (next.txId === first.txId) {
              throw Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
                name: 'ThrottlingException',
              });
            }
            return target.update(next, options);
          };
        }
        const value = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const metrics: string[] = [];
    now = new Date(createdAt.getTime() + 60 * 60_000);

    // Act
    const report = await reconcileDay(
      {
        ...deps,
        payments: failing,
        metrics: {
          addMetric: (name: string) => metrics.push(name),
        } as unknown as ReconcileDeps['metrics'],
      },
      paymentDay(first),
    );

    // Assess: the run completed; the failed one is untouched and pending, the other FAILED
    expect(report.status).toBe('completed');
    expect(report.counts).toMatchObject({ healed: 1, pending: 1, exceptions: 0 });
    expect((await payments.get(first.txId))?.snapshot).toEqual({ state: 'PENDING' });
    expect((await payments.get(first.txId))?.version).toBe(first.version);
    expect((await payments.get(second.txId))?.snapshot).toEqual({ state: 'FAILED' });
    expect(metrics).toContain('reconciliation.writeFailed');
  });

  it('names COMPLETE for another amount an amount_differs, neither pays nor fails it, and flags it', async () => {
    const payment = await declinedOnly();
    payon.script('/pg/transaction/status', status(payment.txId, 'COMPLETE', 9.99));

    const { report, exceptions, after } = await reconcile(payment, 60);

    expect(after?.snapshot).toEqual({ state: 'PENDING' });
    // One finding, no state change: on the attention list with the reconciliation's words
    expect(after?.version).toBe(payment.version + 1);
    expect(attentionOf(after as Payment)).toContain('amount_mismatch');
    expect(after?.history.at(-1)).toMatchObject({
      from: 'PENDING',
      to: 'PENDING',
      source: 'reconciliation',
      change: 'amount_mismatch',
      reason: expect.stringContaining('its status confirms 999 USD'),
    });
    expect(report.counts).toMatchObject({ healed: 0, pending: 0, exceptions: 1 });
    expect(report.counts.byDifference).toEqual({ amount_differs: 1 });
    expect(exceptions).toEqual([
      expect.objectContaining({
        txId: payment.txId,
        difference: 'amount_differs',
        localState: 'PENDING',
      }),
    ]);
    expect(exceptions[0]?.detail).toContain('its status confirms 999 USD');
  });
});
