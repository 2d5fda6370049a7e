import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { money } from '#shared/domain/money.ts';
import { FIRST_SYNC_DELAY_MS } from '#shared/domain/payment.ts';
import type { EventPublisher } from '#shared/events/publisher.ts';
import { registerPayment } from '#shared/payments/registration.ts';
import { FIRST_REDELIVERY_MS } from '#shared/store/outbox.ts';
import { type ApiEnvironment, RETURN_ORIGIN, startApi } from '#test/support/api.ts';

// What is lost when a dependency fails during a push: nothing.
describe('failure paths', () => {
  let api: ApiEnvironment;
  let now = Date.now();
  let dynamoDown = false;
  let busDown = false;

  beforeAll(async () => {
    api = await startApi({
      clock: () => new Date(now),
      webhook: true,
      publisher: (real): EventPublisher => ({
        publish: async (events) =>
          busDown
            ? {
                delivered: [],
                failed: new Map(events.map((e) => [e.id, 'ServiceUnavailable: bus down (test)'])),
              }
            : real.publish(events),
      }),
    });
    api.dynamo.middlewareStack.add(
      (next) => async (args) => {
        if (dynamoDown)
          throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'NetworkingError' });
        return next(args);
      },
      { step: 'initialize', name: 'dynamoOutage' },
    );
    // The tests send every push themselves (the webhook is still served over HTTP).
    api.sandbox.updateMerchant('C0000143', { notifyUrl: null });
  });
  afterAll(() => api.stop());
  beforeEach(() => {
    now = Date.now();
    dynamoDown = false;
    busDown = false;
    api.sandbox.clearFaults();
  });

  const register = () =>
    registerPayment(api.deps, {
      kind: 'purchase',
      amount: money(7_000, 'USD'),
      paymentMethod: 'CREDIT_DEBIT',
      returnUrl: `${RETURN_ORIGIN}/r`,
    });

  it('DynamoDB down during a push: the push is refused with a 5xx, and the sweep confirms the payment', async () => {
    const payment = await register();
    api.sandbox.pay(payment.txId, 'approve');
    await api.events();

    dynamoDown = true;
    const refused = await api.push({
      txId: payment.txId,
      resultCode: '0000',
      resultMsg: 'Success',
    });
    dynamoDown = false;
    const stateAfterRefusal = (await api.deps.payments.get(payment.txId))?.snapshot.state;
    now += FIRST_SYNC_DELAY_MS;
    await api.sweep();

    expect(refused.status).toBe(500);
    expect(refused.text).not.toContain('ECONNREFUSED');
    expect(stateAfterRefusal).toBe('PENDING');
    expect((await api.deps.payments.get(payment.txId))?.snapshot.state).toBe('SUCCEEDED');
    expect((await api.events()).map((e) => e.type)).toEqual(['payment.succeeded']);
  });

  it('PAYON down while confirming: the push is kept, and the sweep completes it', async () => {
    const payment = await register();
    api.sandbox.pay(payment.txId, 'approve');
    api.sandbox.addFault({ path: '/pg/transaction/status', kind: '5xx', status: 503, times: 2 });

    const answer = await api.push({ txId: payment.txId, resultCode: '0000', resultMsg: 'Success' });
    await api.settle();
    const kept = (await api.scan()).find(
      (i) => i.type === 'notification' && i.txId === payment.txId,
    );
    now += 60_000;
    await api.sweep(); // the notification (due after 5 s) meets the second fault; the payment probe succeeds
    now += 60_000;
    await api.sweep();

    expect(answer.status).toBe(200);
    expect(kept).toMatchObject({ status: 'received', attempts: 1 });
    expect((await api.deps.payments.get(payment.txId))?.snapshot.state).toBe('SUCCEEDED');
    const settled = (await api.scan()).find(
      (i) => i.type === 'notification' && i.txId === payment.txId,
    );
    expect(settled).toMatchObject({ status: 'agreed' });
  });

  it('the queue down: the stored push is confirmed by the sweep a minute later', async () => {
    const payment = await register();
    api.sandbox.pay(payment.txId, 'approve');
    api.confirmQueue.down = true;
    try {
      expect((await api.push({ txId: payment.txId, resultCode: '0000' })).status).toBe(200);
    } finally {
      api.confirmQueue.down = false;
    }
    const before = (await api.deps.payments.get(payment.txId))?.snapshot.state;
    now += 60_000;
    const report = await api.sweep();

    expect(before).toBe('PENDING');
    expect(report.notifications.confirmed).toBeGreaterThanOrEqual(1);
    expect((await api.deps.payments.get(payment.txId))?.snapshot.state).toBe('SUCCEEDED');
    const notification = (await api.scan()).find(
      (i) => i.type === 'notification' && i.txId === payment.txId,
    );
    expect(notification).toMatchObject({ status: 'agreed' });
  });

  it('the event bus down: the outbox keeps the event and the sweep delivers it later, with the same id', async () => {
    const payment = await register();
    api.sandbox.pay(payment.txId, 'approve');
    await api.events();

    busDown = true;
    await api.push({ txId: payment.txId, resultCode: '0000' });
    await api.settle();
    const stored = await api.deps.payments.get(payment.txId);
    const pending = (await api.scan()).find((i) => i.type === 'event' && i.txId === payment.txId);
    now += FIRST_REDELIVERY_MS;
    const stillDown = await api.sweep();
    busDown = false;
    const duringOutage = await api.events();
    now += 10 * 60_000;
    const recovered = await api.sweep();
    const again = await api.sweep();
    const delivered = await api.events();

    expect(stored?.snapshot.state).toBe('SUCCEEDED');
    expect(pending).toMatchObject({
      attempts: 1,
      lastError: 'ServiceUnavailable: bus down (test)',
      gsi1pk: 'OUTBOX',
    });
    expect(stillDown.events).toEqual({ delivered: 0, failed: 1, errors: 0 });
    expect(duringOutage).toEqual([]);
    expect(recovered.events).toEqual({ delivered: 1, failed: 0, errors: 0 });
    expect(again.events).toEqual({ delivered: 0, failed: 0, errors: 0 });
    expect(delivered.map((e) => e.id)).toEqual([`evt_${payment.txId}_${stored?.version}`]);
  });

  it("answers PAYON's push without waiting for PAYON's slow status endpoint (time printed)", async () => {
    const payment = await register();
    api.sandbox.pay(payment.txId, 'approve');
    api.sandbox.journal.clear();
    api.sandbox.addFault({ path: '/pg/transaction/status', kind: 'latency', ms: 1_200, times: 5 });
    const samples: number[] = [];
    let statusDoneWhenAnswered = 0;
    for (let i = 0; i < 5; i += 1) {
      const started = performance.now();
      const response = await fetch(api.notifyUrl ?? '', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ txId: payment.txId, resultCode: '0000', resultMsg: `Success ${i}` }),
      });
      samples.push(performance.now() - started);
      expect(response.status).toBe(200);
      statusDoneWhenAnswered += api.sandbox.journal.requests('/pg/transaction/status').length;
    }
    await api.settle();
    samples.sort((a, b) => a - b);
    console.log(
      `webhook answer time with PAYON status slowed to 1200 ms: median ${samples[2]?.toFixed(1)} ms, max ${samples[4]?.toFixed(1)} ms (5 pushes)`,
    );

    // Deterministic: no answer waited for a status pull to finish.
    expect(statusDoneWhenAnswered).toBe(0);
    expect(api.sandbox.journal.requests('/pg/transaction/status').length).toBeGreaterThanOrEqual(1);
    expect((await api.deps.payments.get(payment.txId))?.snapshot.state).toBe('SUCCEEDED');
  });
});
