import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32, randomSeed } from '#local/payon-sandbox/prng.ts';
import { containsCardNumber } from '#shared/domain/card.ts';
import { money } from '#shared/domain/money.ts';
import type { Payment } from '#shared/domain/payment.ts';
import type { PaymentState } from '#shared/domain/payment-state.ts';
import type { PaymentEvent } from '#shared/events/envelope.ts';
import type { EventPublisher } from '#shared/events/publisher.ts';
import { registerPayment } from '#shared/payments/registration.ts';
import { type ApiEnvironment, RETURN_ORIGIN, startApi } from '#test/support/api.ts';

const SEED = Number(process.env.CHAOS_SEED ?? randomSeed());
const PAYMENTS = 1_000;
const EVENT_STATES: readonly PaymentState[] = [
  'AUTHORIZED',
  'SUCCEEDED',
  'FAILED',
  'EXPIRED',
  'CANCELLED',
  'REFUNDED',
];

// The whole notification path under chaos: the sandbox pushes over HTTP to the webhook with
// duplicates, reordering, delays, drops and (in the second half) forged successes; the test adds
// forgeries of its own; then the sweep runs through a simulated day. Replay with CHAOS_SEED.
describe(`chaos: ${PAYMENTS} payments, seed ${SEED}`, () => {
  let api: ApiEnvironment;
  let now = Date.now();
  const rng = mulberry32(SEED);
  const pick = <T>(weighted: readonly (readonly [T, number])[]): T => {
    let r = rng.next();
    for (const [value, weight] of weighted) {
      r -= weight;
      if (r < 0) return value;
    }
    return weighted[weighted.length - 1]?.[0] as T;
  };

  // The bus: events recorded in memory (moto's EventBridge takes ~150 ms an event, too slow for
  // thousands; the EventBridge boundary is tested in webhook.test.ts), refusing a seeded tenth of
  // the batches so the outbox has to redeliver.
  const published: PaymentEvent[] = [];
  const busRng = mulberry32(SEED ^ 0x5bd1e995);
  let refusedBatches = 0;
  const bus: EventPublisher = {
    async publish(events) {
      if (busRng.next() < 0.1) {
        refusedBatches += 1;
        return { delivered: [], failed: new Map(events.map((e) => [e.id, 'Throttled (chaos)'])) };
      }
      published.push(...(events as PaymentEvent[])); // only payments move here
      return { delivered: events.map((e) => e.id), failed: new Map() };
    },
  };

  beforeAll(async () => {
    console.log(`chaos seed ${SEED} (replay: CHAOS_SEED=${SEED})`);
    api = await startApi({
      webhook: true,
      sandbox: { seed: SEED },
      clock: () => new Date(now),
      publisher: () => bus,
    });
  });
  afterAll(() => api.stop());

  it('ends with every payment right, nothing stuck, no forgery effective, one event id per transition', async () => {
    const payments: {
      txId: string;
      kind: 'purchase' | 'preauth';
      outcome: 'approve' | 'decline' | 'insufficient_funds' | 'unpaid';
    }[] = [];
    const register = async (index: number) => {
      const kind = pick([
        ['purchase', 0.8],
        ['preauth', 0.2],
      ] as const);
      const outcome = pick([
        ['approve', 0.45],
        ['decline', 0.25],
        ['insufficient_funds', 0.1],
        ['unpaid', 0.2],
      ] as const);
      const payment = await registerPayment(api.deps, {
        kind,
        amount: money(100 + index, 'USD'),
        paymentMethod: 'CREDIT_DEBIT',
        returnUrl: `${RETURN_ORIGIN}/r`,
      });
      payments.push({ txId: payment.txId, kind, outcome });
    };
    // Decided before any I/O so the seed alone fixes every choice.
    for (let start = 0; start < PAYMENTS; start += 20) {
      await Promise.all(Array.from({ length: 20 }, (_, i) => register(start + i)));
    }
    const pay = async (from: number, to: number) => {
      for (const p of payments.slice(from, to)) {
        if (p.outcome !== 'unpaid') api.sandbox.pay(p.txId, p.outcome);
      }
      // Pushes wait out their delay and reorder window before they are queued to be sent.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await api.sandbox.pushesSettled();
      await api.settle();
    };
    // First half: duplicated, reordered, delayed, partly dropped pushes.
    api.sandbox.setPushChaos({
      duplicates: 2,
      reorder: true,
      reorderWindowSize: 7,
      reorderWindowMs: 200,
      delayMs: 20,
      dropRate: 0.3,
    });
    await pay(0, PAYMENTS / 2);
    // Second half: PAYON's pushes also lie about declines (0000 for a declined payment).
    api.sandbox.setPushChaos({ forgeSuccessForDeclined: true, duplicates: 1, dropRate: 0.2 });
    await pay(PAYMENTS / 2, PAYMENTS);

    // Forgeries of our own: a wrong token, a leaked token claiming success for unpaid payments,
    // and pushes for payments that do not exist.
    const unpaid = payments.filter((p) => p.outcome === 'unpaid');
    const wrongToken = await Promise.all(
      payments
        .slice(0, 50)
        .map((p) =>
          api.push(
            { txId: p.txId, resultCode: '0000', resultMsg: 'Success' },
            { token: `f${'x'.repeat(39)}` },
          ),
        ),
    );
    const leaked = await Promise.all(
      unpaid
        .slice(0, 50)
        .map((p) => api.push({ txId: p.txId, resultCode: '0000', resultMsg: 'Success' })),
    );
    // Ids no payment has (and, like ours, never card-like, which the webhook refuses).
    const ghosts = Array.from({ length: 40 }, (_, i) => `91${String(i).padStart(14, '0')}`)
      .filter((id) => !containsCardNumber(id))
      .slice(0, 20);
    const ghostAnswers = await Promise.all(
      ghosts.map((txId) => api.push({ txId, resultCode: '0000', resultMsg: 'Success' })),
    );
    expect(ghostAnswers.map((a) => a.status)).toEqual(Array(20).fill(200));
    await api.settle();

    // A simulated day and a bit: the sweep runs until nothing is due at each step.
    const steps = [
      ...Array.from({ length: 8 }, () => 5 * 60_000),
      ...Array.from({ length: 27 }, () => 3_600_000),
    ];
    let sweeps = 0;
    for (const step of steps) {
      now += step;
      for (;;) {
        const report = await api.sweep();
        sweeps += 1;
        if (
          report.payments.probed === 0 &&
          report.notifications.confirmed === 0 &&
          report.events.delivered === 0
        )
          break;
      }
    }

    // Every payment: SUCCEEDED/AUTHORIZED exactly when the sandbox's ledger approved it.
    const stored = new Map<string, Payment>();
    for (const p of payments) {
      const payment = await api.deps.payments.get(p.txId);
      if (payment) stored.set(p.txId, payment);
    }
    const wrong: string[] = [];
    const counts: Record<string, number> = {};
    for (const p of payments) {
      const ledger = api.sandbox.transaction(p.txId)?.state;
      const state = stored.get(p.txId)?.snapshot.state ?? 'MISSING';
      counts[state] = (counts[state] ?? 0) + 1;
      const approved = ledger === 'APPROVED';
      const confirmed = p.kind === 'preauth' ? 'AUTHORIZED' : 'SUCCEEDED';
      const ok = approved ? state === confirmed : state === 'FAILED' || state === 'EXPIRED';
      if (!ok) wrong.push(`${p.txId} ${p.kind} ledger ${ledger} → ${state}`);
    }
    console.log(
      `chaos seed ${SEED}: ${JSON.stringify(counts)} after ${sweeps} sweeps; pushes ${JSON.stringify(api.sandbox.journal.counts().pushes)}`,
    );
    expect(wrong).toEqual([]);

    // Nothing stuck: no payment or notification still waiting.
    const items = await api.scan();
    const stuckPayments = items.filter(
      (i) => i.type === 'payment' && ['CREATED', 'PENDING', 'UNKNOWN'].includes(String(i.state)),
    );
    const stuckNotifications = items.filter(
      (i) =>
        i.type === 'notification' && ['received', 'waiting_payment'].includes(String(i.status)),
    );
    expect(stuckPayments).toEqual([]);
    expect(stuckNotifications).toEqual([]);
    expect(items.filter((i) => i.gsi1pk !== undefined)).toEqual([]);

    // No forgery changed anything: the wrong token stored nothing; leaked-token claims were
    // judged disagreements and those payments expired; ghosts are kept as orphans.
    expect(wrongToken.every((a) => a.status === 404)).toBe(true);
    expect(leaked.every((a) => a.status === 200)).toBe(true);
    for (const p of unpaid.slice(0, 50)) {
      expect(stored.get(p.txId)?.snapshot.state).toBe('EXPIRED');
      const claims = items.filter((i) => i.type === 'notification' && i.txId === p.txId);
      expect(claims.map((c) => c.status)).toEqual(['disagreed']);
    }
    const orphans = items.filter(
      (i) => i.type === 'notification' && ghosts.includes(String(i.txId)),
    );
    expect(orphans.map((o) => o.status)).toEqual(Array(ghosts.length).fill('orphaned'));
    // Declines pushed as 0000 by PAYON itself (second half) were disagreements, never successes.
    const forgedByPayon = items.filter(
      (i) =>
        i.type === 'notification' &&
        i.resultCode === '0000' &&
        ['DECLINED'].includes(String(api.sandbox.transaction(String(i.txId))?.state)),
    );
    expect(forgedByPayon.length).toBeGreaterThan(0);
    expect(new Set(forgedByPayon.map((n) => n.status))).toEqual(new Set(['disagreed']));

    // Events: every transition to an announced state has exactly one distinct event id, delivered.
    const delivered = published;
    expect(refusedBatches).toBeGreaterThan(0);
    const idsByPayment = new Map<string, Set<string>>();
    for (const event of delivered) {
      const ids = idsByPayment.get(event.payment.id) ?? new Set<string>();
      ids.add(event.id);
      idsByPayment.set(event.payment.id, ids);
    }
    const mismatched: string[] = [];
    for (const [txId, payment] of stored) {
      // Transitions to an announced state, and each declined attempt PAYON's orders list showed.
      const expected = payment.history.filter(
        (h) => (h.from !== h.to && EVENT_STATES.includes(h.to)) || h.change === 'attempt_declined',
      ).length;
      const ids = idsByPayment.get(txId)?.size ?? 0;
      if (ids !== expected)
        mismatched.push(`${txId}: ${ids} event ids for ${expected} transitions`);
    }
    expect(mismatched).toEqual([]);
    const outbox = items.filter((i) => i.type === 'event');
    expect(outbox.length).toBe([...idsByPayment.values()].reduce((n, ids) => n + ids.size, 0));
    expect(outbox.every((o) => typeof o.deliveredAt === 'string')).toBe(true);
  }, 600_000);
});
