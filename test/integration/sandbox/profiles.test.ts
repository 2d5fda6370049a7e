import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AmbiguitySettings, HostilitySettings, Sandbox } from '#local/payon-sandbox/index.ts';
import { exampleJson, exampleText } from '#test/support/payon-fixtures.ts';
import {
  MERCHANT_ID,
  newTxId,
  orderRowsOf,
  ordersDate,
  paidOrder,
  pg,
  post,
  pushes,
  type Receiver,
  registerOrder,
  signed,
  startReceiver,
  startTestSandbox,
  TERM_ID,
  waitFor,
} from './helpers.ts';

// What each profile sends on the wire (docs/sandbox.md#profiles), read with fetch.

type Json = Record<string, unknown>;
const today = (sandbox: Sandbox, txId: string) => ordersDate(sandbox.transaction(txId)?.txDt ?? '');

const NO_AMBIGUITY: Partial<AmbiguitySettings> = {
  declinedRowFirst: 0,
  rowsPerMove: 0,
  oddFlags: 0,
  readRefusals: 0,
  pageCap: 0,
  indexAsOffset: 0,
  unauthorizedAfterMove: 0,
  lateAnswers: 0,
};
const NO_HOSTILITY: Partial<HostilitySettings> = {
  forgedPushes: 0,
  duplicatePushes: 0,
  reorderedPushes: 0,
  latePushes: 0,
  droppedPushes: 0,
  foreignPushes: 0,
  garbagePushes: 0,
  connectionResets: 0,
};

async function ordersPage(sandbox: Sandbox, txId: string, index: number, limit: number) {
  const day = today(sandbox, txId);
  return pg(sandbox, '/pg/orders', { fromDate: day, toDate: day, index, limit });
}

/** Registers and pays an order; the registration answer may be flat or wrapped (literal). */
async function paidAnyForm(sandbox: Sandbox): Promise<string> {
  const txId = newTxId();
  const answer = await pg(sandbox, '/pg/order/register', {
    txId,
    trt: '10',
    currency: 'USD',
    amount: '10.00',
    paymentMethod: 'CREDIT_DEBIT',
  });
  expect(answer.json).toMatchObject({ resultCode: '0000' });
  sandbox.pay(txId, 'approve');
  return txId;
}

describe('profile literal: the documented examples’ forms', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox({ profile: 'literal' });
  });
  afterAll(() => sandbox.stop());

  it('answers refund and reversal with the example’s fields, numbers, resultMessage and txId', async () => {
    const example = exampleJson('refund.response.json') as Json;
    const reversalExample = exampleJson('reversal.response.json') as Json;
    const refunded = await paidAnyForm(sandbox);
    const reversed = await paidAnyForm(sandbox);

    const refund = (await pg(sandbox, '/pg/refund', { txId: refunded })).json as Json;
    const reversal = (await pg(sandbox, '/pg/reversal', { txId: reversed })).json as Json;

    for (const [answer, documented] of [
      [refund, example],
      [reversal, reversalExample],
    ] as const) {
      expect(Object.keys(answer)).toEqual(Object.keys(documented));
      expect(answer.txId).toBe(documented.txId);
      expect(typeof answer.amount).toBe(typeof documented.amount);
      expect(answer.amount).toBe(10);
      expect(answer.resultMessage).toBe('Success');
      expect(answer).not.toHaveProperty('resultMsg');
      expect(String(answer.approvalDate)).toMatch(/^\d{14}$/);
    }
    // The ledger moved the money of the txIds sent, whatever txId the answer names.
    expect(sandbox.transaction(refunded)?.refund).not.toBeNull();
    expect(sandbox.transaction(reversed)?.reversal).not.toBeNull();
  });

  it('answers an unknown txId on status with 302 and the example’s body', async () => {
    const answer = await pg(sandbox, '/pg/transaction/status', {
      txId: newTxId(),
      amount: '1.00',
      currency: 'USD',
    });

    expect(answer.status).toBe(302);
    expect(answer.headers.get('location')).toBeNull();
    expect(answer.json).toEqual(exampleJson('transaction-status.response-302.json'));
  });

  it('answers an approved status with the example’s fields, a number amount and an 8-digit txSeqNo', async () => {
    const example = exampleJson('transaction-status.response-200.json') as { resultData: Json };
    const txId = await paidAnyForm(sandbox);

    const answer = await pg(sandbox, '/pg/transaction/status', {
      txId,
      amount: '10.00',
      currency: 'USD',
    });
    const body = answer.json as { resultData: Json };

    expect(answer.status).toBe(200);
    expect(Object.keys(body)).toEqual(Object.keys(example));
    expect(Object.keys(body.resultData)).toEqual(Object.keys(example.resultData));
    expect(body.resultData.amount).toBe(10);
    expect(String(body.resultData.txSeqNo)).toHaveLength(String(example.resultData.txSeqNo).length);
    expect(body.resultData.txSeqNo).toBe(sandbox.transaction(txId)?.txDt);
  });

  it('lists orders as the example: bare array, its fields, code strings, amounts as numbers, 12-hour times', async () => {
    const [example] = exampleJson('orders.response.json') as Json[];
    const txId = await paidAnyForm(sandbox);

    const [row] = await orderRowsOf(sandbox, txId);

    expect(Object.keys(row ?? {})).toEqual(Object.keys(example ?? {}));
    expect(row?.txStCd).toBe(example?.txStCd);
    expect(row?.trt).toBe(example?.trt);
    expect(typeof row?.trt).toBe('string');
    expect(row?.amount).toBe(10);
    expect(String(row?.apprDttm)).toMatch(/^\d{2}\/\d{2}\/\d{4} (0[1-9]|1[0-2]):\d{2}:\d{2}$/);
    expect(String(row?.apprDttm)).not.toMatch(/AM|PM/i);
  });

  it('answers an empty binding list with resultData null', async () => {
    const answer = await pg(sandbox, '/pg/bindingList', { clientId: 'nobody' });

    expect(answer.json).toEqual({ resultMsg: 'Success', resultCode: '0000', resultData: null });
  });

  it('answers a bad sign with 401 and the bare body of the example', async () => {
    const answer = await pg(
      sandbox,
      '/pg/transaction/status',
      { txId: newTxId(), amount: '1.00', currency: 'USD' },
      { key: 'wrong-key' },
    );

    expect(answer.status).toBe(401);
    expect(answer.text).toBe(exampleText('transaction-status.response-401.txt').trim());
  });

  it('alternates registration answers flat, wrapped, flat (DEFAULTS.md)', async () => {
    sandbox.reset();
    const answers: Json[] = [];
    for (let i = 0; i < 3; i++) {
      const txId = newTxId();
      const answer = await pg(sandbox, '/pg/order/register', {
        txId,
        trt: '10',
        currency: 'USD',
        amount: '10.00',
        paymentMethod: 'CREDIT_DEBIT',
      });
      answers.push(answer.json as Json);
    }

    const [first, second, third] = answers;
    expect(Object.keys(first ?? {})).toEqual([
      'resultCode',
      'resultMsg',
      'txId',
      'checkoutUrl',
      'expiresAt',
    ]);
    expect(second).toMatchObject({ resultCode: '0000', resultMsg: 'Success' });
    expect(Object.keys((second?.resultData ?? {}) as Json)).toEqual([
      'txId',
      'checkoutUrl',
      'expiresAt',
    ]);
    expect(third).not.toHaveProperty('resultData');
    expect(third?.checkoutUrl).toBe(`${sandbox.publicUrl}/checkout/${third?.txId}`);
  });

  it('alternates pre-auth completion answers flat (the refund form), then wrapped', async () => {
    sandbox.reset();
    const registered: string[] = [];
    for (let i = 0; i < 2; i++) {
      const txId = newTxId();
      await pg(sandbox, '/pg/order/register', {
        txId,
        trt: '12',
        currency: 'USD',
        amount: '10.00',
        paymentMethod: 'CREDIT_DEBIT',
      });
      sandbox.pay(txId, 'approve');
      registered.push(txId);
    }

    const [flat, wrapped] = await Promise.all(
      registered.map(async (txId) => {
        const answer = await pg(sandbox, '/pg/preAuthCompletion', {
          txId,
          currency: 'USD',
          amount: '4.00',
        });
        return answer.json as Json;
      }),
    );

    expect(Object.keys(flat ?? {})).toEqual(
      Object.keys(exampleJson('refund.response.json') as Json),
    );
    expect(flat).toMatchObject({ txId: registered[0], amount: 4, resultCode: '0000' });
    expect(wrapped).toMatchObject({ resultMsg: 'Success', resultCode: '0000' });
    expect(wrapped?.resultData).toMatchObject({ txId: registered[1], amount: 4 });
    expect(wrapped?.resultData).not.toHaveProperty('resultCode');
  });
});

describe('profile default: none of the literal-only forms', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(() => sandbox.stop());

  it('echoes the txId sent, wraps every registration, lists no bindings as []', async () => {
    const { txId } = await registerOrder(sandbox);
    const second = await registerOrder(sandbox);
    sandbox.pay(txId, 'approve');

    const refund = (await pg(sandbox, '/pg/refund', { txId })).json as Json;
    const list = (await pg(sandbox, '/pg/bindingList', { clientId: 'nobody' })).json as Json;

    expect(refund.txId).toBe(txId);
    expect(second.data.txId).toBeDefined();
    expect(list.resultData).toEqual([]);
    expect(sandbox.profile()).toBe('default');
  });
});

describe('profile ambiguous: each knob at rate 1 shows, at rate 0 none does', () => {
  const sandboxes: Sandbox[] = [];
  const start = async (knobs: Partial<AmbiguitySettings>) => {
    const sandbox = await startTestSandbox({
      profile: 'ambiguous',
      ambiguity: { ...NO_AMBIGUITY, ...knobs },
    });
    sandboxes.push(sandbox);
    return sandbox;
  };
  afterEach(async () => {
    await Promise.all(sandboxes.splice(0).map((s) => s.stop()));
  });

  it('declinedRowFirst: a declined row of the same txId, then the approved row', async () => {
    const sandbox = await start({ declinedRowFirst: 1 });
    const txId = await paidOrder(sandbox);

    const rows = await orderRowsOf(sandbox, txId);

    expect(rows.map((r) => [r.tracNo, r.resultCd, r.txStCd, r.amount])).toEqual([
      [txId, '9999', '99', 10],
      [txId, '0000', '09', 10],
    ]);
  });

  it('rowsPerMove: a refund gets a row of its own', async () => {
    const sandbox = await start({ rowsPerMove: 1 });
    const txId = await paidOrder(sandbox);
    await pg(sandbox, '/pg/refund', { txId });

    const rows = await orderRowsOf(sandbox, txId);

    expect(rows.map((r) => [r.resultCd, r.refundYn])).toEqual([
      ['0000', 'N'],
      ['0000', 'Y'],
    ]);
  });

  it('oddFlags: flags read "", absent, y/n or 1/0, never Y/N', async () => {
    const sandbox = await start({ oddFlags: 1 });
    const styles = new Set<string>();
    // Each txId's style is drawn from the seed and the txId (random here): go on until all four
    // have shown (twelve tries missed one about one run in eight), never past 80 orders.
    for (let i = 0; i < 80 && styles.size < 4; i++) {
      const txId = await paidOrder(sandbox);
      const [row] = await orderRowsOf(sandbox, txId);
      const flags = [row?.settleYn, row?.cancelYn, row?.refundYn];
      expect(flags).not.toContain('Y');
      expect(flags).not.toContain('N');
      styles.add(JSON.stringify(flags));
    }

    expect([...styles].sort()).toEqual(
      [
        JSON.stringify(['', '', '']),
        JSON.stringify([undefined, undefined, undefined]),
        JSON.stringify(['n', 'n', 'n']),
        JSON.stringify(['0', '0', '0']),
      ].sort(),
    );
  });

  it('readRefusals: status, orders, binding list and reconciliation refused in their envelopes', async () => {
    const sandbox = await start({ readRefusals: 1 });
    const txId = await paidOrder(sandbox);
    const codes = ['0001', '0002', '3003', '0006'];

    const status = await pg(sandbox, '/pg/transaction/status', {
      txId,
      amount: '10.00',
      currency: 'USD',
    });
    const orders = await ordersPage(sandbox, txId, 1, 10);
    const bindings = await pg(sandbox, '/pg/bindingList', { clientId: '04' });
    const reconciliation = await post(`${sandbox.url}/pg/merchant/reconcilation`, [
      {
        merchantId: MERCHANT_ID,
        termId: TERM_ID,
        txId,
        transactionType: 'PURCHASE',
        grandToTAmt: 10,
      },
    ]);

    for (const answer of [status, orders, bindings]) {
      expect(answer.status).toBe(200);
      const body = answer.json as Json;
      expect(codes).toContain(body.resultCode);
      expect(body.resultData).toBeNull();
    }
    const [item] = reconciliation.json as Json[];
    expect(codes).toContain(item?.resultCode);
    expect(item?.reconciliationDv).toBeNull();
    // Money moves are never refused by this knob.
    expect((await pg(sandbox, '/pg/refund', { txId })).json).toMatchObject({ resultCode: '0000' });
  });

  it('pageCap: at most ordersPageCap rows per page, whatever the limit', async () => {
    const sandbox = await start({ pageCap: 1, ordersPageCap: 3 });
    const txIds = [];
    for (let i = 0; i < 5; i++) txIds.push(await paidOrder(sandbox));

    const first = (await ordersPage(sandbox, txIds[0] ?? '', 1, 50)).json as Json[];
    const second = (await ordersPage(sandbox, txIds[0] ?? '', 2, 50)).json as Json[];

    expect(first.map((r) => r.tracNo)).toEqual(txIds.slice(0, 3));
    expect(second.map((r) => r.tracNo)).toEqual(txIds.slice(3, 5));
  });

  it('indexAsOffset: index is the 1-based position of the first row', async () => {
    const sandbox = await start({ indexAsOffset: 1 });
    const txIds = [];
    for (let i = 0; i < 5; i++) txIds.push(await paidOrder(sandbox));

    const page = (await ordersPage(sandbox, txIds[0] ?? '', 2, 2)).json as Json[];

    // As a page number, index 2 of limit 2 would be rows 3–4.
    expect(page.map((r) => r.tracNo)).toEqual(txIds.slice(1, 3));
  });

  it('unauthorizedAfterMove: 401 1 after the refund was applied', async () => {
    const sandbox = await start({ unauthorizedAfterMove: 1 });
    const txId = await paidOrder(sandbox);

    const answer = await pg(sandbox, '/pg/refund', { txId });

    expect([answer.status, answer.text]).toEqual([401, '1']);
    expect(sandbox.transaction(txId)?.refund).not.toBeNull();
    expect(sandbox.journal.requests('/pg/refund')[0]?.fault).toBe(
      'profile: ambiguous 401 after the move (applied first)',
    );
  });

  it('lateAnswers: the answer comes after lateAnswerMs, the move applied first', async () => {
    const sandbox = await start({ lateAnswers: 1, lateAnswerMs: 300 });
    const txId = await paidOrder(sandbox);

    const started = Date.now();
    const gaveUp = await fetch(`${sandbox.url}/pg/refund`, {
      method: 'POST',
      body: JSON.stringify(signed({ merchantId: MERCHANT_ID, termId: TERM_ID, txId })),
      signal: AbortSignal.timeout(250),
    }).then(
      () => 'answered',
      () => 'timed out',
    );

    expect(gaveUp).toBe('timed out');
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    expect(sandbox.transaction(txId)?.refund).not.toBeNull();
    const waited = Date.now();
    const status = await pg(sandbox, '/pg/transaction/status', {
      txId,
      amount: '10.00',
      currency: 'USD',
    });
    expect(status.status).toBe(200);
    expect(Date.now() - waited).toBeGreaterThan(300);
  });

  it('at rate 0: answers as the default profile', async () => {
    const sandbox = await start({});
    const txIds = [];
    for (let i = 0; i < 4; i++) txIds.push(await paidOrder(sandbox));
    const first = txIds[0] ?? '';

    const started = Date.now();
    const refund = await pg(sandbox, '/pg/refund', { txId: first });
    const status = await pg(sandbox, '/pg/transaction/status', {
      txId: first,
      amount: '10.00',
      currency: 'USD',
    });
    const page = (await ordersPage(sandbox, first, 2, 2)).json as Json[];
    const rows = await orderRowsOf(sandbox, first);

    expect(Date.now() - started).toBeLessThan(1_000);
    expect(refund.json).toMatchObject({ txId: first, resultCode: '0000' });
    expect(status.status).toBe(200);
    expect(page.map((r) => r.tracNo)).toEqual(txIds.slice(2, 4));
    expect(rows.map((r) => [r.resultCd, r.settleYn, r.cancelYn, r.refundYn])).toEqual([
      ['0000', 'N', 'N', 'Y'],
    ]);
  });
});

describe('profile hostile: each knob at rate 1 shows, at rate 0 none does', () => {
  const sandboxes: Sandbox[] = [];
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver.stop());
  afterEach(async () => {
    await Promise.all(sandboxes.splice(0).map((s) => s.stop()));
    receiver.received.length = 0;
  });
  const start = async (knobs: Partial<HostilitySettings>, seed?: number) => {
    const sandbox = await startTestSandbox({
      profile: 'hostile',
      hostility: { ...NO_HOSTILITY, ...knobs },
      ...(seed === undefined ? {} : { seed }),
    });
    sandbox.updateMerchant(MERCHANT_ID, { notifyUrl: receiver.url });
    sandboxes.push(sandbox);
    return sandbox;
  };
  const received = (txId: string) =>
    receiver.received.filter((r) => (r.body as Json | undefined)?.txId === txId);

  it('forgedPushes: 0000 for an unpaid order and for a declined one', async () => {
    const sandbox = await start({ forgedPushes: 1 });
    const { txId: unpaid } = await registerOrder(sandbox);
    const declined = await paidOrder(sandbox, {}, 'decline');
    await sandbox.pushesSettled();

    await waitFor(() => (received(declined).length > 0 ? true : undefined));
    expect(received(unpaid).map((r) => r.body)).toEqual([
      { txId: unpaid, resultCode: '0000', resultMsg: 'Success' },
    ]);
    expect(sandbox.transaction(unpaid)?.state).toBe('REGISTERED');
    expect(received(declined).map((r) => (r.body as Json).resultCode)).toEqual(['0000', '0000']);
    expect(sandbox.transaction(declined)?.state).toBe('DECLINED');
  });

  it('duplicatePushes: every push twice', async () => {
    const sandbox = await start({ duplicatePushes: 1 });
    const txId = await paidOrder(sandbox);
    await sandbox.pushesSettled();

    expect(pushes(sandbox, txId).map((p) => [p.copy, p.outcome])).toEqual([
      [0, 'delivered'],
      [1, 'delivered'],
    ]);
  });

  it('droppedPushes: nothing sent, journaled as dropped', async () => {
    const sandbox = await start({ droppedPushes: 1 });
    const txId = await paidOrder(sandbox);
    await sandbox.pushesSettled();

    expect(pushes(sandbox, txId).map((p) => p.outcome)).toEqual(['dropped']);
    expect(received(txId)).toEqual([]);
  });

  it('latePushes: sent latePushMs after the payment was decided', async () => {
    const sandbox = await start({ latePushes: 1, latePushMs: 300 });
    const txId = await paidOrder(sandbox);

    const [push] = await waitFor(() => {
      const found = pushes(sandbox, txId);
      return found.length > 0 ? found : undefined;
    });

    expect((push?.atMs ?? 0) - (push?.queuedAtMs ?? 0)).toBeGreaterThanOrEqual(300);
  });

  it('reorderedPushes: a batch of three is not sent in the order decided', async () => {
    const sandbox = await start({ reorderedPushes: 1 });
    const txIds = [];
    for (let i = 0; i < 3; i++) txIds.push(await paidOrder(sandbox));

    const sent = await waitFor(() => {
      const found = pushes(sandbox).map((p) => (p.body as Json).txId);
      return found.length === 3 ? found : undefined;
    });

    expect([...sent].sort()).toEqual([...txIds].sort());
    expect(sent).not.toEqual(txIds);
  });

  it('foreignPushes: a 0000 push for a txId this merchant never registered', async () => {
    const sandbox = await start({ foreignPushes: 1 });
    const txId = await paidOrder(sandbox);
    await sandbox.pushesSettled();

    const bodies = pushes(sandbox).map((p) => p.body as Json);
    expect(bodies).toHaveLength(2);
    expect(bodies[0]?.txId).toBe(txId);
    expect(bodies[1]).toMatchObject({ resultCode: '0000', resultMsg: 'Success' });
    expect(String(bodies[1]?.txId)).toMatch(/^\d{16}$/);
    expect(sandbox.transaction(String(bodies[1]?.txId))).toBeUndefined();
  });

  it('garbagePushes: not JSON, the wrong shape, huge (under 1 MB), a card number; never journaled whole', async () => {
    const sandbox = await start({ garbagePushes: 1 });
    for (let i = 0; i < 10; i++) await paidOrder(sandbox);
    await sandbox.pushesSettled();

    const garbage = receiver.received.filter((r) => {
      const body = r.body as Json | string;
      return (
        typeof body === 'string' ||
        typeof body.resultMsg !== 'string' ||
        'cardNumber' in body ||
        'padding' in body
      );
    });
    const kinds = new Set(
      garbage.map((r) => {
        const body = r.body as Json | string;
        if (typeof body === 'string') return 'not-json';
        if ('cardNumber' in body) return 'card-number';
        if ('padding' in body) {
          const size = JSON.stringify(body).length;
          expect(size).toBeGreaterThan(500_000);
          expect(size).toBeLessThan(1024 * 1024);
          return 'huge';
        }
        return 'wrong-shape';
      }),
    );

    expect(garbage).toHaveLength(10);
    expect([...kinds].sort()).toEqual(['card-number', 'huge', 'not-json', 'wrong-shape']);
    expect(JSON.stringify(sandbox.journal.all())).not.toContain('4111111111111111');
  });

  it('connectionResets: /pg requests reset, some after the refund was applied', async () => {
    const sandbox = await start({});
    const txIds = [];
    for (let i = 0; i < 8; i++) txIds.push(await paidOrder(sandbox));
    sandbox.setProfile('hostile', { hostility: { connectionResets: 1 } });

    const outcomes = await Promise.all(
      txIds.map((txId) =>
        pg(sandbox, '/pg/refund', { txId }).then(
          () => 'answered',
          () => 'reset',
        ),
      ),
    );
    const applied = txIds.map((txId) => sandbox.transaction(txId)?.refund !== null);

    expect(outcomes).toEqual(txIds.map(() => 'reset'));
    expect(applied).toContain(true);
    expect(applied).toContain(false);
    expect(sandbox.journal.requests('/pg/refund').map((r) => r.status)).toEqual(txIds.map(() => 0));
  });

  it('at rate 0: one push per decision, every request answered', async () => {
    const sandbox = await start({});
    const { txId: unpaid } = await registerOrder(sandbox);
    const declined = await paidOrder(sandbox, {}, 'decline');
    const approved = await paidOrder(sandbox);
    await sandbox.pushesSettled();

    const refund = await pg(sandbox, '/pg/refund', { txId: approved });

    expect(refund.json).toMatchObject({ txId: approved, resultCode: '0000' });
    expect(
      pushes(sandbox).map((p) => [
        (p.body as Json).txId,
        (p.body as Json).resultCode,
        p.copy,
        p.outcome,
      ]),
    ).toEqual([
      [declined, '9999', 0, 'delivered'],
      [approved, '0000', 0, 'delivered'],
    ]);
    expect(received(unpaid)).toEqual([]);
  });
});

describe('choosing the profile at run time', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(() => sandbox.stop());

  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${sandbox.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as Json };
  };

  it('switches with setProfile and PUT /_sandbox/profile, shows it in the state, resets to the start profile', async () => {
    const txId = await paidOrder(sandbox);
    const other = await paidOrder(sandbox);

    const set = sandbox.setProfile('literal');
    const literal = (await pg(sandbox, '/pg/refund', { txId })).json as Json;
    const state = await admin('GET', '/_sandbox/state');
    const put = await admin('PUT', '/_sandbox/profile', {
      profile: 'ambiguous',
      ambiguity: { lateAnswerMs: 500 },
    });
    const afterPut = sandbox.profile();
    sandbox.reset();
    const again = await paidOrder(sandbox);
    const plain = (await pg(sandbox, '/pg/refund', { txId: again })).json as Json;

    expect(set.profile).toBe('literal');
    expect(literal.txId).toBe('2435');
    expect(state.json.profile).toBe('literal');
    expect(state.json.ambiguity).toMatchObject({ readRefusals: 0.2, lateAnswerMs: 3_000 });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ profile: 'ambiguous', ambiguity: { lateAnswerMs: 500 } });
    expect(afterPut).toBe('ambiguous');
    expect(sandbox.profile()).toBe('default');
    expect((await admin('GET', '/_sandbox/profile')).json).toMatchObject({
      profile: 'default',
      ambiguity: { lateAnswerMs: 3_000 },
    });
    expect(plain.txId).toBe(again);
    expect(other).toBeDefined();
  });

  it.each([
    [{ profile: 'weird' }, 'profile must be one of default, literal, ambiguous, hostile'],
    [{ ambiguity: { readRefusals: 0.5 } }, 'profile is required'],
    [
      { profile: 'ambiguous', ambiguity: { readRefusals: 2 } },
      'ambiguity.readRefusals must be a rate from 0 to 1',
    ],
    [{ profile: 'hostile', hostility: { bogus: 1 } }, 'unknown hostility field bogus'],
    [{ profile: 'literal', extra: true }, 'unknown field extra'],
    [['literal'], 'body must be a JSON object'],
  ])('refuses PUT /_sandbox/profile %j with 400 naming the field', async (body, message) => {
    const answer = await admin('PUT', '/_sandbox/profile', body);

    expect(answer.status).toBe(400);
    expect(String(answer.json.error)).toContain(message);
    expect(sandbox.profile()).toBe('default');
  });

  it('refuses a bad profile option at start, naming it', async () => {
    await expect(startTestSandbox({ profile: 'loud' as never })).rejects.toThrow(
      'profile must be one of default, literal, ambiguous, hostile',
    );
    await expect(
      startTestSandbox({ profile: 'ambiguous', ambiguity: { lateAnswerMs: -1 } }),
    ).rejects.toThrow('ambiguity.lateAnswerMs must be a whole number');
  });
});

describe('a seed replays an ambiguous run', () => {
  async function run(seed: number): Promise<unknown[]> {
    const sandbox = await startTestSandbox({
      seed,
      profile: 'ambiguous',
      ambiguity: { lateAnswerMs: 20 },
    });
    try {
      const seen: unknown[] = [];
      const txIds = Array.from(
        { length: 12 },
        (_, i) => `17637000000${String(i).padStart(5, '0')}`,
      );
      for (const txId of txIds) {
        await pg(sandbox, '/pg/order/register', {
          txId,
          trt: '10',
          currency: 'USD',
          amount: '10.00',
          paymentMethod: 'CREDIT_DEBIT',
        });
        sandbox.pay(txId, 'approve');
      }
      for (const txId of txIds) {
        const status = await pg(sandbox, '/pg/transaction/status', {
          txId,
          amount: '10.00',
          currency: 'USD',
        });
        const refund = await pg(sandbox, '/pg/refund', { txId });
        seen.push([status.status, (status.json as Json | undefined)?.resultCode, refund.status]);
      }
      const day = today(sandbox, txIds[0] ?? '');
      for (const index of [1, 2, 3]) {
        const page = await pg(sandbox, '/pg/orders', {
          fromDate: day,
          toDate: day,
          index,
          limit: 5,
        });
        const rows = Array.isArray(page.json) ? (page.json as Json[]) : [page.json as Json];
        seen.push(
          rows.map((r) => [
            r.tracNo,
            r.resultCd ?? r.resultCode,
            r.settleYn,
            r.cancelYn,
            r.refundYn,
          ]),
        );
      }
      return seen;
    } finally {
      await sandbox.stop();
    }
  }

  it('gives the same answers for the same seed, others for another', async () => {
    const first = await run(7);
    const again = await run(7);
    const other = await run(8);

    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });
});
