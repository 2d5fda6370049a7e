import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PAYON_LATENCY_METRIC } from '#shared/runtime/metrics.ts';
import { type ApiEnvironment, RETURN_ORIGIN, startApi } from '#test/support/api.ts';

// With Lambda's active tracing and no X-Ray SDK (shared/runtime/tracing.ts), PAYON's part of an
// invocation is the `payon.latency` metric: one value for every request PAYON received, no more.
describe('the PAYON latency metric', () => {
  let api: ApiEnvironment;
  beforeAll(async () => {
    api = await startApi({ sandbox: { seed: 27 } });
  });
  afterAll(() => api.stop());

  it('records one latency value per PAYON request, and none for a call that reaches only DynamoDB', async () => {
    // Prepare
    const metrics = vi.spyOn(api.deps.metrics, 'addMetric');
    const latencies = () => metrics.mock.calls.filter(([name]) => name === PAYON_LATENCY_METRIC);
    const sent = () => api.sandbox.journal.requests().filter((r) => r.path.startsWith('/pg/'));
    const before = sent().length;

    // Act: a registration (PAYON: one request), a plain read (none), a synced read (one)
    const registered = await api.call('POST', '/payments', {
      idempotencyKey: randomUUID(),
      body: {
        amount: { value: '4.20', currency: 'USD' },
        paymentMethod: 'CREDIT_DEBIT',
        returnUrl: `${RETURN_ORIGIN}/r`,
      },
    });
    const { id } = registered.body as { id: string };
    const afterRegister = latencies().length;
    await api.call('GET', `/payments/${id}`);
    const afterRead = latencies().length;
    await api.call('GET', `/payments/${id}?sync=true`);

    // Assess
    expect(registered.status).toBe(201);
    expect(afterRegister).toBe(1);
    expect(afterRead).toBe(1);
    expect(latencies()).toHaveLength(sent().length - before);
    for (const [, unit, value] of latencies()) {
      expect(unit).toBe('Milliseconds');
      expect(value).toBeGreaterThanOrEqual(0);
    }
    metrics.mockRestore();
  });
});
