import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemSize } from '#shared/store/item-size.ts';
import { INLINE_HISTORY } from '#shared/store/payments.ts';
import { type ApiEnvironment, startApi } from '#test/support/api.ts';
import { paidPayment } from '#test/support/payments.ts';

type Body = Record<string, unknown>;
type Entry = { from: string; to: string };

// Issue 27: a payment item stays one write unit (≤ 1 KB by DynamoDB's item-size rules) through
// four transitions; older history moves to pages under the payment's partition, written in the
// transaction of the change that moves it, and every reader gets the whole history back.
describe('the stored payment item and its history pages', () => {
  let api: ApiEnvironment;

  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.stop());

  const items = async (id: string) =>
    (await api.scan())
      .filter((i) => i.pk === `PAY#${id}`)
      .sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
  const post = (path: string, body: unknown) =>
    api.call('POST', path, { idempotencyKey: randomUUID(), body });

  it('is at most 1024 bytes after four transitions, and the whole history of six reads back', async () => {
    // Prepare: a pre-authorisation, paid, then captured: four transitions
    const id = await paidPayment(api, { kind: 'preauth', value: '123456.78' });
    const captured = await post(`/payments/${id}/capture`, {
      amount: { value: '123456.78', currency: 'USD' },
    });
    expect(captured.status).toBe(200);

    // Assess: one item, all four entries in it, ≤ 1 KB
    const [afterFour, ...pagesAfterFour] = await items(id);
    expect(pagesAfterFour).toEqual([]);
    expect(afterFour).toMatchObject({ sk: 'PAYMENT', state: 'SUCCEEDED', version: 5 });
    expect(((afterFour?.history ?? []) as Entry[]).map((e) => e.to)).toEqual([
      'PENDING',
      'AUTHORIZED',
      'UNKNOWN',
      'SUCCEEDED',
    ]);
    expect(afterFour?.historyPaged).toBeUndefined();
    expect(itemSize(afterFour ?? {})).toBeLessThanOrEqual(1024);

    // Act: a refund, two more transitions (UNKNOWN, then REFUNDED)
    const refunded = await post(`/payments/${id}/refund`, {});
    expect(refunded.status).toBe(200);

    // Assess: the item keeps the latest four, the two oldest are in the first page
    const [item, page, ...more] = await items(id);
    expect(more).toEqual([]);
    expect(item).toMatchObject({ sk: 'PAYMENT', state: 'REFUNDED', version: 7, historyPaged: 2 });
    expect(((item?.history ?? []) as Entry[]).length).toBe(INLINE_HISTORY);
    expect(itemSize(item ?? {})).toBeLessThanOrEqual(1024);
    expect(page).toMatchObject({ sk: 'PAYMENT#HIST#000000', type: 'historyPage', txId: id });
    expect(((page?.entries ?? []) as Entry[]).map((e) => [e.from, e.to])).toEqual([
      ['CREATED', 'PENDING'],
      ['PENDING', 'AUTHORIZED'],
    ]);
    const whole = [
      ['CREATED', 'PENDING'],
      ['PENDING', 'AUTHORIZED'],
      ['AUTHORIZED', 'UNKNOWN'],
      ['UNKNOWN', 'SUCCEEDED'],
      ['SUCCEEDED', 'UNKNOWN'],
      ['UNKNOWN', 'REFUNDED'],
    ];
    const read = await api.call('GET', `/payments/${id}`);
    expect(((read.body as Body).history as Entry[]).map((e) => [e.from, e.to])).toEqual(whole);
    // The payment store (sweep, reconciliation, resolve, the events route) reads the same whole history
    expect((await api.deps.payments.get(id))?.history.map((e) => [e.from, e.to])).toEqual(whole);
    expect(
      (await api.deps.payments.getMany([id])).get(id)?.history.map((e) => [e.from, e.to]),
    ).toEqual(whole);
    const events = await api.call('GET', `/payments/${id}/events`);
    expect(events.status).toBe(200);
  });
});
