import { type AttributeValue, DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { PaymentEvent } from '#shared/events/envelope.ts';
import { createDependencies } from '#shared/runtime/dependencies.ts';
import { outboxItem } from '#shared/store/outbox.ts';
import { TABLE_KEYS } from '#shared/store/table.ts';
import { deliveryItem, deliveryPartition, webhookStore } from '#shared/store/webhooks.ts';
import { deliverWebhooks, type WebhookRunReport } from '#shared/webhooks/deliver.ts';
import { newDelivery } from '#shared/webhooks/endpoint.ts';
import { systemWebhookNet } from '#shared/webhooks/net.ts';
import { DELIVERY_WINDOW_MS } from '#shared/webhooks/schedule.ts';
import { type ApiEnvironment, startApi } from '#test/support/api.ts';
import { LOCAL_AWS } from '#test/support/aws.ts';
import type { IoCount } from '#test/support/io.ts';
import { OPERATIONS } from '#test/support/io-operations.ts';
import { paidPayment } from '#test/support/payments.ts';
import { type Receiver, startReceiver } from '#test/support/webhook-receiver.ts';

// Deliveries never hold up the money path: with 10,000 events queued for an endpoint that never
// answers, and the deliverer busy on it, POST /payments and a PAYON push (which writes an event
// to the outbox) make exactly the DynamoDB, EventBridge and PAYON calls they make without it.
// Counted at the boundaries, not timed. The deliverer is its own function in AWS: here it gets
// its own DynamoDB client, as its own Lambda would, so the counts are the money path's alone.

const FLOOD = 10_000;

describe('a flood of webhook events to a slow endpoint', () => {
  let api: ApiEnvironment;
  let slow: Receiver;

  beforeAll(async () => {
    slow = await startReceiver();
    slow.fallback = { kind: 'hang' };
    api = await startApi({ env: { WEBHOOKS_ALLOW_LOCAL_TARGETS: 'true' } });
  }, 60_000);
  afterAll(async () => {
    await slow?.close();
    await api?.stop();
  });

  /** What one operation sends, counted: its second (warm) run. */
  async function measure(name: string): Promise<IoCount> {
    const prepare = OPERATIONS[name];
    if (!prepare) throw new Error(name);
    await (await prepare(api)).run(api);
    const { run } = await prepare(api);
    api.io.reset();
    await run(api);
    return api.io.read();
  }

  it('leaves POST /payments and a push confirmation making the same calls', async () => {
    // Prepare: the calls without webhooks at all
    const before = {
      register: await measure('register-payment'),
      push: await measure('payon push (webhook + confirmation)'),
    };
    const created = await api.call('POST', '/webhook-endpoints', {
      body: { url: slow.url, events: ['*'] },
    });
    expect(created.status).toBe(201);
    const endpointId = (created.body as { id: string }).id;
    // 10,000 events, each in the outbox as the money path wrote it and EventBridge took it, and
    // each with its delivery to the endpoint pending, as the fan-out leaves them (outboxItem,
    // newDelivery, deliveryItem: the product's own item shapes). Copies of one real event with
    // their own ids; written in batches (fanning 10,000 out one by one on DynamoDB Local would
    // take minutes: the fan-out itself is tested in delivery.test.ts).
    await paidPayment(api);
    const real = (await api.scan()).find((i) => i.type === 'event');
    const template = JSON.parse(String(real?.detail)) as PaymentEvent;
    const db = DynamoDBDocumentClient.from(
      new DynamoDBClient({ ...LOCAL_AWS, endpoint: inject('dynamoEndpoint') }),
    );
    const seededAt = new Date();
    const items = Array.from({ length: FLOOD }, (_, i) => {
      const event = { ...template, id: `evt_flood_${i}` };
      const { gsi1pk, gsi1sk, gsi3pk, gsi3sk, ...accepted } = outboxItem(event, seededAt);
      return [
        { ...accepted, deliveredAt: seededAt.toISOString(), fannedOutAt: seededAt.toISOString() },
        deliveryItem(newDelivery(endpointId, event, seededAt, DELIVERY_WINDOW_MS), seededAt),
      ];
    }).flat();
    const batches = Array.from({ length: Math.ceil(items.length / 25) }, (_, i) =>
      items.slice(i * 25, i * 25 + 25),
    );
    const writer = async () => {
      for (let batch = batches.shift(); batch; batch = batches.shift()) {
        await db.send(
          new BatchWriteCommand({
            RequestItems: { [api.tableName]: batch.map((Item) => ({ PutRequest: { Item } })) },
          }),
        );
      }
    };
    await Promise.all(Array.from({ length: 16 }, writer));
    // The deliverer, as its own Lambda: its own client, fanning out and then stuck on the
    // endpoint (4 attempts in flight that never get an answer).
    const deliverer = createDependencies(api.deps.config, {
      dynamo: new DynamoDBClient({ ...LOCAL_AWS, endpoint: inject('dynamoEndpoint') }),
      webhookSealer: api.deps.webhookSealer,
      webhooks: webhookStore,
      webhookNet: systemWebhookNet({ timeoutMs: 120_000, random: () => 0.5 }),
    });
    let running = true;
    const run: Promise<WebhookRunReport> = deliverWebhooks(deliverer, {
      remainingMs: () => (running ? 600_000 : 0),
    });
    while (slow.requests.length < 4) await new Promise((r) => setTimeout(r, 50));

    // Act: the money path while the flood is queued and the deliverer is busy
    const during = {
      register: await measure('register-payment'),
      push: await measure('payon push (webhook + confirmation)'),
    };
    let pending = 0;
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await api.dynamo.send(
        new QueryCommand({
          TableName: api.tableName,
          IndexName: TABLE_KEYS.syncIndex.name,
          KeyConditionExpression: 'gsi1pk = :p',
          ExpressionAttributeValues: { ':p': { S: deliveryPartition(endpointId) } },
          Select: 'COUNT',
          ExclusiveStartKey: start,
        }),
      );
      pending += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    const inFlight = slow.requests.length;
    running = false;
    await slow.close();
    const report = await run;

    // Assess: the same calls, one by one, while 10,000 deliveries waited on a hung endpoint
    expect(during).toEqual(before);
    expect(Object.values(before.register.payon)).toEqual([1]);
    expect(Object.values(before.push.aws).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(pending).toBeGreaterThanOrEqual(FLOOD);
    expect(inFlight).toBe(4);
    expect(report.attempted).toBe(4);
  }, 120_000);
});
