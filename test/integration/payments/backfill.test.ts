import { PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cambodiaDay } from '#shared/domain/business-day.ts';
import { backfillListKeys } from '#shared/store/backfill.ts';
import { type ApiEnvironment, startApi } from '#test/support/api.ts';
import { paidPayment } from '#test/support/payments.ts';

// A payment stored before the list index existed has no gsi3 keys, so reconciliation (a day is a
// key range of that index since issue 27) and GET /payments cannot find it. The backfill gives it
// the keys, and nothing else, against DynamoDB Local.
describe('backfill of the list index keys', () => {
  let api: ApiEnvironment;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.stop());

  const stored = async (id: string) =>
    (await api.scan()).find((i) => i.pk === `PAY#${id}` && i.sk === 'PAYMENT');

  it('lists an old payment again, changes only its list keys, and a second run does nothing', async () => {
    // Prepare: two paid payments; one loses its list keys, as an item written before GSI3 had none
    const kept = await paidPayment(api);
    const old = await paidPayment(api);
    await api.dynamo.send(
      new UpdateItemCommand({
        TableName: api.tableName,
        Key: { pk: { S: `PAY#${old}` }, sk: { S: 'PAYMENT' } },
        UpdateExpression: 'REMOVE gsi3pk, gsi3sk',
      }),
    );
    // A payment item without a creation time (none should exist) is left alone and reported.
    await api.dynamo.send(
      new PutItemCommand({
        TableName: api.tableName,
        Item: { pk: { S: 'PAY#1000000000000000' }, sk: { S: 'PAYMENT' } },
      }),
    );
    const before = await stored(old);
    const day = cambodiaDay(new Date(String(before?.createdAt)));
    const listedBefore = (await api.deps.payments.dayPage(day, 100)).payments.map((p) => p.txId);
    const db = DynamoDBDocumentClient.from(api.dynamo);

    // Act
    const first = await backfillListKeys(db, api.tableName, { pageSize: 1 });
    const second = await backfillListKeys(db, api.tableName);

    // Assess
    expect(listedBefore).toContain(kept);
    expect(listedBefore).not.toContain(old);
    expect(first).toMatchObject({ updated: 1, alreadyDone: 0, skipped: ['PAY#1000000000000000'] });
    expect(first.scanned).toBeGreaterThan(1);
    expect(second).toMatchObject({ updated: 0, alreadyDone: 0, skipped: ['PAY#1000000000000000'] });
    const after = await stored(old);
    expect(after).toEqual({
      ...before,
      gsi3pk: 'PAY',
      gsi3sk: `${String(before?.createdAt)}#${old}`,
    });
    const listedAfter = (await api.deps.payments.dayPage(day, 100)).payments.map((p) => p.txId);
    expect(listedAfter).toEqual(expect.arrayContaining([kept, old]));
    const page = await api.call('GET', '/payments?limit=100');
    expect((page.body as { items: { id: string }[] }).items.map((p) => p.id)).toContain(old);
  });
});
