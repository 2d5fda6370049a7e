import { randomUUID } from 'node:crypto';
import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '#local/payon-sandbox/prng.ts';
import { money } from '#shared/domain/money.ts';
import {
  markUnknown,
  newPayment,
  noteAttention,
  type Payment,
  recordDecline,
  transition,
} from '#shared/domain/payment.ts';
import { PAYMENT_METHODS, type PaymentMethod } from '#shared/domain/payment-method.ts';
import type { PaymentState } from '#shared/domain/payment-state.ts';
import { type ApiEnvironment, RETURN_ORIGIN, startApi } from '#test/support/api.ts';

const PAYMENTS = 1_000;
const DAYS = ['2026-11-27', '2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01'];
const REFERENCES = ['order-1', 'order-2', 'order-3', 'order-4'];
const CLIENTS = ['cust-a', 'cust-b', 'cust-c'];
const ICT = 7 * 3_600_000;

/** What the test made, and what it expects the list to say about it (computed here, not read back). */
interface Made {
  readonly txId: string;
  readonly createdAt: string;
  readonly day: string;
  readonly state: PaymentState;
  readonly kind: 'purchase' | 'preauth';
  readonly method: PaymentMethod;
  readonly reference: string | undefined;
  readonly clientId: string | undefined;
  readonly flagged: boolean;
}

interface Query {
  readonly states?: PaymentState[];
  readonly paymentMethod?: PaymentMethod;
  readonly kind?: 'purchase' | 'preauth';
  readonly reference?: string;
  readonly clientId?: string;
  readonly day?: string;
  readonly from?: string;
  readonly to?: string;
  readonly needsAttention?: boolean;
  readonly limit: number;
}

const queryString = (q: Query, cursor?: string) =>
  new URLSearchParams({
    ...(q.states ? { state: q.states.join(',') } : {}),
    ...(q.paymentMethod ? { paymentMethod: q.paymentMethod } : {}),
    ...(q.kind ? { kind: q.kind } : {}),
    ...(q.reference ? { reference: q.reference } : {}),
    ...(q.clientId ? { clientId: q.clientId } : {}),
    ...(q.day ? { day: q.day } : {}),
    ...(q.from ? { createdFrom: q.from } : {}),
    ...(q.to ? { createdTo: q.to } : {}),
    ...(q.needsAttention ? { needsAttention: 'true' } : {}),
    limit: String(q.limit),
    ...(cursor ? { cursor } : {}),
  }).toString();

/** The expected answer, computed from what the test made. */
function expected(made: readonly Made[], q: Query): string[] {
  return made
    .filter(
      (m) =>
        (!q.states || q.states.includes(m.state)) &&
        (!q.paymentMethod || m.method === q.paymentMethod) &&
        (!q.kind || m.kind === q.kind) &&
        (!q.reference || m.reference === q.reference) &&
        (!q.clientId || m.clientId === q.clientId) &&
        (!q.day || m.day === q.day) &&
        (!q.from || Date.parse(m.createdAt) >= Date.parse(q.from)) &&
        (!q.to || Date.parse(m.createdAt) < Date.parse(q.to)) &&
        (!q.needsAttention || m.flagged),
    )
    .sort((a, b) =>
      a.createdAt === b.createdAt ? (a.txId < b.txId ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1,
    )
    .map((m) => m.txId);
}

// docs/data-model.md "Listing payments": GET /payments through the real handler against DynamoDB
// Local, 1,000 payments over five Cambodian days in every state; fast-check draws the filters.
describe('GET /payments', () => {
  let api: ApiEnvironment;
  const made: Made[] = [];

  beforeAll(async () => {
    api = await startApi({ eventTap: false });
    const rng = mulberry32(20261202);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rng.next() * items.length)] as T;
    const store = api.deps.payments;
    const build = async (i: number): Promise<Made> => {
      const day = pick(DAYS);
      // A random instant inside the Cambodian day; some share an instant (ties go by txId).
      const at = new Date(
        Date.parse(`${day}T00:00:00Z`) - ICT + Math.floor(rng.next() * 86_400) * 1_000,
      );
      const kind = rng.next() < 0.3 ? 'preauth' : 'purchase';
      const method = pick(PAYMENT_METHODS);
      const reference = rng.next() < 0.3 ? pick(REFERENCES) : undefined;
      const clientId = rng.next() < 0.25 ? pick(CLIENTS) : undefined;
      let p: Payment = newPayment(
        {
          txId: api.deps.nextTxId(),
          kind,
          paymentMethod: method,
          amount: money(100 + i, 'USD'),
          returnUrl: `${RETURN_ORIGIN}/done`,
          ...(reference ? { reference } : {}),
          ...(clientId ? { clientId, bindingId: `bind-${clientId}` } : {}),
        },
        at,
      );
      await store.create(p);
      const later = (minutes: number) => new Date(at.getTime() + minutes * 60_000);
      const move = async (next: Payment) => {
        await store.update(next);
        p = next;
      };
      const paid = kind === 'preauth' ? 'AUTHORIZED' : 'SUCCEEDED';
      const source = 'status_pull' as const;
      let flagged = false;
      const path = pick([
        'created',
        'pending',
        'declined',
        'paid',
        'failed',
        'unknown',
        'late',
        'mismatch',
      ]);
      if (path !== 'created') {
        await move(
          transition(p, { to: 'PENDING', source: 'payon', reason: 'registered', now: later(0) }),
        );
      }
      if (path === 'declined') {
        await move(
          recordDecline(
            p,
            { at: later(1).toISOString(), payonCode: '9999', payonMessage: undefined, count: 1 },
            later(1),
          ),
        );
        flagged = true;
      }
      if (path === 'paid' || path === 'unknown' || path === 'mismatch') {
        await move(transition(p, { to: paid, source, reason: 'paid', now: later(2) }));
      }
      if (path === 'failed' || path === 'late') {
        await move(transition(p, { to: 'FAILED', source, reason: 'declined', now: later(30) }));
      }
      if (path === 'late') {
        await move(transition(p, { to: paid, source, reason: 'late', now: later(40) }));
        flagged = true;
      }
      if (path === 'unknown') {
        await move(
          markUnknown(p, {
            operation: kind === 'preauth' ? 'cancel' : 'refund',
            reason: 'no answer',
            now: later(5),
          }),
        );
        flagged = true;
      }
      if (path === 'mismatch') {
        const noted = noteAttention(p, {
          change: 'amount_mismatch',
          source,
          reason: 'other amount',
          now: later(6),
        });
        if (noted) await move(noted);
        flagged = true;
      }
      return {
        txId: p.txId,
        createdAt: p.createdAt,
        day,
        state: p.snapshot.state,
        kind,
        method,
        reference,
        clientId,
        flagged,
      };
    };
    for (let i = 0; i < PAYMENTS; i += 25) {
      made.push(...(await Promise.all(Array.from({ length: 25 }, (_, j) => build(i + j)))));
    }
  }, 180_000);
  afterAll(() => api.stop());

  const pageThrough = async (q: Query) => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 1_100; pages += 1) {
      const answer = await api.call('GET', `/payments?${queryString(q, cursor)}`);
      expect(answer.status, answer.text).toBe(200);
      const body = answer.body as { items: { id: string }[]; nextCursor?: string };
      expect(body.items.length).toBeLessThanOrEqual(q.limit);
      seen.push(...body.items.map((i) => i.id));
      cursor = body.nextCursor;
      if (cursor === undefined) return seen;
    }
    throw new Error('the cursor never ended');
  };

  /** Each filter in about a third of the queries, so that most combinations match something. */
  const sometimes = <T>(arb: fc.Arbitrary<T>) =>
    fc.tuple(fc.integer({ min: 0, max: 8 }), arb).map(([r, v]) => (r < 3 ? v : undefined));
  const queries: fc.Arbitrary<Query> = fc
    .record({
      states: sometimes(
        fc.subarray(
          ['CREATED', 'PENDING', 'AUTHORIZED', 'SUCCEEDED', 'FAILED', 'UNKNOWN'] as PaymentState[],
          { minLength: 1, maxLength: 3 },
        ),
      ),
      paymentMethod: sometimes(fc.constantFrom(...PAYMENT_METHODS)),
      kind: sometimes(fc.constantFrom('purchase' as const, 'preauth' as const)),
      reference: sometimes(fc.constantFrom(...REFERENCES)),
      clientId: sometimes(fc.constantFrom(...CLIENTS)),
      day: sometimes(fc.constantFrom(...DAYS)),
      range: sometimes(
        fc.tuple(fc.integer({ min: 0, max: 4 * 24 }), fc.integer({ min: 1, max: 48 })),
      ),
      needsAttention: sometimes(fc.constant(true)),
      limit: fc.integer({ min: 5, max: 100 }),
    })
    .map(({ range, day, ...rest }) => {
      const set = Object.fromEntries(
        Object.entries(rest).filter(([, v]) => v !== undefined),
      ) as unknown as Query;
      if (range === undefined) return day === undefined ? set : { ...set, day };
      const from = Date.parse(`${DAYS[0]}T00:00:00+07:00`) + range[0] * 3_600_000;
      return {
        ...set,
        from: new Date(from).toISOString(),
        to: new Date(from + range[1] * 3_600_000).toISOString().replace('Z', '+00:00'),
      };
    });

  it('answers exactly the matching payments, newest first, paged without gaps or repeats, by Query and Get only', async () => {
    api.io.reset();
    let multiPage = 0;
    await fc.assert(
      fc.asyncProperty(queries, async (q) => {
        const listed = await pageThrough(q);
        expect(listed).toEqual(expected(made, q));
        if (listed.length > q.limit) multiPage += 1;
      }),
      { numRuns: 60, seed: 20261202 },
    );
    // The draws reach past one page often enough to test the cursor.
    expect(multiPage).toBeGreaterThan(5);
    const commands = Object.keys(api.io.read().aws);
    expect(commands.filter((c) => c.startsWith('dynamodb:')).sort()).toEqual(
      expect.arrayContaining(['dynamodb:QueryCommand']),
    );
    expect(
      commands.filter(
        (c) =>
          c.startsWith('dynamodb:') &&
          c !== 'dynamodb:QueryCommand' &&
          c !== 'dynamodb:BatchGetItemCommand',
      ),
    ).toEqual([]);
  }, 240_000);

  it('lists every payment with no filter, newest first', async () => {
    const listed = await pageThrough({ limit: 100 });
    expect(listed).toEqual(expected(made, { limit: 100 }));
    expect(listed).toHaveLength(PAYMENTS);
  }, 60_000);

  it('lists only flagged payments from their own partition (needsAttention=true)', async () => {
    const listed = await pageThrough({ needsAttention: true, limit: 50 });
    expect(listed.length).toBeGreaterThan(100);
    expect(listed).toEqual(expected(made, { needsAttention: true, limit: 50 }));
  }, 60_000);

  it('refuses an altered cursor, and a cursor sent with other filters (400, field cursor)', async () => {
    const first = await api.call('GET', '/payments?limit=5&state=SUCCEEDED');
    const cursor = (first.body as { nextCursor: string }).nextCursor;
    expect(cursor).toEqual(expect.any(String));
    const [body = '', mac = ''] = cursor.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), a: '0' }),
    ).toString('base64url');
    for (const bad of [`${forged}.${mac}`, `${body}.${mac.slice(1)}x`, 'garbage', `${body}`]) {
      const refused = await api.call(
        'GET',
        `/payments?limit=5&state=SUCCEEDED&cursor=${encodeURIComponent(bad)}`,
      );
      expect(refused.status, bad).toBe(400);
      expect(refused.body).toMatchObject({ error: { fields: [{ field: 'cursor' }] } });
    }
    const otherFilters = await api.call(
      'GET',
      `/payments?limit=5&state=FAILED&cursor=${encodeURIComponent(cursor)}`,
    );
    expect(otherFilters.status).toBe(400);
    expect(JSON.stringify(otherFilters.body)).toContain('other filters');
    const same = await api.call(
      'GET',
      `/payments?limit=5&state=SUCCEEDED&cursor=${encodeURIComponent(cursor)}`,
    );
    expect(same.status).toBe(200);
  });

  it.each([
    ['day=2026-12-01&createdFrom=2026-12-01T00:00:00Z', 'day'],
    ['state=PAID', 'state'],
    ['limit=101', 'limit'],
    ['createdFrom=yesterday', 'createdFrom'],
    ['createdFrom=2026-12-02T00:00:00Z&createdTo=2026-12-01T00:00:00Z', 'createdFrom'],
    ['needsAttention=yes', 'needsAttention'],
    ['colour=red', ''],
  ])('refuses %s with 400 naming %s', async (query, field) => {
    const refused = await api.call('GET', `/payments?${query}`);
    expect(refused.status, refused.text).toBe(400);
    const fields = (refused.body as { error: { fields: { field: string }[] } }).error.fields;
    expect(fields.map((f) => f.field).join(' ')).toContain(field);
  });
});

// docs/payon-assumptions.md A60: a merchant reference belongs to one live payment.
describe('merchant references', () => {
  let api: ApiEnvironment;
  beforeAll(async () => {
    api = await startApi({ eventTap: false });
  });
  afterAll(() => api.stop());

  const register = (reference: string, extra: Record<string, unknown> = {}) =>
    api.call('POST', '/payments', {
      idempotencyKey: randomUUID(),
      body: {
        amount: { value: '5.00', currency: 'USD' },
        paymentMethod: 'CREDIT_DEBIT',
        returnUrl: `${RETURN_ORIGIN}/done`,
        reference,
        ...extra,
      },
    });

  it('refuses a second live payment for a reference with 409 reference_in_use naming the first', async () => {
    const first = await register('order-98765');
    expect(first.status, first.text).toBe(201);
    const id = (first.body as { id: string }).id;

    const second = await register('order-98765');

    expect(second.status, second.text).toBe(409);
    expect(second.body).toMatchObject({ error: { code: 'reference_in_use', paymentId: id } });
    expect((second.body as { error: { message: string } }).error.message).toContain(id);
    const listed = await api.call('GET', '/payments?reference=order-98765');
    expect((listed.body as { items: { id: string }[] }).items.map((i) => i.id)).toEqual([id]);
  });

  it('registers another payment for the reference when asked to (allowDuplicateReference)', async () => {
    const first = await register('order-2000');
    const second = await register('order-2000', { allowDuplicateReference: true });
    expect(second.status, second.text).toBe(201);
    const listed = await api.call('GET', '/payments?reference=order-2000');
    expect((listed.body as { items: { id: string }[] }).items.map((i) => i.id)).toEqual([
      (second.body as { id: string }).id,
      (first.body as { id: string }).id,
    ]);
  });

  it('lets a retry after a failed payment take the reference', async () => {
    api.sandbox.addFault({
      path: '/pg/order/register',
      kind: 'answer',
      times: 1,
      json: { resultCode: '0006', resultMsg: 'Invalid request' },
    });
    const refused = await register('order-3000');
    expect(refused.status, refused.text).toBeGreaterThanOrEqual(400);
    const failed = await api.call('GET', '/payments?reference=order-3000');
    const [gone] = (failed.body as { items: { id: string; state: string }[] }).items;
    expect(gone?.state).toBe('FAILED');

    const retry = await register('order-3000');

    expect(retry.status, retry.text).toBe(201);
  });
});
