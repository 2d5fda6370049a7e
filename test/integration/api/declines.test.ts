import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ApiEnvironment, RETURN_ORIGIN, startApi } from '#test/support/api.ts';

type Body = Record<string, unknown>;

// docs/payon-assumptions.md A35, A47: PAYON's status answers 302/9999 both for a
// declined attempt and for "not paid yet", and the customer may try again on the same checkout
// until it expires. Through the webhook, the confirmation, the sweep, DynamoDB Local and a sandbox
// whose declines are retryable. Both clocks read the same time: PAYON's order days are on its own.
describe('a decline before expiry is not final', () => {
  let api: ApiEnvironment | undefined;
  let offsetMs = 0;
  const env = () => {
    if (!api) throw new Error('not started');
    return api;
  };

  beforeAll(async () => {
    api = await startApi({
      clock: () => new Date((api ? api.sandbox.now() : Date.now()) + offsetMs),
    });
  });
  afterAll(() => api?.stop());
  beforeEach(async () => {
    offsetMs = 0;
    await env().events();
  });

  async function register() {
    const created = await env().call('POST', '/payments', {
      idempotencyKey: randomUUID(),
      body: {
        amount: { value: '12.50', currency: 'USD' },
        paymentMethod: 'CREDIT_DEBIT',
        returnUrl: `${RETURN_ORIGIN}/done`,
      },
    });
    return String((created.body as Body).id);
  }
  const push = async (txId: string, resultCode: '0000' | '9999') => {
    await env().push({ txId, resultCode, resultMsg: resultCode === '0000' ? 'Success' : 'Error' });
    await env().settle();
  };
  const stored = async (txId: string) => (await env().scan()).find((i) => i.pk === `PAY#${txId}`);
  const notifications = async (txId: string) =>
    (await env().scan()).filter((i) => i.type === 'notification' && i.txId === txId);
  const eventTypes = async (txId: string) =>
    (await env().events()).filter((e) => e.payment.id === txId).map((e) => e.type);

  it('declined, then paid on the same checkout: SUCCEEDED, and the real success push agrees', async () => {
    const id = await register();
    env().sandbox.pay(id, 'decline');
    await push(id, '9999');
    const afterDecline = await env().call('GET', `/payments/${id}`);
    const declineEvents = await eventTypes(id);

    env().sandbox.pay(id, 'approve'); // the customer tries again on the same page
    await push(id, '0000');
    // The 9999 push is asked about again later, as every unsettled push is.
    offsetMs = 60_000;
    await env().sweep();

    expect(afterDecline.body).toMatchObject({
      state: 'PENDING',
      lastDecline: { payonCode: '9999', attempts: 1 },
    });
    expect(declineEvents).toEqual(['payment.attempt_declined']);
    expect(await stored(id)).toMatchObject({ state: 'SUCCEEDED' });
    expect(await eventTypes(id)).toEqual(['payment.succeeded']);
    const statuses = (await notifications(id)).map((n) => [n.resultCode, n.status]).sort();
    expect(statuses).toEqual([
      ['0000', 'agreed'],
      ['9999', 'no_change'],
    ]);
  });

  it("a 9999 push alone records nothing: the decline comes only from PAYON's orders list", async () => {
    const id = await register();
    // Forged or early: PAYON has no declined attempt for it.
    await push(id, '9999');

    const item = await stored(id);
    expect(item).toMatchObject({ state: 'PENDING', version: 2 });
    expect(item?.lastDecline).toBeUndefined();
    expect(await eventTypes(id)).toEqual([]);
  });

  it('FAILED only past expiry plus the grace period; a late approval then moves it on, alarmed', async () => {
    const metrics = vi.spyOn(env().deps.metrics, 'addMetric');
    const id = await register();
    env().sandbox.pay(id, 'decline');
    await push(id, '9999');
    // Past the 15-minute expiry, inside the 10-minute grace period.
    offsetMs = 20 * 60_000;
    await env().sweep();
    const inGrace = await stored(id);
    offsetMs = 26 * 60_000;
    await env().sweep();
    const failed = await stored(id);

    // PAYON answers late: it took the money after all.
    env().sandbox.pay(id, 'approve', { late: true });
    await push(id, '0000');

    expect(inGrace).toMatchObject({ state: 'PENDING' });
    expect(failed).toMatchObject({ state: 'FAILED' });
    const late = await stored(id);
    expect(late).toMatchObject({ state: 'SUCCEEDED' });
    expect(String(((late?.history ?? []) as Body[]).at(-1)?.reason)).toMatch(
      /^late confirmation: /,
    );
    expect(await eventTypes(id)).toEqual([
      'payment.attempt_declined',
      'payment.failed',
      'payment.succeeded',
    ]);
    expect(metrics.mock.calls.map((c) => c[0])).toContain('payments.lateConfirmation');
    metrics.mockRestore();
  });

  it('a FAILED payment the sweep still probes is found when PAYON confirms it late without a push', async () => {
    const id = await register();
    env().sandbox.pay(id, 'decline');
    offsetMs = 2 * 60_000;
    await env().sweep();
    offsetMs = 26 * 60_000;
    await env().sweep();
    const failed = await stored(id);
    env().sandbox.pay(id, 'approve', { late: true });
    offsetMs = 28 * 60_000;
    await env().sweep();

    expect(failed).toMatchObject({ state: 'FAILED' });
    expect(typeof failed?.gsi1sk).toBe('string');
    expect(await stored(id)).toMatchObject({ state: 'SUCCEEDED' });
  });
});
