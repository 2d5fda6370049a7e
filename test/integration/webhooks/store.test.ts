import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '#shared/errors.ts';
import { newDelivery, newEndpointId, type WebhookEndpoint } from '#shared/webhooks/endpoint.ts';
import { DELIVERY_WINDOW_MS } from '#shared/webhooks/schedule.ts';
import { type ApiEnvironment, startApi } from '#test/support/api.ts';

// The webhook store's conditional writes against DynamoDB Local: what it does when the item
// changed (or went) between a read and a write, and how deliveries page.

describe('the webhook store', () => {
  let api: ApiEnvironment;
  beforeAll(async () => {
    api = await startApi();
  }, 60_000);
  afterAll(() => api?.stop());

  const endpoint = (): WebhookEndpoint => ({
    id: newEndpointId(),
    url: 'https://shop.example.com/h',
    events: ['*'],
    status: 'enabled',
    createdAt: '2026-12-03T00:00:00.000Z',
    updatedAt: '2026-12-03T00:00:00.000Z',
    version: 1,
    secrets: [{ sealed: 'c2VhbGVk', createdAt: '2026-12-03T00:00:00.000Z' }],
  });

  it('refuses to replace the secrets of an endpoint that changed since it was read (409), or is gone (404)', async () => {
    const store = api.deps.webhooks;
    const made = endpoint();
    await store.createEndpoint(made);
    await store.enable(made.id, new Date()); // version 2 now
    await expect(store.replaceSecrets(made, [], new Date())).rejects.toThrow(ConflictError);
    await store.deleteEndpoint(made.id);
    await expect(store.replaceSecrets(made, [], new Date())).rejects.toThrow(/no webhook endpoint/);
    await expect(store.enable(made.id, new Date())).rejects.toThrow(/no webhook endpoint/);
    // Health of an endpoint deleted meanwhile is dropped, not an error.
    await expect(
      store.recordHealth(made.id, { lastAttemptAt: new Date().toISOString() }),
    ).resolves.toBeUndefined();
  });

  it('disables only an endpoint still failing since the same time', async () => {
    const store = api.deps.webhooks;
    const made = endpoint();
    await store.createEndpoint(made);
    await store.recordHealth(made.id, {
      lastAttemptAt: '2026-12-03T00:00:00.000Z',
      failingSince: '2026-12-03T00:00:00.000Z',
    });
    // A later failure keeps the clock where it started.
    await store.recordHealth(made.id, {
      lastAttemptAt: '2026-12-04T00:00:00.000Z',
      failingSince: '2026-12-04T00:00:00.000Z',
    });
    expect((await store.endpoint(made.id)).failingSince).toBe('2026-12-03T00:00:00.000Z');
    const args = { now: new Date(), reason: 'test' };
    expect(
      await store.disable(made.id, { ...args, failingSince: '2026-12-02T00:00:00.000Z' }),
    ).toBe(false);
    // A success cleared the clock: nothing to disable on.
    await store.recordHealth(made.id, {
      lastAttemptAt: '2026-12-05T00:00:00.000Z',
      lastSuccessAt: '2026-12-05T00:00:00.000Z',
    });
    expect((await store.endpoint(made.id)).failingSince).toBeUndefined();
    expect(
      await store.disable(made.id, { ...args, failingSince: '2026-12-03T00:00:00.000Z' }),
    ).toBe(false);
    expect((await store.endpoint(made.id)).status).toBe('enabled');
    await store.deleteEndpoint(made.id);
    expect(
      await store.disable(made.id, { ...args, failingSince: '2026-12-03T00:00:00.000Z' }),
    ).toBe(false);
  });

  it('makes one delivery per event and endpoint, pages them newest first, and filters by state', async () => {
    const store = api.deps.webhooks;
    const made = endpoint();
    await store.createEndpoint(made);
    const now = new Date(Date.now() - 60_000);
    const events = [1, 2, 3].map((n) => ({
      id: `evt_store_${n}`,
      type: 'payment.succeeded',
      time: new Date(now.getTime() - (4 - n) * 60_000).toISOString(),
    }));
    for (const e of events) {
      expect(
        await store.createDelivery(newDelivery(made.id, e, now, DELIVERY_WINDOW_MS), now),
      ).toBe(true);
    }
    const again = await store.createDelivery(
      newDelivery(made.id, events[0] as never, now, DELIVERY_WINDOW_MS),
      now,
    );
    const first = await api.call('GET', `/webhook-endpoints/${made.id}/deliveries?limit=2`);
    const { items, nextCursor } = first.body as {
      items: { eventId: string }[];
      nextCursor: string;
    };
    const second = await api.call(
      'GET',
      `/webhook-endpoints/${made.id}/deliveries?limit=2&cursor=${encodeURIComponent(nextCursor)}`,
    );
    const forged = await api.call(
      'GET',
      `/webhook-endpoints/${made.id}/deliveries?cursor=Zm9yZ2Vk`,
    );
    const failed = await api.call('GET', `/webhook-endpoints/${made.id}/deliveries?state=failed`);

    expect(again).toBe(false);
    expect(items.map((d) => d.eventId)).toEqual(['evt_store_3', 'evt_store_2']);
    expect((second.body as { items: { eventId: string }[] }).items.map((d) => d.eventId)).toEqual([
      'evt_store_1',
    ]);
    expect(forged.status).toBe(400);
    expect((forged.body as { error: { fields: { field: string }[] } }).error.fields[0]?.field).toBe(
      'query.cursor',
    );
    expect((failed.body as { items: unknown[] }).items).toEqual([]);
    // A secret KMS cannot open (not a ciphertext) stops the endpoint's lane: counted, nothing
    // attempted, everything still due.
    const broken = await api.deliverWebhooks();
    const untouched = (await api.call('GET', `/webhook-endpoints/${made.id}/deliveries`)).body as {
      items: { state: string; attemptCount: number }[];
    };
    // With a real sealed secret: a delivery whose event is no longer kept fails at its first
    // attempt, sending nothing.
    const sealed = await api.deps.webhookSealer.seal('whsec_store_test', made.id);
    await store.replaceSecrets(
      await store.endpoint(made.id),
      [{ sealed, createdAt: new Date().toISOString() }],
      new Date(),
    );
    const run = await api.deliverWebhooks();
    const listed = (await api.call('GET', `/webhook-endpoints/${made.id}/deliveries`)).body as {
      items: { state: string; attempts: { outcome: string }[] }[];
    };

    expect(broken).toMatchObject({ errors: 1, attempted: 0 });
    expect(untouched.items.map((d) => [d.state, d.attemptCount])).toEqual([
      ['pending', 0],
      ['pending', 0],
      ['pending', 0],
    ]);
    expect(run).toMatchObject({ errors: 0, attempted: 3, gaveUp: 3 });
    expect(listed.items.map((d) => [d.state, d.attempts[0]?.outcome])).toEqual([
      ['failed', 'event_expired'],
      ['failed', 'event_expired'],
      ['failed', 'event_expired'],
    ]);
    await store.deleteEndpoint(made.id);
  });
});
