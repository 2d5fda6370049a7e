import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaymentEvents } from '#functions/list-payment-events/list-payment-events.ts';
import { deliveryIdOf } from '#shared/webhooks/endpoint.ts';
import { type ApiEnvironment, startApi } from '#test/support/api.ts';
import { paidPayment, registeredPayment } from '#test/support/payments.ts';
import { type Receiver, startReceiver } from '#test/support/webhook-receiver.ts';

// GET /payments/{id}/events through the HTTP edge: the events DynamoDB holds for the payment's
// versions, each with its EventBridge delivery and every endpoint's webhook delivery, with the
// attempts a real receiver answered.

describe('GET /payments/{id}/events', () => {
  let api: ApiEnvironment;
  let failing: Receiver;
  let refunds: Receiver;
  let now = Date.now();

  beforeAll(async () => {
    [failing, refunds] = await Promise.all([startReceiver(), startReceiver({ path: '/refunds' })]);
    failing.fallback = { kind: 'status', status: 500, body: 'down for maintenance' };
    api = await startApi({
      clock: () => new Date(now),
      env: { WEBHOOKS_ALLOW_LOCAL_TARGETS: 'true' },
      webhookNet: { timeoutMs: 300, random: () => 0.5 },
    });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([api?.stop(), failing?.close(), refunds?.close()]);
  });

  const register = async (url: string, events: string[]) => {
    const created = await api.call('POST', '/webhook-endpoints', { body: { url, events } });
    expect(created.status, created.text).toBe(201);
    return (created.body as { id: string }).id;
  };
  const eventsOf = async (id: string) => {
    const answer = await api.call('GET', `/payments/${id}/events`);
    expect(answer.status, answer.text).toBe(200);
    return answer.body as PaymentEvents;
  };

  it('lists each event with its EventBridge delivery and each endpoint’s attempts, oldest first', async () => {
    // Prepare: one endpoint for everything that answers 500, one for refunds only that answers 200
    const all = await register(failing.url, ['*']);
    const refundsOnly = await register(refunds.url, ['payment.refunded']);
    const txId = await paidPayment(api);

    // Act: before the fan-out, after it, and after a refund
    const beforeFanOut = await eventsOf(txId);
    await api.deliverWebhooks();
    const afterFirst = await eventsOf(txId);
    now += 1_000;
    const refunded = await api.call('POST', `/payments/${txId}/refund`, {
      idempotencyKey: randomUUID(),
      body: {},
    });
    expect(refunded.status, refunded.text).toBe(200);
    await api.deliverWebhooks();
    const afterRefund = await eventsOf(txId);

    // Assess: the event exists from its transition on, delivered to EventBridge, not yet fanned out
    expect(beforeFanOut.items).toHaveLength(1);
    const [succeeded] = beforeFanOut.items;
    expect(succeeded).toMatchObject({
      type: 'payment.succeeded',
      eventBridge: { deliveredAt: expect.any(String), attempts: 1, lastError: null },
      webhooksFannedOutAt: null,
      webhooks: [],
    });
    // The ids are the outbox's own: each is the item DynamoDB holds for that payment version
    for (const item of afterRefund.items) {
      const stored = await api.deps.outbox.get(item.id);
      expect(stored?.event).toMatchObject({ id: item.id, type: item.type, time: item.time });
      expect(item.id).toBe(`evt_${txId}_${item.paymentVersion}`);
    }
    // The fan-out made one delivery: the failing endpoint's, with the 500 it answered
    expect(afterFirst.items[0]?.webhooksFannedOutAt).toEqual(expect.any(String));
    expect(afterFirst.items[0]?.webhooks).toEqual([
      expect.objectContaining({
        endpointId: all,
        id: deliveryIdOf(String(succeeded?.id), String(succeeded?.time)),
        eventType: 'payment.succeeded',
        state: 'pending',
        attemptCount: 1,
        attempts: [expect.objectContaining({ statusCode: 500, outcome: 'http_error' })],
      }),
    ]);
    // After the refund: both events in version order; the refund went to both endpoints
    expect(afterRefund.items.map((e) => e.type)).toEqual(['payment.succeeded', 'payment.refunded']);
    expect(afterRefund.truncated).toBe(false);
    const refundEvent = afterRefund.items[1];
    expect(refundEvent?.paymentVersion).toBeGreaterThan(Number(succeeded?.paymentVersion));
    expect(
      refundEvent?.webhooks.map((d) => [d.endpointId, d.state, d.attempts[0]?.statusCode]),
    ).toEqual(
      [
        [all, 'pending', 500],
        [refundsOnly, 'succeeded', 200],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    expect(refunds.requests).toHaveLength(1);
  });

  it('answers an empty list for a payment that announced nothing yet', async () => {
    const txId = await registeredPayment(api);

    const answer = await eventsOf(txId);

    expect(answer).toEqual({ paymentId: txId, items: [], truncated: false });
  });

  it('answers 404 for a payment it does not hold, and 400 naming the id for a malformed one', async () => {
    const missing = await api.call('GET', '/payments/1795999999999999/events');
    const cardLike = await api.call('GET', '/payments/4111111111111111/events');
    const odd = await api.call('GET', '/payments/ab%20cd/events');

    expect(missing.status).toBe(404);
    expect(cardLike.status).toBe(400);
    expect(cardLike.text).not.toContain('4111111111111111');
    expect(odd.status).toBe(400);
    const fields = (odd.body as { error: { fields: { field: string }[] } }).error.fields;
    expect(fields.map((f) => f.field)).toEqual(['path.id']);
  });
});
