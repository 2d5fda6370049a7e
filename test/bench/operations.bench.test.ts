/**
 * `npm run bench`, the parts that need the real local services (DynamoDB Local, moto, the sandbox):
 * per-request overhead, I/O per operation and notification ingestion. Writes
 * .tmp/bench/operations.json for scripts/bench/main.ts. Reports times; asserts nothing about them.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { money } from '#shared/domain/money.ts';
import { newPayment, transition } from '#shared/domain/payment.ts';
import { type ApiEnvironment, RETURN_ORIGIN, startApi } from '#test/support/api.ts';
import { measureOperations, totals } from '#test/support/io-operations.ts';

const OUT = new URL('../../.tmp/bench/', import.meta.url);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);

const stats = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { n: sorted.length, median: at(0.5), p99: at(0.99) };
};
const ms = () => Number(process.hrtime.bigint()) / 1e6;

describe('bench: operations', () => {
  let api: ApiEnvironment;
  const results: Record<string, unknown> = {};

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    api = await startApi({ sandbox: { seed: 51 }, env: { BINDING_RATE_LIMIT: '1000' } });
  }, 120_000);
  afterAll(async () => {
    writeFileSync(new URL('operations.json', OUT), `${JSON.stringify(results, null, 2)}\n`);
    await api.stop();
  });

  it('counts the I/O of every operation, cold and warm', async () => {
    const measured = await measureOperations(api);
    results.io = Object.fromEntries(
      Object.entries(measured).map(([name, io]) => [
        name,
        { cold: totals(io.cold), warm: totals(io.warm), detail: io.warm },
      ]),
    );
    expect(Object.keys(measured).length).toBeGreaterThan(10);
  }, 120_000);

  it('measures per-request overhead: the handler against the same PAYON call and writes made directly', async () => {
    const register = { handler: [] as number[], direct: [] as number[] };
    const get = { handler: [] as number[], direct: [] as number[] };
    for (let i = 0; i < ROUNDS; i += 1) {
      // Through the handler: API Gateway event, middy, validation, idempotency, PAYON, DynamoDB.
      let t = ms();
      const created = await api.call('POST', '/payments', {
        idempotencyKey: randomUUID(),
        body: {
          amount: { value: '10.00', currency: 'USD' },
          paymentMethod: 'CREDIT_DEBIT',
          returnUrl: `${RETURN_ORIGIN}/r`,
        },
      });
      register.handler.push(ms() - t);
      const id = (created.body as { id: string }).id;
      t = ms();
      await api.call('GET', `/payments/${id}`);
      get.handler.push(ms() - t);

      // Directly: the same PAYON call and the same DynamoDB writes, nothing else.
      t = ms();
      const now = new Date();
      const payment = newPayment(
        {
          txId: api.deps.nextTxId(),
          kind: 'purchase',
          paymentMethod: 'CREDIT_DEBIT',
          amount: money(1_000, 'USD'),
          returnUrl: `${RETURN_ORIGIN}/r`,
        },
        now,
      );
      await api.dynamo.send(
        new PutItemCommand({
          TableName: api.tableName,
          Item: { pk: { S: `IDEM#${randomUUID()}` }, sk: { S: 'IDEM' } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      await api.deps.payments.create(payment);
      const order = await api.deps.payon.registerOrder({
        txId: payment.txId,
        kind: 'purchase',
        amount: payment.amount,
        paymentMethod: 'CREDIT_DEBIT',
      });
      await api.deps.payments.update(
        transition(payment, 'PENDING', 'payon', 'registered', new Date(), {
          checkoutUrl: order.checkoutUrl,
          qrString: order.qrString,
        }),
      );
      await api.dynamo.send(
        new PutItemCommand({
          TableName: api.tableName,
          Item: { pk: { S: `IDEM#${randomUUID()}` }, sk: { S: 'IDEM' } },
        }),
      );
      register.direct.push(ms() - t);
      t = ms();
      await api.deps.payments.get(payment.txId);
      get.direct.push(ms() - t);
    }
    const summary = (s: { handler: number[]; direct: number[] }) => {
      const handler = stats(s.handler);
      const direct = stats(s.direct);
      const difference = stats(s.handler.map((h, i) => h - (s.direct[i] ?? 0)));
      return { handler, direct, ratio: handler.median / direct.median, difference };
    };
    results.overhead = {
      rounds: ROUNDS,
      'register-payment': summary(register),
      'get-payment': summary(get),
    };
    expect(register.handler).toHaveLength(ROUNDS);
  }, 600_000);

  it('measures notification ingestion with duplicates against raw conditional PutItem', async () => {
    const pushes = ROUNDS * 2;
    const txIds = Array.from({ length: ROUNDS / 2 }, () => api.deps.nextTxId());
    api.confirmQueue.down = true; // ingestion only: the hand-off fails fast, the push stays stored
    let t = ms();
    for (let i = 0; i < pushes; i += 1) {
      // Each txId pushed four times: two distinct bodies, each twice (PAYON retries).
      const txId = txIds[i % txIds.length] ?? '';
      const response = await api.push({
        txId,
        resultCode: i % 2 ? '0000' : '9999',
        resultMsg: 'x',
      });
      if (response.status !== 200) throw new Error(`push answered ${response.status}`);
    }
    const webhookMs = ms() - t;
    api.confirmQueue.down = false;
    t = ms();
    for (let i = 0; i < pushes; i += 1) {
      await api.dynamo
        .send(
          new PutItemCommand({
            TableName: api.tableName,
            Item: { pk: { S: `RAW#${i % (pushes / 4)}` }, sk: { S: `N#${i % 2}` } },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        )
        .catch(() => undefined);
    }
    const rawMs = ms() - t;
    results.ingestion = {
      pushes,
      distinct: (pushes / 4) * 2,
      webhookPerSecond: (pushes / webhookMs) * 1_000,
      rawPutItemPerSecond: (pushes / rawMs) * 1_000,
      ratio: rawMs / webhookMs,
    };
    expect(webhookMs).toBeGreaterThan(0);
  }, 600_000);
});
