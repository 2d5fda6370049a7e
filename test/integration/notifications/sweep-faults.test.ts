import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { money } from '#shared/domain/money.ts';
import { FIRST_SYNC_DELAY_MS } from '#shared/domain/payment.ts';
import { registerPayment } from '#shared/payments/registration.ts';
import { PROBE_DELAYS_MS } from '#shared/payments/schedule.ts';
import { REPEATED_FAILURES, SWEEP_LEASE_MS } from '#shared/payments/sweep.ts';
import { SHARED_LOOKUP_PAGES } from '#shared/payments/sync.ts';
import { type ApiEnvironment, RETURN_ORIGIN, startApi } from '#test/support/api.ts';

// Issue 19 item 1-3: each payment and push is its own unit of work. A PAYON answer outside
// 0000/9999, or an HTTP 4xx with a JSON body, for one of them is counted and backed off, and the
// run goes on; runs do not overlap; the orders walk is bounded.
describe('the sweep when PAYON refuses one read', () => {
  let api: ApiEnvironment;
  let now = Date.now();

  beforeAll(async () => {
    api = await startApi({ clock: () => new Date(now) });
    api.sandbox.updateMerchant('C0000143', { notifyUrl: null });
  });
  afterAll(() => api.stop());
  beforeEach(() => {
    now = Date.now();
    api.sandbox.clearFaults();
  });

  const register = async () =>
    (
      await registerPayment(api.deps, {
        kind: 'purchase',
        amount: money(1_250, 'USD'),
        paymentMethod: 'CREDIT_DEBIT',
        returnUrl: `${RETURN_ORIGIN}/r`,
      })
    ).txId;
  const item = async (txId: string) =>
    (await api.scan()).find((i) => i.type === 'payment' && i.txId === txId);

  const refusals = [
    [
      'HTTP 400 with a JSON body',
      { kind: 'answer', status: 400, json: { resultCode: '0002', resultMsg: 'Invalid parameter' } },
    ],
    [
      'result code 3003 on HTTP 200',
      {
        kind: 'answer',
        status: 200,
        json: { resultCode: '3003', resultMsg: 'Not allowed', resultData: null },
      },
    ],
    ['HTTP 401 twice', { kind: 'answer', status: 401, text: '1', times: 2 }],
  ] as const;

  it.each(refusals)(
    'a status read refused with %s for one payment: the others are confirmed, the refused one is rescheduled',
    async (_, fault) => {
      const refused = await register();
      const others = [await register(), await register()];
      for (const txId of [refused, ...others]) api.sandbox.pay(txId, 'approve');
      await api.events();
      api.sandbox.addFault({
        path: '/pg/transaction/status',
        txId: refused,
        times: 1,
        ...fault,
      });

      now += FIRST_SYNC_DELAY_MS;
      const report = await api.sweep();

      expect(report.payments).toMatchObject({ probed: 3, changed: 2, refused: 1 });
      for (const txId of others) expect((await item(txId))?.state).toBe('SUCCEEDED');
      const stored = await item(refused);
      expect(stored).toMatchObject({ state: 'PENDING', syncAttempts: 1, syncFailures: 1 });
      // Backed off to its next probe (5 minutes), not left due for the next run to fail on first.
      expect(String(stored?.gsi1sk)).toMatch(
        new RegExp(`^${new Date(now + (PROBE_DELAYS_MS[0] ?? 0)).toISOString()}#`),
      );
      // PAYON answers again: the next probe confirms it, and its failures are forgotten.
      now += PROBE_DELAYS_MS[0] ?? 0;
      await api.sweep();
      expect(await item(refused)).toMatchObject({ state: 'SUCCEEDED' });
      expect((await api.events()).map((e) => e.type)).toEqual([
        'payment.succeeded',
        'payment.succeeded',
        'payment.succeeded',
      ]);
    },
  );

  it('a payment whose orders list PAYON never answers is escalated at the end of its schedule, never EXPIRED on its status alone', async () => {
    const txId = await register();
    // PAYON's status answers (302/9999: not paid, or declined); its orders list fails every time.
    api.sandbox.addFault({ path: '/pg/orders', times: 100_000, kind: '5xx', status: 503 });
    const unreachable: number[] = [];
    now += FIRST_SYNC_DELAY_MS;
    for (let probe = 1; probe <= PROBE_DELAYS_MS.length + 1; probe += 1) {
      const report = await api.sweep();
      unreachable.push(report.payments.unreachable);
      const due = (await api.deps.payments.get(txId))?.nextSyncAt;
      if (due) now = Math.max(now, Date.parse(due));
    }
    api.sandbox.clearFaults();

    expect(unreachable.every((n) => n === 1)).toBe(true);
    const stored = await item(txId);
    expect(stored).toMatchObject({ state: 'PENDING', syncFailures: PROBE_DELAYS_MS.length + 1 });
    expect(stored?.escalatedAt).toBeDefined();
  });

  it('a payment PAYON keeps refusing is alarmed from its third failed probe, and at the end of its schedule goes to an operator instead of EXPIRED', async () => {
    const txId = await register();
    api.sandbox.addFault({
      path: '/pg/transaction/status',
      txId,
      times: 1_000,
      kind: 'answer',
      status: 200,
      json: { resultCode: '0006', resultMsg: 'System maintenance' },
    });
    const metrics = vi.spyOn(api.deps.metrics, 'addMetric');
    const repeated: number[] = [];
    now += FIRST_SYNC_DELAY_MS;
    for (let probe = 1; probe <= PROBE_DELAYS_MS.length + 1; probe += 1) {
      const report = await api.sweep();
      repeated.push(report.payments.repeatedFailures);
      const due = (await api.deps.payments.get(txId))?.nextSyncAt;
      if (due) now = Math.max(now, Date.parse(due));
    }

    expect(repeated.slice(0, REPEATED_FAILURES - 1)).toEqual(Array(REPEATED_FAILURES - 1).fill(0));
    expect(repeated.slice(REPEATED_FAILURES - 1).every((n) => n === 1)).toBe(true);
    expect(metrics.mock.calls.filter((c) => c[0] === 'sweep.repeatedFailures').length).toBe(
      PROBE_DELAYS_MS.length + 2 - REPEATED_FAILURES,
    );
    expect(metrics.mock.calls.map((c) => c[0])).toContain('sweep.escalated');
    metrics.mockRestore();
    const stored = await item(txId);
    // Nothing PAYON said: never EXPIRED on failed reads; an operator looks, and it is still asked.
    expect(stored).toMatchObject({ state: 'PENDING', syncFailures: PROBE_DELAYS_MS.length + 1 });
    expect(stored?.escalatedAt).toBeDefined();
    expect(stored?.gsi1pk).toBe('SYNC');
  });

  it('a push whose confirmation PAYON refuses is backed off; the push after it is confirmed in the same run', async () => {
    const refused = await register();
    const other = await register();
    for (const txId of [refused, other]) api.sandbox.pay(txId, 'approve');
    await api.events();
    api.sandbox.addFault({
      path: '/pg/transaction/status',
      txId: refused,
      // The push's confirmation, and the same run's probe of the payment.
      times: 2,
      kind: 'answer',
      status: 400,
      json: { resultCode: '0001', resultMsg: 'Invalid request' },
    });
    // The hand-off to the queue is down: the sweep is what confirms both pushes.
    api.confirmQueue.down = true;
    try {
      for (const txId of [refused, other]) {
        expect((await api.push({ txId, resultCode: '0000', resultMsg: 'Success' })).status).toBe(
          200,
        );
      }
    } finally {
      api.confirmQueue.down = false;
    }
    const pushes = () =>
      api
        .scan()
        .then((items) =>
          items.filter(
            (i) => i.type === 'notification' && [refused, other].includes(String(i.txId)),
          ),
        );
    const received = await pushes();
    now = Math.max(...received.map((n) => Date.parse(String(n.gsi1sk).split('#')[0] ?? '')));
    const report = await api.sweep();

    expect(report.notifications).toEqual({ confirmed: 2, failed: 0 });
    const after = await pushes();
    expect(after.find((n) => n.txId === other)).toMatchObject({ status: 'agreed' });
    expect(after.find((n) => n.txId === refused)).toMatchObject({
      status: 'received',
      attempts: 1,
    });
    expect((await item(other))?.state).toBe('SUCCEEDED');
    expect((await item(refused))?.state).toBe('PENDING');
  });

  it('stops reading the orders list when PAYON repeats a full page, and concludes nothing from it', async () => {
    const txId = await register();
    api.sandbox.pay(txId, 'decline');
    const row = (id: string) => ({
      txDt: '20261201',
      tracNo: id,
      amount: 12.5,
      currencyCode: 'USD',
      resultCd: '0005',
      settleYn: 'N',
      cancelYn: 'N',
      refundYn: 'N',
    });
    // A server that ignores `index`: the same 500 rows, every page.
    api.sandbox.addFault({
      path: '/pg/orders',
      kind: 'answer',
      json: [
        row(txId),
        ...Array.from({ length: 499 }, (_, i) => row(`9${String(i).padStart(15, '0')}`)),
      ],
      times: SHARED_LOOKUP_PAGES + 10,
    });
    const before = api.sandbox.journal.requests('/pg/orders').length;
    // Past expiry and grace: a complete list with only this decline would make it FAILED.
    now += 60 * 60_000;
    await api.sweep();

    expect(api.sandbox.journal.requests('/pg/orders').length - before).toBe(2);
    expect(await item(txId)).toMatchObject({ state: 'PENDING' });
  });

  it('does not run while another run holds the sweep, and runs once that lease has expired', async () => {
    const txId = await register();
    api.sandbox.pay(txId, 'approve');
    await api.events();
    expect(
      await api.deps.leases.acquire('sweep', {
        holder: 'another-run',
        now: new Date(now),
        ms: SWEEP_LEASE_MS,
      }),
    ).toBe(true);
    now += FIRST_SYNC_DELAY_MS;
    const skipped = await api.sweep();
    const stateWhileHeld = (await item(txId))?.state;
    now += SWEEP_LEASE_MS;
    const ran = await api.sweep();
    const parallel = await Promise.all([api.sweep(), api.sweep(), api.sweep()]);

    expect(skipped).toMatchObject({ skipped: true, payments: { probed: 0 } });
    expect(stateWhileHeld).toBe('PENDING');
    expect(ran).toMatchObject({ skipped: false, payments: { probed: 1, changed: 1 } });
    expect((await item(txId))?.state).toBe('SUCCEEDED');
    // Runs started together: one at least takes the lease, and each gives it back when done.
    expect(parallel.filter((r) => !r.skipped).length).toBeGreaterThanOrEqual(1);
    expect((await api.scan()).filter((i) => i.type === 'lease')).toEqual([]);
  });
});
