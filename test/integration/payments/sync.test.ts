import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { money } from '#shared/domain/money.ts';
import { markUnknown, newPayment, type Payment, transition } from '#shared/domain/payment.ts';
import { ConflictError } from '#shared/errors.ts';
import { SINGLE_LOOKUP_PAGES, type SyncDeps, syncPayment } from '#shared/payments/sync.ts';
import { PayonClient } from '#shared/payon/client.ts';
import { PaymentStore } from '#shared/store/payments.ts';
import { createTableInput } from '#shared/store/table.ts';
import { LOCAL_AWS } from '#test/support/aws.ts';
import { payonConfig, staticSecrets } from '#test/support/payon-fixtures.ts';
import { type ScriptedPayon, startScriptedPayon } from '#test/support/scripted-payon.ts';

const T0 = new Date('2026-11-20T03:00:00Z');

// The decisions: docs/payon-assumptions.md A19, A27, A35, A47.
describe('status sync decisions against DynamoDB Local and a scripted PAYON', () => {
  let payon: ScriptedPayon;
  let store: PaymentStore;
  let now = T0;
  const warnings: string[] = [];
  const metrics: string[] = [];
  let deps: SyncDeps;

  beforeAll(async () => {
    payon = await startScriptedPayon();
    const dynamo = new DynamoDBClient({ ...LOCAL_AWS, endpoint: inject('dynamoEndpoint') });
    const tableName = `sync-${randomUUID()}`;
    await dynamo.send(new CreateTableCommand(createTableInput(tableName)));
    // Events are covered by the events tests; here they only need somewhere to go.
    store = new PaymentStore(DynamoDBDocumentClient.from(dynamo), tableName, {
      stage: 'test',
      committed: async () => undefined,
    });
    deps = {
      payon: new PayonClient({ config: payonConfig(payon.url), secrets: staticSecrets() }),
      payments: store,
      clock: () => now,
      logger: {
        warn: (message: string) => warnings.push(message),
      } as unknown as SyncDeps['logger'],
      metrics: {
        addMetric: (name: string) => metrics.push(name),
      } as unknown as SyncDeps['metrics'],
      config: {
        payments: { orderExpiryMinutes: 15, failureGraceMinutes: 10 },
      } as unknown as SyncDeps['config'],
    };
  });
  afterAll(() => payon.close());
  beforeEach(() => {
    now = T0;
    warnings.length = 0;
    metrics.length = 0;
    payon.received.length = 0;
  });

  let seq = 0;
  /** Stores a new payment, then each step as its own conditional write. */
  async function stored(
    kind: 'purchase' | 'preauth',
    ...steps: ((p: Payment) => Payment)[]
  ): Promise<Payment> {
    seq += 1;
    const created = newPayment(
      {
        txId: `17636000000${String(seq).padStart(5, '0')}`,
        kind,
        paymentMethod: 'CREDIT_DEBIT',
        amount: money(1_000, 'USD'),
        returnUrl: 'https://shop.example.com/x',
      },
      T0,
    );
    await store.create(created);
    let current = created;
    for (const step of steps) {
      current = step(current);
      await store.update(current);
    }
    return current;
  }
  const authorized = (p: Payment) =>
    transition(p, { to: 'AUTHORIZED', source: 'status_pull', reason: 'ok', now: T0 });
  const succeeded = (p: Payment) =>
    transition(p, { to: 'SUCCEEDED', source: 'status_pull', reason: 'ok', now: T0 });
  const pending = (p: Payment) =>
    transition(p, { to: 'PENDING', source: 'payon', reason: 'registered', now: T0 });
  const status = (txId: string, amount: number, txStCd = 'COMPLETE') => ({
    json: {
      resultCode: '0000',
      resultMsg: 'Success',
      resultData: {
        txStCd,
        trt: 'PURCHASE',
        tracNo: txId,
        amount,
        currencyCode: 'USD',
        apprNo: '123456',
      },
    },
  });

  it('confirms a pre-authorisation as AUTHORIZED with PAYON approval number', async () => {
    const payment = await stored('preauth', pending);
    payon.script('/pg/transaction/status', status(payment.txId, 10));

    const outcome = await syncPayment(deps, payment);

    expect(outcome.changed).toBe(true);
    expect(outcome.payment.snapshot).toEqual({ state: 'AUTHORIZED' });
    expect((await store.get(payment.txId))?.approvalNo).toBe('123456');
  });

  it('changes nothing, and says so loudly, when PAYON confirms another amount', async () => {
    const payment = await stored('purchase', pending);
    payon.script('/pg/transaction/status', status(payment.txId, 9.99));

    const outcome = await syncPayment(deps, payment);

    expect(outcome).toMatchObject({
      changed: false,
      note: 'PAYON confirmed a different amount or currency',
    });
    expect((await store.get(payment.txId))?.snapshot).toEqual({ state: 'PENDING' });
    expect(warnings).toEqual(['PAYON confirmed another amount; the payment is left as it is']);
    expect(metrics).toEqual(['payon.amountMismatch']);
  });

  it('changes nothing on a status it does not know', async () => {
    const payment = await stored('purchase', pending);
    payon.script('/pg/transaction/status', status(payment.txId, 10, 'IN_PROGRESS'));

    const outcome = await syncPayment(deps, payment);

    expect(outcome).toMatchObject({
      changed: false,
      note: 'PAYON status IN_PROGRESS is not a confirmation',
    });
  });

  it('leaves a CREATED payment alone while its registration call may still be running', async () => {
    const payment = await stored('purchase');
    now = new Date(T0.getTime() + 119_000);

    const outcome = await syncPayment(deps, payment);

    expect(outcome).toMatchObject({
      changed: false,
      note: 'the registration call may still be running',
    });
    expect(payon.received).toHaveLength(0);
  });

  it('turns a payment left CREATED into UNKNOWN before asking PAYON', async () => {
    const payment = await stored('purchase');
    now = new Date(T0.getTime() + 121_000);
    payon.script('/pg/transaction/status', {
      status: 302,
      json: { resultCode: '9999', resultMsg: 'System error', resultData: null },
    });

    const outcome = await syncPayment(deps, payment);

    expect(outcome.payment.snapshot).toEqual({
      state: 'UNKNOWN',
      operation: 'register',
      priorState: 'CREATED',
    });
    expect((await store.get(payment.txId))?.version).toBe(2);
  });

  it('settles an unknown capture through reconciliation: APPROVED means captured', async () => {
    const payment = await stored('preauth', pending, authorized, (p) =>
      markUnknown(p, {
        operation: 'capture',
        reason: 'sent',
        now: T0,
        changes: { capturedAmount: money(600, 'USD') },
      }),
    );
    payon.script('/pg/merchant/reconcilation', {
      json: [
        {
          txId: payment.txId,
          reconciliationDv: 'APPROVED',
          grandToTAmt: 6,
          resultCode: '0000',
          resultMsg: 'Success',
        },
      ],
    });

    const outcome = await syncPayment(deps, payment);

    expect(outcome.payment.snapshot).toEqual({ state: 'SUCCEEDED' });
    expect(outcome.payment.capturedAmount).toEqual(money(600, 'USD'));
    expect(payon.received[0]?.body).toEqual([
      {
        termId: 'CT03000003',
        merchantId: 'C0000143',
        txId: payment.txId,
        transactionType: 'PRE_AUTH_COMPLETE',
        grandToTAmt: '6.00',
      },
    ]);
  });

  // docs/payon-assumptions.md A27: nothing PAYON documents shows that a completion did NOT happen,
  // so a MISMATCHED verdict, a 3003 or a 9999 is "cannot tell": the capture stays UNKNOWN, never
  // re-sent.
  it.each([
    ['MISMATCHED + 9999', { reconciliationDv: 'MISMATCHED', resultCode: '9999' }],
    ['3003 Invalid Transaction', { resultCode: '3003', resultMsg: 'Invalid Transaction' }],
    ['an unknown verdict', { reconciliationDv: 'PENDING', resultCode: '0000' }],
    [
      'APPROVED for another amount',
      { reconciliationDv: 'APPROVED', resultCode: '0000', grandToTAmt: 7 },
    ],
  ])('never concludes an unknown capture did not happen from %s', async (_, answer) => {
    const payment = await stored('preauth', pending, authorized, (p) =>
      markUnknown(p, {
        operation: 'capture',
        reason: 'sent',
        now: T0,
        changes: { capturedAmount: money(600, 'USD') },
      }),
    );
    payon.script('/pg/merchant/reconcilation', {
      json: [{ txId: payment.txId, resultMsg: 'System Error', ...answer }],
    });

    now = new Date(T0.getTime() + 3_600_000);
    const outcome = await syncPayment(deps, payment);

    expect(outcome).toMatchObject({ changed: false, note: 'PAYON does not show the capture yet' });
    const kept = await store.get(payment.txId);
    expect(kept?.snapshot).toEqual({
      state: 'UNKNOWN',
      operation: 'capture',
      priorState: 'AUTHORIZED',
    });
    expect(kept?.capturedAmount).toEqual(money(600, 'USD'));
    expect(payon.received.map((r) => r.path)).toEqual(['/pg/merchant/reconcilation']);
  });

  it.each([
    ['""', ''],
    ['"y?"', 'maybe'],
    ['null', null],
  ])('reads a refundYn of %s as "cannot tell", never as "no refund"', async (_, flag) => {
    const payment = await stored('purchase', pending, succeeded, (p) =>
      markUnknown(p, { operation: 'refund', reason: 'sent', now: T0 }),
    );
    payon.script('/pg/orders', {
      json: [
        {
          txDt: '20261120',
          tracNo: payment.txId,
          amount: 10,
          currencyCode: 'USD',
          resultCd: '0000',
          settleYn: 'N',
          cancelYn: 'N',
          refundYn: flag,
        },
      ],
    });
    now = new Date(T0.getTime() + 3_600_000);

    const outcome = await syncPayment(deps, payment);

    expect(outcome).toMatchObject({ changed: false, note: 'PAYON does not show the refund yet' });
    expect((await store.get(payment.txId))?.snapshot.state).toBe('UNKNOWN');
  });

  it.each([
    ['PAYON repeats the same full page (it ignores index)', 'repeat', 2],
    ['every page is full and new, up to the page bound', 'distinct', SINGLE_LOOKUP_PAGES],
  ] as const)(
    'never reads refundYn N as "no refund" when the orders walk stops early: %s',
    async (_, pages, requests) => {
      const payment = await stored('purchase', pending, succeeded, (p) =>
        markUnknown(p, { operation: 'refund', reason: 'sent', now: T0 }),
      );
      const row = (txId: string) => ({
        txDt: '20261120',
        tracNo: txId,
        amount: 10,
        currencyCode: 'USD',
        resultCd: '0000',
        settleYn: 'N',
        cancelYn: 'N',
        refundYn: 'N',
      });
      // Full pages only: a refund row may be on a page never read.
      const page = (n: number) => [
        ...(n === 1 ? [row(payment.txId)] : []),
        ...Array.from({ length: n === 1 ? 499 : 500 }, (_, i) =>
          row(`9${String(n).padStart(3, '0')}${String(i).padStart(12, '0')}`),
        ),
      ];
      const answers =
        pages === 'repeat'
          ? [{ json: page(1) }]
          : Array.from({ length: SINGLE_LOOKUP_PAGES + 1 }, (_, i) => ({ json: page(i + 1) }));
      payon.script('/pg/orders', ...answers);
      now = new Date(T0.getTime() + 3_600_000);

      const outcome = await syncPayment(deps, payment);

      expect(outcome).toMatchObject({ changed: false, note: 'PAYON does not show the refund yet' });
      expect(payon.received.filter((r) => r.path === '/pg/orders')).toHaveLength(requests);
      expect((await store.get(payment.txId))?.snapshot.state).toBe('UNKNOWN');
    },
  );

  it("reads a refund as done when any of the txId's rows says refundYn Y", async () => {
    const payment = await stored('purchase', pending, succeeded, (p) =>
      markUnknown(p, { operation: 'refund', reason: 'sent', now: T0 }),
    );
    const row = (over: Record<string, unknown>) => ({
      txDt: '20261120',
      tracNo: payment.txId,
      amount: 10,
      currencyCode: 'USD',
      resultCd: '0000',
      settleYn: 'N',
      cancelYn: 'N',
      refundYn: 'N',
      ...over,
    });
    payon.script('/pg/orders', {
      json: [
        row({ resultCd: '9999', txSeqNo: '1' }),
        row({ txSeqNo: '2' }),
        row({ txSeqNo: '3', refundYn: 'Y' }),
      ],
    });
    now = new Date(T0.getTime() + 3_600_000);

    const outcome = await syncPayment(deps, payment);

    expect(outcome.payment.snapshot).toEqual({ state: 'REFUNDED' });
  });

  it('never reads a refundYn PAYON left out as "no refund"', async () => {
    const payment = await stored('purchase', pending, succeeded, (p) =>
      markUnknown(p, { operation: 'refund', reason: 'sent', now: T0 }),
    );
    payon.script('/pg/orders', {
      json: [
        {
          txDt: '20261120',
          tracNo: payment.txId,
          amount: 10,
          currencyCode: 'USD',
          resultCd: '0000',
        },
      ],
    });
    now = new Date(T0.getTime() + 3_600_000);

    const outcome = await syncPayment(deps, payment);

    expect(outcome).toMatchObject({ changed: false, note: 'PAYON does not show the refund yet' });
  });

  it('reads a bare 9999 or another txId in reconciliation as "cannot tell" for a capture', async () => {
    const payment = await stored('preauth', pending, authorized, (p) =>
      markUnknown(p, {
        operation: 'capture',
        reason: 'sent',
        now: T0,
        changes: { capturedAmount: money(600, 'USD') },
      }),
    );
    payon.script(
      '/pg/merchant/reconcilation',
      { json: [{ txId: payment.txId, resultCode: '9999', resultMsg: 'System Error' }] },
      { json: [{ txId: '9999999999999990', reconciliationDv: 'APPROVED', resultCode: '0000' }] },
    );
    now = new Date(T0.getTime() + 3_600_000);

    const first = await syncPayment(deps, payment);
    const second = await syncPayment(deps, payment);

    expect(first.changed).toBe(false);
    expect(second.changed).toBe(false);
    expect((await store.get(payment.txId))?.snapshot.state).toBe('UNKNOWN');
  });

  it('waits when the orders list does not show the payment at all', async () => {
    const payment = await stored('purchase', pending, succeeded, (p) =>
      markUnknown(p, { operation: 'refund', reason: 'sent', now: T0 }),
    );
    payon.script('/pg/orders', { json: [] });
    now = new Date(T0.getTime() + 3_600_000);

    const outcome = await syncPayment(deps, payment);

    expect(outcome).toMatchObject({ changed: false, note: 'PAYON does not show the refund yet' });
  });

  it('leaves a settled payment alone', async () => {
    const payment = await stored('purchase', pending, succeeded);

    const outcome = await syncPayment(deps, payment);

    expect(outcome).toEqual({
      payment,
      changed: false,
      note: 'SUCCEEDED needs nothing from PAYON',
    });
    expect(payon.received).toHaveLength(0);
  });

  it('refuses a write based on a stale read', async () => {
    const payment = await stored('purchase', pending);
    await store.update(
      transition(payment, {
        to: 'SUCCEEDED',
        source: 'status_pull',
        reason: 'first writer',
        now: T0,
      }),
    );

    const second = store.update(
      transition(payment, {
        to: 'FAILED',
        source: 'status_pull',
        reason: 'second writer',
        now: T0,
      }),
    );

    await expect(second).rejects.toBeInstanceOf(ConflictError);
    expect((await store.get(payment.txId))?.snapshot).toEqual({ state: 'SUCCEEDED' });
  });

  it('finds payments due for a status probe, and only those', async () => {
    const due = await stored('purchase', pending); // next probe at T0 + 60 s
    await stored('purchase', pending, succeeded); // none

    const before = await store.dueForSync(new Date(T0.getTime() + 59_000), 100);
    const after = await store.dueForSync(new Date(T0.getTime() + 61_000), 100);

    expect(before.map((p) => p.txId)).not.toContain(due.txId);
    expect(after.map((p) => p.txId)).toContain(due.txId);
    expect(after.every((p) => ['CREATED', 'PENDING', 'UNKNOWN'].includes(p.snapshot.state))).toBe(
      true,
    );
  });
});
