import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { money } from '#shared/domain/money.ts';
import { registerPayment } from '#shared/payments/registration.ts';
import { type ApiEnvironment, RETURN_ORIGIN, startApi } from '#test/support/api.ts';

// PAYON's push through the webhook route, the SQS hand-off (in process) and the confirmation
// function, against DynamoDB Local, EventBridge and SQS on moto, and the PAYON sandbox.
describe('webhook and confirmation', () => {
  let api: ApiEnvironment;
  let now = Date.parse('2026-11-22T05:00:00Z');

  beforeAll(async () => {
    api = await startApi({ clock: () => new Date(now) });
  });
  afterAll(() => api.stop());

  const register = async (kind: 'purchase' | 'preauth' = 'purchase', minor = 2_500) =>
    registerPayment(api.deps, {
      kind,
      amount: money(minor, 'USD'),
      paymentMethod: 'CREDIT_DEBIT',
      returnUrl: `${RETURN_ORIGIN}/r`,
    });
  /** A payment PAYON approved and a 0000 push confirmed; its events already read. */
  const succeeded = async () => {
    const payment = await register();
    api.sandbox.pay(payment.txId, 'approve');
    await api.push({ txId: payment.txId, resultCode: '0000', resultMsg: 'Success' });
    await api.settle();
    const before = await api.deps.payments.get(payment.txId);
    await api.events();
    return { payment, before };
  };
  const items = async (type: string) => (await api.scan()).filter((i) => i.type === type);
  const notificationsOf = async (txId: string) =>
    (await items('notification')).filter((n) => n.txId === txId);
  const statusPulls = (txId: string) =>
    api.sandbox.journal
      .requests('/pg/transaction/status')
      .filter((r) => JSON.stringify(r.body).includes(txId)).length;

  it('an approved payment pushed 0000 is confirmed by a pull, and announced once', async () => {
    const payment = await register();
    api.sandbox.pay(payment.txId, 'approve');
    await api.events();

    const answer = await api.push({ txId: payment.txId, resultCode: '0000', resultMsg: 'Success' });
    await api.settle();

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ resultCode: '0000', resultMsg: 'Success' });
    const stored = await api.deps.payments.get(payment.txId);
    expect(stored?.snapshot.state).toBe('SUCCEEDED');
    expect(stored?.history.at(-1)).toMatchObject({
      from: 'PENDING',
      to: 'SUCCEEDED',
      source: 'status_pull',
    });
    expect(statusPulls(payment.txId)).toBe(1);
    const [notification] = await notificationsOf(payment.txId);
    expect(notification).toMatchObject({ status: 'agreed', resultCode: '0000' });
    expect(notification?.gsi1pk).toBeUndefined();
    const events = (await api.events()).filter((e) => e.payment.id === payment.txId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      id: `evt_${payment.txId}_${stored?.version}`,
      type: 'payment.succeeded',
      specVersion: 1,
      paymentVersion: stored?.version,
      payment: {
        id: payment.txId,
        state: 'SUCCEEDED',
        amount: { value: '25.00', currency: 'USD' },
      },
    });
    const [outbox] = (await items('event')).filter((e) => e.txId === payment.txId);
    expect(outbox).toMatchObject({ eventId: events[0]?.id, attempts: 1 });
    expect(outbox?.deliveredAt).toBeTypeOf('string');
    expect(outbox?.gsi1pk).toBeUndefined();
  });

  it('a pre-authorisation pushed 0000 becomes AUTHORIZED (payment.authorized)', async () => {
    const payment = await register('preauth');
    api.sandbox.pay(payment.txId, 'approve');
    await api.events();

    await api.push({ txId: payment.txId, resultCode: '0000', resultMsg: 'SUCCESS' });
    await api.settle();

    expect((await api.deps.payments.get(payment.txId))?.snapshot.state).toBe('AUTHORIZED');
    expect((await api.events()).map((e) => e.type)).toEqual(['payment.authorized']);
  });

  // docs/payon-assumptions.md A35: 302/9999 is also "not paid yet", so a decline before expiry is
  // not final. The push only makes the product look sooner; PAYON's orders list shows the decline.
  it('a declined payment pushed 9999 stays PENDING with its decline, and is FAILED only past expiry plus grace', async () => {
    // PAYON's order days are on the sandbox's clock: both clocks read the same time here.
    api.sandbox.setClock(new Date(now).toISOString());
    const payment = await register();
    api.sandbox.pay(payment.txId, 'decline');
    await api.events();

    await api.push({ txId: payment.txId, resultCode: '9999', resultMsg: 'Error' });
    await api.settle();
    const declined = await api.deps.payments.get(payment.txId);
    const firstEvents = (await api.events()).map((e) => e.type);
    now += 26 * 60_000;
    await api.sweep();

    expect(declined?.snapshot.state).toBe('PENDING');
    expect(declined?.lastDecline).toMatchObject({ payonCode: '9999', count: 1 });
    expect(firstEvents).toEqual(['payment.attempt_declined']);
    const stored = await api.deps.payments.get(payment.txId);
    expect(stored?.snapshot.state).toBe('FAILED');
    expect((await notificationsOf(payment.txId))[0]?.status).toBe('agreed');
    expect((await api.events()).map((e) => e.type)).toEqual(['payment.failed']);
  });

  it('the same push sent many times is stored once and pulled once', async () => {
    const payment = await register();
    api.sandbox.pay(payment.txId, 'approve');
    const body = { txId: payment.txId, resultCode: '0000', resultMsg: 'Success' };

    const answers = await Promise.all(Array.from({ length: 8 }, () => api.push(body)));
    await api.settle();

    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect(
      answers.filter((a) => (a.body as { resultMsg: string }).resultMsg === 'Success'),
    ).toHaveLength(1);
    expect(await notificationsOf(payment.txId)).toHaveLength(1);
    expect(statusPulls(payment.txId)).toBe(1);
  });

  it('a late 9999 never moves a SUCCEEDED payment back; PAYON is asked, and it reads as an earlier declined attempt', async () => {
    const { payment, before } = await succeeded();

    await api.push({ txId: payment.txId, resultCode: '9999', resultMsg: 'Error' });
    await api.settle();

    expect(await api.deps.payments.get(payment.txId)).toEqual(before);
    const late = (await notificationsOf(payment.txId)).find((n) => n.resultCode === '9999');
    expect(late).toMatchObject({ status: 'no_change' });
    expect(String(late?.note)).toContain('earlier declined attempt');
    // Asked: the settled payment's push triggered a pull, not only a log line.
    expect(statusPulls(payment.txId)).toBe(2);
    expect(await api.events()).toEqual([]);
  });

  it('a late 9999 for a SUCCEEDED payment whose status confirms another amount is a disagreement, never an earlier attempt', async () => {
    const { payment, before } = await succeeded();
    // PAYON's status, as its example spells it, for the same txId at 2.00 instead of 25.00.
    api.sandbox.addFault({
      path: '/pg/transaction/status',
      kind: 'answer',
      times: 1,
      json: {
        resultMsg: 'Success',
        resultCode: '0000',
        resultData: {
          txDt: '20261122',
          txStCd: 'COMPLETE',
          trt: 'PURCHASE',
          paymentMethod: 'CREDIT_DEBIT',
          tracNo: payment.txId,
          amount: 2,
          currencyCode: 'USD',
          apprNo: '763647',
          apprDttm: '20261122120000',
        },
      },
    });

    await api.push({ txId: payment.txId, resultCode: '9999', resultMsg: 'Error' });
    await api.settle();

    // Nothing changes but the finding (docs/payon-assumptions.md A59): a history entry that flags
    // the payment `push_disagreed` for an operator, with its own version and no event.
    const after = await api.deps.payments.get(payment.txId);
    expect(after?.snapshot).toEqual(before?.snapshot);
    expect(after?.amount).toEqual(before?.amount);
    expect(after?.version).toBe((before?.version ?? 0) + 1);
    expect(after?.history.slice(0, -1)).toEqual(before?.history);
    expect(after?.history.at(-1)).toMatchObject({
      from: 'SUCCEEDED',
      to: 'SUCCEEDED',
      change: 'push_disagreed',
    });
    const late = (await notificationsOf(payment.txId)).find((n) => n.resultCode === '9999');
    expect(late).toMatchObject({ status: 'disagreed' });
    expect(String(late?.note)).toContain('confirms another amount');
    expect(await api.events()).toEqual([]);
  });

  it('a forged 0000 for an unpaid payment changes nothing and ends as a disagreement', async () => {
    const payment = await register();
    const before = await api.deps.payments.get(payment.txId);

    await api.push({ txId: payment.txId, resultCode: '0000', resultMsg: 'Success' });
    await api.settle();
    const [first] = await notificationsOf(payment.txId);
    // Re-checked (PAYON's status may lag its push), then judged.
    for (let i = 0; i < 3; i += 1) {
      now += 15 * 60_000;
      await api.sweep();
    }

    expect((await api.deps.payments.get(payment.txId))?.snapshot).toEqual(before?.snapshot);
    expect(first).toMatchObject({ status: 'received', attempts: 1 });
    expect((await notificationsOf(payment.txId))[0]).toMatchObject({
      status: 'disagreed',
      attempts: 3,
    });
  });

  it('wrong token: 404 like any unknown route whatever the body, and nothing stored', async () => {
    const payment = await register();
    api.sandbox.pay(payment.txId, 'approve');
    const before = await api.scan();

    const wrong = await api.push(
      { txId: payment.txId, resultCode: '0000' },
      { token: 'x'.repeat(40) },
    );
    const malformed = await api.push(
      { txId: payment.txId, resultCode: '0000' },
      { token: 'short' },
    );
    // The token is checked before the body: a bad body behind a wrong token says nothing either.
    const badBody = await api.push({ txId: 'not a txId', extra: 4 }, { token: 'x'.repeat(40) });
    const notJson = await api.push(undefined, { token: 'x'.repeat(40), rawBody: '{"txId":' });

    expect(wrong.status).toBe(404);
    expect(malformed.status).toBe(404);
    expect([badBody.status, badBody.text]).toEqual([wrong.status, wrong.text]);
    expect([notJson.status, notJson.text]).toEqual([wrong.status, wrong.text]);
    expect(await api.scan()).toEqual(before);
    expect(statusPulls(payment.txId)).toBe(0);
  });

  it('bad bodies get a 400 naming the field, and nothing is stored', async () => {
    const before = await api.scan();
    const cases = [
      { rawBody: 'not json' },
      { rawBody: '{"resultCode":"0000"}' },
      { rawBody: '{"txId":"4111111111111111","resultCode":"0000"}' },
      { rawBody: '{"txId":"1620803885401000","resultCode":"00 00"}' },
      { rawBody: 'null' },
    ];
    const answers = await Promise.all(cases.map((c) => api.push(undefined, c)));

    expect(answers.map((a) => a.status)).toEqual([400, 400, 400, 400, 400]);
    expect(
      answers.map(
        (a) => (a.body as { error: { fields: { field: string }[] } }).error.fields[0]?.field,
      ),
    ).toEqual(['body', 'txId', 'txId', 'resultCode', 'body']);
    expect(JSON.stringify(answers)).not.toContain('4111111111111111');
    expect(await api.scan()).toEqual(before);
  });

  it('a push for a payment not stored yet waits and is confirmed once the payment appears', async () => {
    const payment = await register();
    api.sandbox.pay(payment.txId, 'approve');
    const { DeleteItemCommand, PutItemCommand, GetItemCommand } = await import(
      '@aws-sdk/client-dynamodb'
    );
    const key = { pk: { S: `PAY#${payment.txId}` }, sk: { S: 'PAYMENT' } };
    const { Item } = await api.dynamo.send(
      new GetItemCommand({ TableName: api.tableName, Key: key }),
    );
    await api.dynamo.send(new DeleteItemCommand({ TableName: api.tableName, Key: key }));

    await api.push({ txId: payment.txId, resultCode: '0000', resultMsg: 'Success' });
    await api.settle();
    const waiting = (await notificationsOf(payment.txId))[0];
    await api.dynamo.send(new PutItemCommand({ TableName: api.tableName, Item: Item ?? {} }));
    now += 10_000;
    const report = await api.sweep();

    expect(waiting).toMatchObject({ status: 'waiting_payment' });
    expect(report.notifications.confirmed).toBeGreaterThanOrEqual(1);
    expect((await api.deps.payments.get(payment.txId))?.snapshot.state).toBe('SUCCEEDED');
    expect((await notificationsOf(payment.txId))[0]?.status).toBe('agreed');
  });

  it('a push for a txId that never appears is kept as orphaned, after about a day of retries', async () => {
    const txId = '1620803885401000';
    await api.push({ txId, resultCode: '0000', resultMsg: 'Success' });
    await api.settle();
    for (let i = 0; i < 12; i += 1) {
      now += 8 * 3_600_000;
      await api.sweep();
    }
    const [orphan] = await notificationsOf(txId);
    expect(orphan).toMatchObject({
      status: 'orphaned',
      body: '{"txId":"1620803885401000","resultCode":"0000","resultMsg":"Success"}',
    });
    expect(orphan?.gsi1pk).toBeUndefined();
  });

  it('keeps a push body decoded and masked: escaped, numeric, nested and key card numbers never reach the item', async () => {
    const txId = '1620803885401007';
    // What a raw-text masker misses: a JSON escape, a number, a key, other separators.
    const raw =
      '{"txId":"1620803885401007","resultCode":"0000","resultMsg":"card \\u0034111111111111111",' +
      '"cardNo":4111111111111111,"4111111111111111":"as a key","extra":{"pan":["4111.1111.1111.1111",' +
      '"pan_4111_1111_1111_1111","\uff14\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11"]},"big":41111111111111111111}';
    const answered = await api.push(undefined, { rawBody: raw });
    await api.settle();

    expect(answered.status).toBe(200);
    const [kept] = await notificationsOf(txId);
    const text = JSON.stringify(kept);
    for (const planted of [
      '4111111111111111',
      '4111.1111.1111.1111',
      '4111_1111_1111_1111',
      '\\u0034111',
      '41111111111111111111',
      '４１１１１１１１１１１１１１１１',
    ]) {
      expect(text).not.toContain(planted);
    }
    expect(JSON.parse(String(kept?.body))).toMatchObject({
      txId,
      cardNo: '411111******1111',
      '411111******1111': 'as a key',
      extra: { pan: ['411111******1111', 'pan_411111******1111', '411111******1111'] },
      big: '[number not kept]',
    });
  });
});

describe('webhook source allowlist', () => {
  let api: ApiEnvironment;
  beforeAll(async () => {
    api = await startApi({ env: { NOTIFY_SOURCE_CIDRS: '203.0.113.0/24, 2001:db8::/32' } });
  });
  afterAll(() => api.stop());

  it('refuses a push from outside the allowlist with 403 and stores nothing', async () => {
    const body = { txId: '1620803885401001', resultCode: '0000' };
    const before = await api.scan();

    const outside = await api.push(body, { sourceIp: '198.51.100.9' });
    const afterRefusal = await api.scan();
    const inside = await api.push(body, { sourceIp: '203.0.113.77' });
    const inside6 = await api.push({ ...body, resultCode: '9999' }, { sourceIp: '2001:db8::5' });
    await api.settle();

    expect(outside.status).toBe(403);
    expect(afterRefusal).toEqual(before);
    expect([inside.status, inside6.status]).toEqual([200, 200]);
    expect(
      (await api.scan())
        .filter((i) => i.type === 'notification')
        .map((n) => n.sourceIp)
        .sort(),
    ).toEqual(['2001:db8::5', '203.0.113.77']);
  });
});
