import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ApiEnvironment, RETURN_ORIGIN, startApi } from '#test/support/api.ts';
import { paidPayment } from '#test/support/payments.ts';

type Body = Record<string, unknown>;
const key = () => randomUUID();

// POST /payments/{id}/resolve: what PAYON's evidence cannot settle, an operator does, with a reason
// kept in the payment's history (docs/payon-assumptions.md A49). Through the real handlers,
// DynamoDB Local and the sandbox's journal (nothing is ever sent to PAYON by a resolution).
describe('operator resolution of an unknown outcome', () => {
  let api: ApiEnvironment;
  let offsetMs = 0;

  beforeAll(async () => {
    api = await startApi({ clock: () => new Date(Date.now() + offsetMs) });
  });
  afterAll(() => api.stop());
  beforeEach(async () => {
    offsetMs = 0;
    api.sandbox.clearFaults();
    api.sandbox.journal.clear();
    await api.events();
  });

  async function paid(kind: 'purchase' | 'preauth') {
    const id = await paidPayment(api, { kind });
    await api.events();
    return id;
  }

  /** A move PAYON never received (the connection was reset before it arrived): UNKNOWN. */
  async function unknown(op: 'capture' | 'refund', kind: 'purchase' | 'preauth') {
    const id = await paid(kind);
    const path = op === 'capture' ? '/pg/preAuthCompletion' : '/pg/refund';
    api.sandbox.addFault({ path, kind: 'reset', applyFirst: false });
    const first = await api.call('POST', `/payments/${id}/${op}`, {
      idempotencyKey: key(),
      body: op === 'capture' ? { amount: { value: '15.00', currency: 'USD' } } : {},
    });
    expect(first.status).toBe(504);
    return id;
  }

  const resolve = (id: string, body: unknown, idempotencyKey = key()) =>
    api.call('POST', `/payments/${id}/resolve`, { idempotencyKey, body });
  const item = async (id: string) => (await api.scan()).find((i) => i.pk === `PAY#${id}`);

  it('did_not_happen: an unanswered capture returns to AUTHORIZED, and the capture may be sent again', async () => {
    const id = await unknown('capture', 'preauth');
    const reason = 'PAYON support (ticket 4521): no completion was processed for this txId';
    // While it is UNKNOWN nothing is shown as captured; the amount asked for is kept for the evidence
    const whileUnknown = await api.call('GET', `/payments/${id}`);
    expect(whileUnknown.body).toMatchObject({ state: 'UNKNOWN', unknownOperation: 'capture' });
    expect((whileUnknown.body as Body).capturedAmount).toBeUndefined();
    expect(await item(id)).toMatchObject({ state: 'UNKNOWN', capturedMinor: 1_500 });

    const resolved = await resolve(id, { outcome: 'did_not_happen', reason });
    const retried = await api.call('POST', `/payments/${id}/capture`, {
      idempotencyKey: key(),
      body: {},
    });

    expect(resolved.status, resolved.text).toBe(200);
    expect(resolved.body).toMatchObject({ state: 'AUTHORIZED' });
    expect((resolved.body as Body).capturedAmount).toBeUndefined();
    expect((resolved.body as { history: Body[] }).history.at(-1)).toMatchObject({
      from: 'UNKNOWN',
      to: 'AUTHORIZED',
      reason,
      resolvedBy: 'operator',
    });
    expect(retried.status, retried.text).toBe(200);
    expect(retried.body).toMatchObject({
      state: 'SUCCEEDED',
      capturedAmount: { value: '20.00', currency: 'USD' },
    });
    // The first capture (lost) and the one after the resolution; nothing else.
    expect(api.sandbox.journal.requests('/pg/preAuthCompletion')).toHaveLength(2);
    expect(await item(id)).toMatchObject({ state: 'SUCCEEDED', capturedMinor: 2_000 });
  });

  it('happened: an unanswered refund becomes REFUNDED, announced with resolvedBy, nothing sent', async () => {
    const id = await unknown('refund', 'purchase');

    const resolved = await resolve(id, {
      outcome: 'happened',
      reason: 'Refund seen in the PAYON merchant portal on 2026-12-01',
    });
    const events = (await api.events()).filter((e) => e.payment.id === id);

    expect(resolved.status, resolved.text).toBe(200);
    expect(resolved.body).toMatchObject({ state: 'REFUNDED' });
    const stored = await item(id);
    expect(stored?.state).toBe('REFUNDED');
    expect(((stored?.history ?? []) as Body[]).at(-1)).toMatchObject({
      source: 'operator',
      resolvedBy: 'operator',
      reason: 'Refund seen in the PAYON merchant portal on 2026-12-01',
    });
    expect(events.map((e) => [e.type, e.resolvedBy])).toEqual([['payment.refunded', 'operator']]);
    expect(api.sandbox.journal.requests('/pg/refund')).toHaveLength(1);
  });

  it('refuses a payment that is not UNKNOWN with 409, and changes nothing', async () => {
    const id = await paid('purchase');
    const before = await item(id);

    const refused = await resolve(id, { outcome: 'happened', reason: 'checked' });

    expect(refused.status).toBe(409);
    expect((refused.body as { error: Body }).error.code).toBe('payment_state_conflict');
    expect(await item(id)).toEqual(before);
  });

  it.each([
    ['outcome missing', { reason: 'checked' }, 'outcome'],
    ['another outcome', { outcome: 'maybe', reason: 'checked' }, 'outcome'],
    ['reason missing', { outcome: 'happened' }, 'reason'],
    ['an empty reason', { outcome: 'happened', reason: '' }, 'reason'],
    ['a blank reason', { outcome: 'happened', reason: '   ' }, 'reason'],
    ['a reason over 500 characters', { outcome: 'happened', reason: 'x'.repeat(501) }, 'reason'],
    ['a control character', { outcome: 'happened', reason: 'ok\u0007' }, 'reason'],
    ['a card number', { outcome: 'happened', reason: 'card 4111 1111 1111 1111' }, 'reason'],
    ['an unknown field', { outcome: 'happened', reason: 'ok', extra: 1 }, 'extra'],
  ])('refuses %s with 400 naming the field, and changes nothing', async (_, body, field) => {
    const id = await unknown('refund', 'purchase');
    const before = await item(id);

    const refused = await resolve(id, body);

    expect(refused.status).toBe(400);
    const fields = (refused.body as { error: { fields: { field: string }[] } }).error.fields;
    expect(fields.map((f) => f.field)).toContain(field);
    expect(refused.text).not.toContain('4111');
    expect(await item(id)).toEqual(before);
  });

  it('accepts a reason in any script, and replays its answer for the same Idempotency-Key', async () => {
    const id = await unknown('refund', 'purchase');
    const idempotencyKey = key();
    const reason = 'បានពិនិត្យជាមួយ PAYON៖ មិនទាន់សងប្រាក់ទេ';

    const first = await resolve(id, { outcome: 'did_not_happen', reason }, idempotencyKey);
    const replay = await resolve(id, { outcome: 'did_not_happen', reason }, idempotencyKey);
    const withoutKey = await api.call('POST', `/payments/${id}/resolve`, {
      body: { outcome: 'happened', reason },
    });

    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ state: 'SUCCEEDED' });
    expect(replay.status).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.text).toBe(first.text);
    expect(withoutKey.status).toBe(400);
    expect((await item(id))?.state).toBe('SUCCEEDED');
  });

  it('did_not_happen for an unanswered registration: FAILED (the order does not exist at PAYON)', async () => {
    api.sandbox.addFault({ path: '/pg/order/register', kind: 'reset', applyFirst: false });
    const created = await api.call('POST', '/payments', {
      idempotencyKey: key(),
      body: {
        amount: { value: '5.00', currency: 'USD' },
        paymentMethod: 'CREDIT_DEBIT',
        returnUrl: `${RETURN_ORIGIN}/x`,
      },
    });
    expect(created.status).toBe(504);
    const stored = (await api.scan()).find(
      (i) => i.state === 'UNKNOWN' && i.unknownOperation === 'register',
    );
    const id = String(stored?.txId);

    const resolved = await resolve(id, {
      outcome: 'did_not_happen',
      reason: 'PAYON: no such order',
    });
    const events = (await api.events()).filter((e) => e.payment.id === id);

    expect(resolved.body).toMatchObject({ state: 'FAILED' });
    expect(events.map((e) => [e.type, e.resolvedBy])).toEqual([['payment.failed', 'operator']]);
  });
});
