import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPayment } from '#functions/get-payment/get-payment.ts';
import {
  type ApiEnvironment,
  type ApiResponse,
  RETURN_ORIGIN,
  startApi,
} from '#test/support/api.ts';

// Saved cards through the API pipeline against the sandbox: what PAYON received, what DynamoDB
// holds, which events the bus carried.
const MERCHANT = 'C0000143';
const VISA = '4111111111111111';
const VISA_MASK = '411111******1111';

interface BindingBody {
  id: string;
  status: string;
  maskedPan: string;
  statusReason: string | null;
}

describe('saved cards', () => {
  let api: ApiEnvironment;
  const now = () => new Date().toISOString();

  beforeAll(async () => {
    api = await startApi({ sandbox: { seed: 31 }, env: { BINDING_RATE_LIMIT: '6' } });
  });
  afterAll(() => api.stop());

  const customer = () => `cust-${randomUUID().slice(0, 8)}`;
  const bind = (clientId: string, body: Record<string, unknown> = {}, key = randomUUID()) =>
    api.call('POST', `/customers/${clientId}/bindings`, {
      idempotencyKey: key,
      body: {
        card: { number: VISA, cvv: '123', expiry: '2030-12', holderName: 'Sok Chan' },
        requestedAt: now(),
        ...body,
      },
    });
  const post = (path: string, body: Record<string, unknown>) =>
    api.call('POST', path, { idempotencyKey: randomUUID(), body: { requestedAt: now(), ...body } });
  const list = async (clientId: string) =>
    (await api.call('GET', `/customers/${clientId}/bindings`)).body as {
      pinVerification: boolean | null;
      items: (BindingBody & { ageDays: number })[];
    };
  const bindingOf = (r: ApiResponse) => (r.body as { binding: BindingBody }).binding;
  /** A payment with a saved card, as a merchant registers one. */
  const chargeSaved = (clientId: string, bindingId: string, value = '5.00') =>
    api.call('POST', '/payments', {
      idempotencyKey: randomUUID(),
      body: {
        amount: { value, currency: 'USD' },
        paymentMethod: 'CREDIT_DEBIT',
        returnUrl: `${RETURN_ORIGIN}/r`,
        savedCard: { clientId, bindingId },
      },
    });

  it('binds a card: PAYON gets the card, the product keeps the mask only, and says so on the bus', async () => {
    const clientId = customer();
    api.sandbox.journal.clear();
    const created = await bind(clientId, { pin: '482916' });
    expect(created.status).toBe(201);
    const binding = bindingOf(created);
    expect(binding).toMatchObject({ status: 'active', maskedPan: VISA_MASK, clientId });
    // PAYON received the card (the journal redacts it, but the sandbox's ledger bound it).
    const [request] = api.sandbox.journal.requests('/pg/binding/register');
    expect(request?.status).toBe(200);
    expect(api.sandbox.pinMatches(MERCHANT, clientId, '482916')).toBe(true);
    // Nothing card-like, nor the CVV or PIN, in any stored item.
    const stored = JSON.stringify(await api.scan());
    expect(stored).not.toContain(VISA);
    expect(stored).not.toContain('482916');
    expect(stored).toContain(VISA_MASK);
    expect(JSON.stringify(created.body)).not.toContain(VISA);

    const listed = await list(clientId);
    expect(listed.items).toEqual([
      expect.objectContaining({ id: binding.id, status: 'active', ageDays: 0 }),
    ]);
    const events = await api.bindingEvents();
    expect(events.map((e) => [e.type, e.binding?.id ?? e.customer.clientId])).toEqual([
      ['binding.created', binding.id],
      ['binding.pin_changed', clientId],
    ]);
  });

  it('reports the older binding deactivated when the same card is bound again', async () => {
    const clientId = customer();
    const first = bindingOf(await bind(clientId));
    const again = await bind(clientId);
    expect(again.status).toBe(201);
    const second = bindingOf(again);
    expect((again.body as { deactivated: BindingBody[] }).deactivated).toEqual([
      expect.objectContaining({
        id: first.id,
        status: 'deactivated',
        statusReason: 'PAYON deactivated it when the same card was bound again',
      }),
    ]);
    const listed = await list(clientId);
    expect(listed.items.map((b) => [b.id, b.status])).toEqual([
      [first.id, 'deactivated'],
      [second.id, 'active'],
    ]);
    const events = await api.bindingEvents();
    expect(events.map((e) => [e.type, e.binding?.id])).toEqual([
      ['binding.created', first.id],
      ['binding.created', second.id],
      ['binding.deactivated', first.id],
    ]);
    // A deactivated card is not charged: refused before PAYON is asked.
    api.sandbox.journal.clear();
    const refused = await chargeSaved(clientId, first.id);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ error: { code: 'binding_not_usable' } });
    expect(api.sandbox.journal.requests('/pg/order/register')).toEqual([]);
  });

  it('binds and pays in one call, and pays again with the saved card', async () => {
    const clientId = customer();
    const both = await bind(clientId, {
      payment: { amount: { value: '12.50', currency: 'USD' }, returnUrl: `${RETURN_ORIGIN}/r` },
    });
    expect(both.status).toBe(201);
    const { binding, payment } = both.body as {
      binding: BindingBody;
      payment: { id: string; state: string; bindingId: string };
    };
    expect(payment).toMatchObject({ state: 'PENDING', bindingId: binding.id });
    api.sandbox.pay(payment.id, 'approve');
    expect((await getPayment(api.deps, payment.id, true)).snapshot.state).toBe('SUCCEEDED');

    const again = await chargeSaved(clientId, binding.id, '3.00');
    expect(again.status).toBe(201);
    const id = (again.body as { id: string }).id;
    expect(api.sandbox.transaction(id)?.bindingId).toBe(binding.id);
    api.sandbox.pay(id, 'approve');
    expect((await getPayment(api.deps, id, true)).snapshot.state).toBe('SUCCEEDED');
  });

  it('sets the PIN (the sandbox decrypts exactly the PIN sent) and turns its verification off and on', async () => {
    const clientId = customer();
    await bind(clientId);
    const pin = await post(`/customers/${clientId}/pin`, { pin: '730519' });
    expect(pin.status).toBe(200);
    expect(pin.body).toEqual({ clientId, pinSet: true, pinVerification: null });
    expect(api.sandbox.pinMatches(MERCHANT, clientId, '730519')).toBe(true);
    expect(api.sandbox.pinMatches(MERCHANT, clientId, '730518')).toBe(false);
    expect(JSON.stringify(await api.scan())).not.toContain('730519');

    const off = await post(`/customers/${clientId}/pin-verification`, { enabled: false });
    expect(off.body).toEqual({ clientId, pinSet: true, pinVerification: false });
    expect((await list(clientId)).pinVerification).toBe(false);
    await post(`/customers/${clientId}/pin-verification`, { enabled: true });
    expect((await list(clientId)).pinVerification).toBe(true);
    const events = (await api.bindingEvents()).filter((e) => e.type === 'binding.pin_changed');
    expect(events.map((e) => e.customer)).toEqual([
      { clientId, pinSet: true, pinVerification: null },
      { clientId, pinSet: true, pinVerification: false },
      { clientId, pinSet: true, pinVerification: true },
    ]);
  });

  it('unbinds: the card is refused from then on without a call to PAYON', async () => {
    const clientId = customer();
    const binding = bindingOf(await bind(clientId));
    api.sandbox.journal.clear();
    const unbound = await post(`/customers/${clientId}/bindings/${binding.id}/unbind`, {});
    expect(unbound.status).toBe(200);
    expect(unbound.body).toMatchObject({ id: binding.id, status: 'unbound' });
    // It was the customer's last active card: PIN verification went off at PAYON too.
    expect(api.sandbox.journal.requests('/pg/binding/pinVerification')).toHaveLength(1);
    api.sandbox.journal.clear();
    const refused = await chargeSaved(clientId, binding.id);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      error: { code: 'binding_not_usable', message: expect.stringContaining('unbound') },
    });
    expect(api.sandbox.journal.requests()).toEqual([]);
    expect((await list(clientId)).items.map((b) => b.status)).toEqual(['unbound']);
    const types = (await api.bindingEvents()).map((e) => e.type);
    expect(types).toContain('binding.unbound');
    // Unknown bindings are refused too.
    expect((await post(`/customers/${clientId}/bindings/nope-1/unbind`, {})).status).toBe(404);
  });

  it('refuses stale or future requests, naming requestedAt, before anything happens', async () => {
    const clientId = customer();
    api.sandbox.journal.clear();
    for (const [at, reason] of [
      [
        new Date(Date.now() - 16 * 60_000).toISOString(),
        'is more than 15 minutes old: make a new request',
      ],
      [
        new Date(Date.now() + 10 * 60_000).toISOString(),
        'is in the future: check the client clock',
      ],
    ] as const) {
      const refused = await bind(clientId, { requestedAt: at });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error: { fields: [{ field: 'requestedAt', reason }] } });
    }
    expect(api.sandbox.journal.requests('/pg/binding/register')).toEqual([]);
    expect((await list(clientId)).items).toEqual([]);
  });

  it('refuses bad card data by field, without echoing it, and calls nobody', async () => {
    const clientId = customer();
    api.sandbox.journal.clear();
    const cases: [Record<string, unknown>, string, string][] = [
      [
        { number: '4111111111111112', cvv: '123', expiry: '2030-12' },
        'card.number',
        'is not a valid card number (check digit)',
      ],
      [{ number: VISA, cvv: '123', expiry: '2020-01' }, 'card.expiry', 'the card has expired'],
      [{ number: VISA, cvv: '12', expiry: '2030-12' }, 'card.cvv', 'must be 3 or 4 digits'],
      [
        { number: '378282246310005', cvv: '123', expiry: '2030-12' },
        'card.cvv',
        'must be 4 digits for this card',
      ],
      [
        { number: VISA, cvv: '123', expiry: '12/30' },
        'card.expiry',
        'must be YYYY-MM, such as 2027-12',
      ],
    ];
    for (const [card, field, reason] of cases) {
      const refused = await bind(clientId, { card });
      expect(refused.status, field).toBe(400);
      expect(refused.body).toMatchObject({ error: { fields: [{ field, reason }] } });
      expect(refused.text).not.toContain(String(card.number));
    }
    const trivial = await post(`/customers/${clientId}/pin`, { pin: '123456' });
    expect(trivial.body).toMatchObject({
      error: {
        fields: [
          { field: 'pin', reason: 'must not be one repeated digit or a straight run of digits' },
        ],
      },
    });
    expect(api.sandbox.journal.requests().filter((r) => r.path.startsWith('/pg/'))).toEqual([]);
  });

  it('refuses an Idempotency-Key reused for another card, and replays the same request', async () => {
    const clientId = customer();
    const key = randomUUID();
    // A retry is the same request: the same body, its requestedAt included.
    const requestedAt = now();
    const first = await bind(clientId, { requestedAt }, key);
    const replay = await bind(clientId, { requestedAt }, key);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    const other = await bind(
      clientId,
      { requestedAt, card: { number: '5555555555554444', cvv: '123', expiry: '2030-12' } },
      key,
    );
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ error: { code: 'idempotency_key_reused' } });
    // The stored fingerprint is keyed: the card cannot be found from it.
    const stored = JSON.stringify(await api.scan());
    expect(stored).not.toContain(VISA);
  });

  it("limits one customer's binding and PIN calls, and a refused call frees its key", async () => {
    const clientId = customer();
    const key = randomUUID();
    const answers: number[] = [];
    for (let i = 0; i < 6; i += 1)
      answers.push((await post(`/customers/${clientId}/pin`, { pin: '730519' })).status);
    expect(answers).toEqual([200, 200, 200, 200, 200, 200]);
    const limited = await bind(clientId, {}, key);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({ error: { code: 'rate_limited' } });
    // Another customer is not limited.
    expect((await bind(customer())).status).toBe(201);
    // The 429 was not stored as the key's answer: the same key is tried again, not replayed.
    const retried = await bind(clientId, {}, key);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(retried.status).toBe(429);
  });
});
