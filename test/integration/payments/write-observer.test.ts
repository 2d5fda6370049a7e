import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { money } from '#shared/domain/money.ts';
import { newPayment, type Payment, recordDecline, transition } from '#shared/domain/payment.ts';
import { ConflictError } from '#shared/errors.ts';
import { paymentMeasurements } from '#shared/runtime/business-metrics.ts';
import { PaymentStore, type PaymentWriteObserver } from '#shared/store/payments.ts';
import { createTableInput } from '#shared/store/table.ts';
import { LOCAL_AWS } from '#test/support/aws.ts';

const T0 = new Date('2026-11-20T03:00:00Z');
type Write = Parameters<PaymentWriteObserver>[0];

// The business metrics are told of a payment's writes by the store (shared/runtime/dependencies.ts
// publishes what paymentMeasurements makes of each): after DynamoDB committed them, never for a
// write it refused, and a failing observer never fails a write.
describe('the payment store tells its observer of committed writes', () => {
  let writes: Write[];
  let store: PaymentStore;
  let throwing: PaymentStore;

  beforeAll(async () => {
    const dynamo = new DynamoDBClient({ ...LOCAL_AWS, endpoint: inject('dynamoEndpoint') });
    const tableName = `observer-${randomUUID()}`;
    await dynamo.send(new CreateTableCommand(createTableInput(tableName)));
    const db = DynamoDBDocumentClient.from(dynamo);
    const events = { stage: 'test', committed: async () => undefined };
    writes = [];
    store = new PaymentStore(db, tableName, events, (write) => writes.push(write));
    throwing = new PaymentStore(db, tableName, events, () => {
      throw new Error('metrics are down');
    });
  });

  let seq = 0;
  const fresh = (): Payment => {
    seq += 1;
    return newPayment(
      {
        txId: `17951000000${String(seq).padStart(5, '0')}`,
        kind: 'purchase',
        paymentMethod: 'BAKONG_KHQR',
        amount: money(700, 'USD'),
        returnUrl: 'https://shop.example.com/x',
      },
      T0,
    );
  };
  const to = (p: Payment, state: 'PENDING' | 'SUCCEEDED') =>
    transition(p, { to: state, source: 'status_pull', reason: state, now: T0 });

  it('a creation, a transition with its event and a decline, each once, as stored', async () => {
    // Prepare
    writes.length = 0;
    const created = fresh();
    const pending = to(created, 'PENDING');
    const declined = recordDecline(
      pending,
      { at: T0.toISOString(), payonCode: '9999', payonMessage: undefined, count: 1 },
      T0,
    );
    const paid = to(declined, 'SUCCEEDED');
    // Act
    await store.create(created);
    for (const next of [pending, declined, paid]) await store.update(next);
    // Assess
    expect(writes.map((w) => [w.payment.version, w.created, w.event?.type])).toEqual([
      [1, true, undefined],
      [2, false, undefined],
      [3, false, 'payment.attempt_declined'],
      [4, false, 'payment.succeeded'],
    ]);
    expect(writes[3]?.before).toEqual(['declined_attempt']);
    expect(
      writes.flatMap(paymentMeasurements).map((m) => [m.name, Object.values(m.dimensions)]),
    ).toEqual([
      ['payments.changes', ['created', 'BAKONG_KHQR']],
      ['payments.changes', ['attempt_declined', 'BAKONG_KHQR']],
      ['payments.attention', ['declined_attempt']],
      ['payments.changes', ['succeeded', 'BAKONG_KHQR']],
      ['payments.amount', ['succeeded', 'USD']],
    ]);
    expect((await store.get(created.txId))?.snapshot.state).toBe('SUCCEEDED');
  });

  it('nothing for a write DynamoDB refused (another request changed the payment first)', async () => {
    // Prepare
    const created = fresh();
    await store.create(created);
    await store.update(to(created, 'PENDING'));
    writes.length = 0;
    // Act: a second writer still holding version 1
    const stale = store.update(to(created, 'PENDING'));
    // Assess
    await expect(stale).rejects.toBeInstanceOf(ConflictError);
    expect(writes).toEqual([]);
  });

  it('keeps the write when the observer throws', async () => {
    const created = fresh();
    await throwing.create(created);
    await throwing.update(to(created, 'PENDING'));
    expect((await store.get(created.txId))?.version).toBe(2);
  });
});
