import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BUSINESS_WIDGETS } from '#infra/monitoring.ts';
import { ATTENTION_FLAGS, attentionOf } from '#shared/domain/attention.ts';
import { CURRENCIES, type Currency, money } from '#shared/domain/money.ts';
import {
  markUnknown,
  newPayment,
  noteAttention,
  type Payment,
  recordDecline,
  transition,
} from '#shared/domain/payment.ts';
import { PAYMENT_METHODS, type PaymentMethod } from '#shared/domain/payment-method.ts';
import type { KnownState } from '#shared/domain/payment-state.ts';
import { eventFor } from '#shared/events/envelope.ts';
import { DIFFERENCE_KINDS } from '#shared/reconciliation/compare.ts';
import {
  BUSINESS_METRICS,
  paymentMeasurements,
  publish,
  reconciliationMeasurements,
} from '#shared/runtime/business-metrics.ts';
import { METRIC_NAMESPACE } from '#shared/runtime/metrics.ts';

/** One EMF line as CloudWatch reads it: a metric, its dimension sets, its values. */
interface Emitted {
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  readonly dimensionSets: string[][];
  readonly values: Record<string, string>;
}

// What the functions print is what CloudWatch turns into metrics: the EMF lines on stdout.
let printed: string[] = [];
beforeEach(() => {
  printed = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

const metrics = () => new Metrics({ serviceName: 'payon-test', namespace: METRIC_NAMESPACE });

function emitted(): Emitted[] {
  return printed
    .flatMap((chunk) => chunk.split('\n'))
    .filter((text) => text.includes('"_aws"'))
    .flatMap((text) => {
      const blob = JSON.parse(text) as Record<string, unknown> & {
        _aws: {
          CloudWatchMetrics: {
            Namespace: string;
            Dimensions: string[][];
            Metrics: { Name: string; Unit: string }[];
          }[];
        };
      };
      return blob._aws.CloudWatchMetrics.flatMap((directive) => {
        expect(directive.Namespace).toBe('PayonServerless');
        return directive.Metrics.map((m) => ({
          name: m.Name,
          unit: m.Unit,
          value: blob[m.Name] as number,
          dimensionSets: directive.Dimensions.map((set) => [...set].sort()),
          values: Object.fromEntries(
            directive.Dimensions.flat().map((d) => [d, String(blob[d])]),
          ) as Record<string, string>,
        }));
      });
    });
}

const T0 = new Date('2026-11-20T03:00:00Z');
let seq = 0;

function created(
  kind: 'purchase' | 'preauth',
  method: PaymentMethod = 'CREDIT_DEBIT',
  currency: Currency = 'USD',
): Payment {
  seq += 1;
  return newPayment(
    {
      txId: `17950000000${String(seq).padStart(5, '0')}`,
      kind,
      paymentMethod: method,
      amount: money(1_250, currency),
      returnUrl: 'https://shop.example.com/done',
    },
    T0,
  );
}

const to =
  (state: KnownState, changes = {}) =>
  (p: Payment) =>
    transition(p, { to: state, source: 'status_pull', reason: `to ${state}`, now: T0, changes });

/** Publishes what the store tells its observer for each step's committed write (as it does). */
function lifecycle(first: Payment, ...steps: ((p: Payment) => Payment)[]): Payment {
  const sink = metrics();
  publish(
    sink,
    paymentMeasurements({ payment: first, created: true, before: [], event: undefined }),
  );
  let current = first;
  for (const step of steps) {
    current = step(current);
    publish(
      sink,
      paymentMeasurements({
        payment: current,
        created: false,
        before: current.priorAttention ?? [],
        event: eventFor(current, 'test'),
      }),
    );
  }
  return current;
}

const pending = to('PENDING', { checkoutUrl: 'https://pg.example/c' });
const decline = (attempts: number) => (p: Payment) =>
  recordDecline(
    p,
    { at: T0.toISOString(), payonCode: '9999', payonMessage: undefined, count: attempts },
    T0,
  );

describe('business metrics (EMF)', () => {
  it('counts a payment once per change, by change and by change and method, with its amount', () => {
    lifecycle(created('purchase', 'BAKONG_KHQR'), pending, to('SUCCEEDED'));
    const changes = emitted().filter((e) => e.name === 'payments.changes');
    expect(changes.map((e) => [e.values.change, e.dimensionSets, e.value, e.unit])).toEqual([
      ['created', [['change', 'service']], 1, 'Count'],
      ['created', [['change', 'method', 'service']], 1, 'Count'],
      ['succeeded', [['change', 'service']], 1, 'Count'],
      ['succeeded', [['change', 'method', 'service']], 1, 'Count'],
    ]);
    for (const e of changes) {
      expect(e.values.service).toBe('payon-test');
      if (e.dimensionSets[0]?.includes('method')) expect(e.values.method).toBe('BAKONG_KHQR');
      else expect(e.values).not.toHaveProperty('method');
    }
    expect(emitted().filter((e) => e.name === 'payments.amount')).toEqual([
      {
        name: 'payments.amount',
        unit: 'None',
        value: 12.5,
        dimensionSets: [['change', 'currency', 'service']],
        values: { service: 'payon-test', change: 'succeeded', currency: 'USD' },
      },
    ]);
  });

  it('measures a partial capture and the refund after it at the captured amount', () => {
    lifecycle(
      created('preauth'),
      pending,
      to('AUTHORIZED'),
      to('SUCCEEDED', { capturedAmount: money(1_000, 'USD') }),
      to('REFUNDED'),
    );
    expect(
      emitted()
        .filter((e) => e.name === 'payments.amount')
        .map((e) => [e.values.change, e.value]),
    ).toEqual([
      ['authorized', 12.5],
      ['captured', 10],
      ['refunded', 10],
    ]);
  });

  it('counts declined attempts, and raises a flag once until it ends', () => {
    lifecycle(created('purchase', 'PAYON'), pending, decline(1), decline(2));
    expect(
      emitted()
        .filter((e) => e.name === 'payments.changes' && e.dimensionSets[0]?.length === 3)
        .map((e) => [e.values.change, e.values.method]),
    ).toEqual([
      ['created', 'PAYON'],
      ['attempt_declined', 'PAYON'],
      ['attempt_declined', 'PAYON'],
    ]);
    const raised = emitted().filter((e) => e.name === 'payments.attention');
    expect(raised.map((e) => [e.values.flag, e.value, e.dimensionSets])).toEqual([
      ['declined_attempt', 1, [['flag', 'service']]],
    ]);
  });

  it('counts nothing for a write that changes nothing a merchant is told about', () => {
    const payment = lifecycle(created('purchase'));
    printed = [];
    publish(
      metrics(),
      paymentMeasurements({
        payment: to('PENDING')(payment),
        created: false,
        before: [],
        event: undefined,
      }),
    );
    expect(emitted()).toEqual([]);
  });

  it("counts each reconciliation run's differences by kind", () => {
    publish(
      metrics(),
      reconciliationMeasurements({ fee_differs: 2, rejected: 1, amount_differs: 0 }),
    );
    expect(emitted().map((e) => [e.name, e.values.difference, e.value, e.dimensionSets])).toEqual([
      ['reconciliation.differences', 'fee_differs', 2, [['difference', 'service']]],
      ['reconciliation.differences', 'rejected', 1, [['difference', 'service']]],
    ]);
  });

  it('never throws when the metrics cannot take a data point', () => {
    const broken = {
      singleMetric: () => {
        throw new Error('no metrics here');
      },
    };
    expect(() =>
      publish(broken, [
        { name: 'payments.attention', dimensions: { flag: 'escalated' }, value: 1 },
      ]),
    ).not.toThrow();
  });
});

// Every line of the dashboard's business widgets is a series the code emits: the same name, the
// same dimension set, a value the code produces. The lifecycles below reach every change, method,
// currency, flag and difference the widgets graph.
describe('the dashboard reads what the code emits', () => {
  function emitEverything(): Emitted[] {
    for (const method of PAYMENT_METHODS) {
      for (const currency of CURRENCIES) {
        lifecycle(created('purchase', method, currency), pending, to('SUCCEEDED'), to('REFUNDED'));
        lifecycle(created('purchase', method, currency), pending, to('SUCCEEDED'), to('CANCELLED'));
        lifecycle(
          created('preauth', method, currency),
          pending,
          to('AUTHORIZED'),
          to('SUCCEEDED', { capturedAmount: money(1_250, currency) }),
        );
        lifecycle(created('purchase', method, currency), pending, decline(1), to('FAILED'));
        lifecycle(created('purchase', method, currency), pending, to('EXPIRED'), to('SUCCEEDED'));
      }
    }
    // The flags the lifecycles above do not raise: an unknown move, its escalation, the findings.
    const unknown = lifecycle(created('purchase'), pending, to('SUCCEEDED'), (p) =>
      markUnknown(p, { operation: 'refund', reason: 'no answer', now: T0 }),
    );
    const escalated = { ...unknown, escalatedAt: T0.toISOString() };
    publish(
      metrics(),
      paymentMeasurements({
        payment: escalated,
        created: false,
        before: attentionOf(unknown),
        event: undefined,
      }),
    );
    for (const change of ['amount_mismatch', 'push_disagreed'] as const) {
      lifecycle(created('purchase'), pending, to('SUCCEEDED'), (p) => {
        const noted = noteAttention(p, { change, source: 'status_pull', reason: change, now: T0 });
        if (!noted) throw new Error(`${change} not noted`);
        return noted;
      });
    }
    publish(
      metrics(),
      reconciliationMeasurements(
        Object.fromEntries(Object.keys(DIFFERENCE_KINDS).map((d) => [d, 1])),
      ),
    );
    return emitted();
  }

  // Emitted once, read by every case below.
  let everything: Emitted[] | undefined;
  const all = () => {
    everything ??= emitEverything();
    return everything;
  };

  it('reaches every attention flag (so each widget line below is reachable)', () => {
    const flags = new Set(
      all()
        .filter((e) => e.name === 'payments.attention')
        .map((e) => e.values.flag),
    );
    expect([...flags].sort()).toEqual([...ATTENTION_FLAGS].sort());
  });

  const lines = BUSINESS_WIDGETS.flatMap((w) => [...w.left, ...(w.right ?? [])]).filter(
    (s) => s.metric in BUSINESS_METRICS,
  );
  it.each(lines.map((s) => [`${s.metric} ${JSON.stringify(s.dimensions)}`, s]))(
    '%s is emitted',
    (_, series) => {
      const set = ['service', ...Object.keys(series.dimensions)].sort();
      const matching = all().filter(
        (e) =>
          e.name === series.metric &&
          e.dimensionSets.some((s) => s.join() === set.join()) &&
          Object.entries(series.dimensions).every(([k, v]) => e.values[k] === v),
      );
      expect(matching.length).toBeGreaterThan(0);
    },
  );
});
