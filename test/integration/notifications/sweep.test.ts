import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { refundPayment } from '#functions/refund-payment/refund-payment.ts';
import { money } from '#shared/domain/money.ts';
import { FIRST_SYNC_DELAY_MS } from '#shared/domain/payment.ts';
import { OutcomeUnknownError } from '#shared/errors.ts';
import { registerPayment } from '#shared/payments/registration.ts';
import { ESCALATED_PROBE_MS, PROBE_DELAYS_MS } from '#shared/payments/schedule.ts';
import { type ApiEnvironment, RETURN_ORIGIN, startApi } from '#test/support/api.ts';

// The status sweep as the schedule runs it, with the clock moved to each due time.
describe('status sweep', () => {
  let api: ApiEnvironment;
  let now = Date.now();

  beforeAll(async () => {
    api = await startApi({ clock: () => new Date(now) });
  });
  afterAll(() => api.stop());
  // Each test starts on the sandbox's (real) clock: PAYON's expiry and order days are on it.
  beforeEach(() => {
    now = Date.now();
  });

  const register = (kind: 'purchase' | 'preauth' = 'purchase') =>
    registerPayment(api.deps, {
      kind,
      amount: money(1_999, 'USD'),
      paymentMethod: 'CREDIT_DEBIT',
      returnUrl: `${RETURN_ORIGIN}/r`,
    });
  const statusPulls = (txId: string) =>
    api.sandbox.journal
      .requests('/pg/transaction/status')
      .filter((r) => JSON.stringify(r.body).includes(txId)).length;
  /** Moves the clock to the payment's next probe and runs the sweep; the probe time, or undefined. */
  const nextProbe = async (txId: string) => {
    const due = (await api.deps.payments.get(txId))?.nextSyncAt;
    if (due === undefined) return undefined;
    now = Math.max(now, Date.parse(due));
    await api.sweep();
    return now;
  };

  it('finds an approved payment whose push never came at the first probe (+60 s)', async () => {
    const payment = await register();
    api.sandbox.pay(payment.txId, 'approve');
    await api.events();
    const created = now;

    now += FIRST_SYNC_DELAY_MS - 1_000;
    await api.sweep();
    const early = (await api.deps.payments.get(payment.txId))?.snapshot.state;
    now = created + FIRST_SYNC_DELAY_MS;
    await api.sweep();

    expect(early).toBe('PENDING');
    const stored = await api.deps.payments.get(payment.txId);
    expect(stored?.snapshot.state).toBe('SUCCEEDED');
    expect(stored?.nextSyncAt).toBeUndefined();
    expect((await api.events()).map((e) => [e.type, e.payment.id])).toEqual([
      ['payment.succeeded', payment.txId],
    ]);
  });

  it('probes an unpaid payment at +60 s, 5 × 5 min, then hourly, and expires it after 24 h', async () => {
    const payment = await register();
    const start = now;
    const probes: number[] = [];
    for (
      let at = await nextProbe(payment.txId);
      at !== undefined;
      at = await nextProbe(payment.txId)
    ) {
      probes.push(at);
      if (probes.length > 40) break;
    }

    const gaps = probes.map((at, i) => at - (i === 0 ? start : (probes[i - 1] ?? 0)));
    expect(gaps).toEqual([FIRST_SYNC_DELAY_MS, ...PROBE_DELAYS_MS]);
    expect(statusPulls(payment.txId)).toBe(probes.length);
    const stored = await api.deps.payments.get(payment.txId);
    expect(stored?.snapshot.state).toBe('EXPIRED');
    expect(stored?.history.at(-1)).toMatchObject({
      from: 'PENDING',
      to: 'EXPIRED',
      source: 'sweep',
    });
    expect((probes.at(-1) ?? Number.POSITIVE_INFINITY) - start).toBeLessThan(24 * 3_600_000);
    expect(
      (await api.events()).filter((e) => e.payment.id === payment.txId).map((e) => e.type),
    ).toEqual(['payment.expired']);
  });

  it('keeps asking hourly, without escalating, about an unpaid order still payable after the schedule', async () => {
    const payment = await register();
    const { UpdateItemCommand } = await import('@aws-sdk/client-dynamodb');
    const expiresAt = new Date(now + 30 * 3_600_000).toISOString();
    await api.dynamo.send(
      new UpdateItemCommand({
        TableName: api.tableName,
        Key: { pk: { S: `PAY#${payment.txId}` }, sk: { S: 'PAYMENT' } },
        UpdateExpression: 'SET expiresAt = :e',
        ExpressionAttributeValues: { ':e': { S: expiresAt } },
      }),
    );
    for (let i = 0; i <= PROBE_DELAYS_MS.length; i += 1) await nextProbe(payment.txId);
    const afterSchedule = await api.deps.payments.get(payment.txId);
    const probedAt = now;
    while (
      Date.parse((await api.deps.payments.get(payment.txId))?.nextSyncAt ?? '') <
      Date.parse(expiresAt)
    ) {
      await nextProbe(payment.txId);
    }
    await nextProbe(payment.txId);

    expect(afterSchedule?.snapshot.state).toBe('PENDING');
    expect(afterSchedule?.escalatedAt).toBeUndefined();
    expect(afterSchedule?.syncAttempts).toBe(PROBE_DELAYS_MS.length + 1);
    expect(Date.parse(afterSchedule?.nextSyncAt ?? '') - probedAt).toBe(3_600_000);
    const expired = await api.deps.payments.get(payment.txId);
    expect(expired?.snapshot.state).toBe('EXPIRED');
    expect(now).toBeGreaterThanOrEqual(Date.parse(expiresAt));
  });

  it("records a declined attempt from PAYON's orders list, and fails it only past expiry plus grace", async () => {
    const payment = await register();
    api.sandbox.pay(payment.txId, 'decline');
    await nextProbe(payment.txId);
    const declined = await api.deps.payments.get(payment.txId);
    // Past expiry (15 min), inside the grace period (10 min): PAYON may still answer late.
    now = Date.parse(payment.createdAt) + 20 * 60_000;
    await nextProbe(payment.txId);
    const inGrace = await api.deps.payments.get(payment.txId);
    now = Date.parse(payment.createdAt) + 26 * 60_000;
    await nextProbe(payment.txId);

    expect(declined?.snapshot.state).toBe('PENDING');
    expect(declined?.lastDecline).toMatchObject({ payonCode: '9999', count: 1 });
    expect(declined?.history.at(-1)).toMatchObject({
      from: 'PENDING',
      to: 'PENDING',
      change: 'attempt_declined',
      source: 'orders_list',
    });
    expect(inGrace?.snapshot.state).toBe('PENDING');
    expect(inGrace?.version).toBe(declined?.version);
    const stored = await api.deps.payments.get(payment.txId);
    expect(stored?.snapshot.state).toBe('FAILED');
    expect(stored?.history.at(-1)?.reason).toMatch(/^PAYON declined the attempt \(9999\)/);
  });

  it('hands an unanswered refund PAYON never settles to an operator after 24 h, and keeps asking', async () => {
    const payment = await register();
    api.sandbox.pay(payment.txId, 'approve');
    now += FIRST_SYNC_DELAY_MS;
    await api.sweep();
    api.sandbox.addFault({ path: '/pg/refund', kind: '5xx', status: 502, applyFirst: true });
    await expect(refundPayment(api.deps, payment.txId, money(1_999, 'USD'))).rejects.toBeInstanceOf(
      OutcomeUnknownError,
    );
    // PAYON's orders list is down for the whole day: nobody can tell whether the refund happened.
    api.sandbox.addFault({ path: '/pg/orders', kind: '5xx', status: 503, times: 1_000 });
    let probes = 0;
    while ((await api.deps.payments.get(payment.txId))?.escalatedAt === undefined && probes < 40) {
      await nextProbe(payment.txId);
      probes += 1;
    }
    const escalated = await api.deps.payments.get(payment.txId);
    api.sandbox.clearFaults();
    await nextProbe(payment.txId);

    expect(probes).toBe(1 + PROBE_DELAYS_MS.length);
    expect(escalated?.snapshot).toEqual({
      state: 'UNKNOWN',
      operation: 'refund',
      priorState: 'SUCCEEDED',
    });
    expect(Date.parse(escalated?.nextSyncAt ?? '')).toBe(
      Date.parse(escalated?.escalatedAt ?? '') + ESCALATED_PROBE_MS,
    );
    const settled = await api.deps.payments.get(payment.txId);
    expect(settled?.snapshot.state).toBe('REFUNDED');
    expect(settled?.escalatedAt).toBeUndefined();
  });
});
