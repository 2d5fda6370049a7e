import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox, Transaction } from '#local/payon-sandbox/index.ts';
import { orderRowsOf, paidOrder, pg, registerOrder, startTestSandbox } from './helpers.ts';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.stop());

const resultOf = (json: unknown) =>
  json as { resultCode: string; resultMessage: string; amount: unknown };

describe('pre-auth completion', () => {
  it('refuses a second completion with 3003 saying it is already completed', async () => {
    // Prepare
    const txId = await paidOrder(sandbox, { trt: '12', amount: '10.00' });
    await pg(sandbox, '/pg/preAuthCompletion', { txId, currency: 'USD', amount: '10.00' });
    // Act
    const second = await pg(sandbox, '/pg/preAuthCompletion', {
      txId,
      currency: 'USD',
      amount: '10.00',
    });
    // Assess
    expect(resultOf(second.json)).toMatchObject({
      resultCode: '3003',
      resultMessage: `Invalid Transaction: pre-authorisation ${txId} is already completed`,
      amount: null,
    });
  });

  it('refuses a completion above the authorized amount', async () => {
    // Prepare
    const txId = await paidOrder(sandbox, { trt: '12', amount: '10.00' });
    // Act
    const answer = await pg(sandbox, '/pg/preAuthCompletion', {
      txId,
      currency: 'USD',
      amount: '10.01',
    });
    // Assess
    expect(resultOf(answer.json)).toMatchObject({
      resultCode: '3003',
      resultMessage: 'Invalid Transaction: completion amount 10.01 exceeds the authorized 10.00',
    });
    expect(sandbox.transaction(txId)?.state).toBe('APPROVED');
  });

  it('refuses to complete a purchase', async () => {
    // Prepare
    const txId = await paidOrder(sandbox, { trt: '10' });
    // Act
    const answer = await pg(sandbox, '/pg/preAuthCompletion', {
      txId,
      currency: 'USD',
      amount: '1.00',
    });
    // Assess
    expect(resultOf(answer.json).resultCode).toBe('3003');
    expect(resultOf(answer.json).resultMessage).toContain('is a purchase, not a pre-authorisation');
  });
});

describe('refund', () => {
  it('refuses to refund a declined payment', async () => {
    // Prepare
    const txId = await paidOrder(sandbox, {}, 'decline');
    // Act
    const answer = await pg(sandbox, '/pg/refund', { txId });
    // Assess
    expect(resultOf(answer.json)).toMatchObject({
      resultCode: '3003',
      resultMessage: `Invalid Transaction: ${txId} is DECLINED; only an approved or completed payment can be refunded`,
    });
  });

  it('refuses to refund an order that was never paid', async () => {
    // Prepare
    const { txId } = await registerOrder(sandbox);
    // Act
    const answer = await pg(sandbox, '/pg/refund', { txId });
    // Assess
    expect(resultOf(answer.json).resultCode).toBe('3003');
    expect(resultOf(answer.json).resultMessage).toContain('is REGISTERED');
  });

  it('refuses a second refund', async () => {
    // Prepare
    const txId = await paidOrder(sandbox);
    await pg(sandbox, '/pg/refund', { txId });
    // Act
    const answer = await pg(sandbox, '/pg/refund', { txId });
    // Assess
    expect(resultOf(answer.json)).toMatchObject({
      resultCode: '3003',
      resultMessage: `Invalid Transaction: ${txId} is already refunded (one full refund per payment)`,
    });
  });

  it('refunds a completed pre-auth for the completed amount', async () => {
    // Prepare
    const txId = await paidOrder(sandbox, { trt: '12', amount: '10.00' });
    await pg(sandbox, '/pg/preAuthCompletion', { txId, currency: 'USD', amount: '7.25' });
    // Act
    const answer = await pg(sandbox, '/pg/refund', { txId });
    // Assess
    expect(resultOf(answer.json)).toMatchObject({ resultCode: '0000', amount: 7.25 });
  });

  it('refuses an unknown txId with 3003', async () => {
    // Act
    const answer = await pg(sandbox, '/pg/refund', { txId: 'no-such-payment' });
    // Assess
    expect(resultOf(answer.json)).toMatchObject({
      resultCode: '3003',
      resultMessage: 'Invalid Transaction: unknown txId no-such-payment',
    });
  });
});

describe('reversal', () => {
  it('refuses a reversal after a refund', async () => {
    // Prepare
    const txId = await paidOrder(sandbox);
    await pg(sandbox, '/pg/refund', { txId });
    // Act
    const answer = await pg(sandbox, '/pg/reversal', { txId });
    // Assess
    expect(resultOf(answer.json)).toMatchObject({
      resultCode: '3003',
      resultMessage: `Invalid Transaction: ${txId} is refunded; a refunded payment cannot be reversed`,
    });
  });

  it('refuses a reversal after settlement but still allows the refund', async () => {
    // Prepare
    const txId = await paidOrder(sandbox);
    const settled = await fetch(`${sandbox.url}/_sandbox/settle`, {
      method: 'POST',
      body: JSON.stringify({ txIds: [txId] }),
    });
    // Act
    const reversal = await pg(sandbox, '/pg/reversal', { txId });
    const refund = await pg(sandbox, '/pg/refund', { txId });
    // Assess
    expect(await settled.json()).toEqual({ settled: [txId] });
    expect(resultOf(reversal.json).resultCode).toBe('3003');
    expect(resultOf(reversal.json).resultMessage).toContain('is settled');
    expect(resultOf(refund.json).resultCode).toBe('0000');
  });

  it('shows reversal and refund in the orders list flags while status stays COMPLETE', async () => {
    // Prepare
    const reversed = await paidOrder(sandbox, { amount: '3.00' });
    const refunded = await paidOrder(sandbox, { amount: '4.00' });
    await pg(sandbox, '/pg/reversal', { txId: reversed });
    await pg(sandbox, '/pg/refund', { txId: refunded });
    const today = sandbox.transaction(reversed)?.txDt ?? '';
    const ddMMyyyy = `${today.slice(6, 8)}${today.slice(4, 6)}${today.slice(0, 4)}`;
    // Act
    const orders = await pg(sandbox, '/pg/orders', {
      fromDate: ddMMyyyy,
      toDate: ddMMyyyy,
      index: 1,
      limit: 1000,
    });
    const status = await pg(sandbox, '/pg/transaction/status', {
      txId: refunded,
      amount: '4.00',
      currency: 'USD',
    });
    // Assess
    const items = orders.json as Array<{ tracNo: string; cancelYn: string; refundYn: string }>;
    expect(items.find((i) => i.tracNo === reversed)).toMatchObject({
      cancelYn: 'Y',
      refundYn: 'N',
    });
    expect(items.find((i) => i.tracNo === refunded)).toMatchObject({
      cancelYn: 'N',
      refundYn: 'Y',
    });
    expect(status.status).toBe(200);
    expect(status.json).toMatchObject({ resultData: { txStCd: 'COMPLETE' } });
  });
});

describe('ledger', () => {
  it('keeps every transaction with its state history', async () => {
    // Prepare
    const txId = await paidOrder(sandbox);
    await pg(sandbox, '/pg/refund', { txId });
    // Act
    const ledger = (await (await fetch(`${sandbox.url}/_sandbox/ledger`)).json()) as {
      transactions: Array<{ txId: string; history: Array<{ event: string }> }>;
    };
    // Assess
    const tx = ledger.transactions.find((t) => t.txId === txId);
    expect(tx?.history.map((h) => h.event)).toEqual(['registered', 'approved', 'refunded']);
  });
});

describe('orders rows per money move (ordersRowsPerMove)', () => {
  let perMove: Sandbox;
  beforeAll(async () => {
    perMove = await startTestSandbox({ ordersRowsPerMove: true });
  });
  afterAll(() => perMove.stop());

  const ICT_12H = /^\d{2}\/\d{2}\/\d{4} (0\d|1[0-2]):\d{2}:\d{2}$/;

  it('lists a completion and a refund as rows of their own, each with its own numbers and flag', async () => {
    // Prepare
    const txId = await paidOrder(perMove, { trt: '12', amount: '10.00' });
    await pg(perMove, '/pg/preAuthCompletion', { txId, currency: 'USD', amount: '7.25' });
    await pg(perMove, '/pg/refund', { txId });
    const tx = perMove.transaction(txId) as Transaction;
    // Act
    const rows = await orderRowsOf(perMove, txId);
    // Assess
    expect(rows).toHaveLength(3);
    const [approved, completion, refund] = rows;
    expect(approved).toMatchObject({
      tracNo: txId,
      trt: '12',
      txStCd: '09',
      amount: 10,
      apprNo: tx.approvalNo,
      resultCd: '0000',
      settleYn: 'N',
      cancelYn: 'N',
      refundYn: 'N',
    });
    expect(completion).toMatchObject({
      tracNo: txId,
      txSeqNo: tx.completion?.txSeqNo,
      stan: tx.completion?.stan,
      amount: 7.25,
      apprNo: tx.completion?.approvalNo,
      resultCd: '0000',
      resultMsg: 'Success',
      settleYn: 'N',
      cancelYn: 'N',
      refundYn: 'N',
    });
    expect(refund).toMatchObject({
      tracNo: txId,
      txSeqNo: tx.refund?.txSeqNo,
      stan: tx.refund?.stan,
      amount: 7.25,
      apprNo: tx.refund?.approvalNo,
      resultCd: '0000',
      settleYn: 'N',
      cancelYn: 'N',
      refundYn: 'Y',
    });
    expect(new Set(rows.map((r) => r.txSeqNo)).size).toBe(3);
    expect(new Set(rows.map((r) => r.stan)).size).toBe(3);
    expect(new Set(rows.map((r) => r.apprNo)).size).toBe(3);
    for (const row of rows) {
      expect(row.apprDttm).toMatch(ICT_12H);
      expect(row.stan).toMatch(/^\d{6}$/);
      expect(row.txSeqNo).toMatch(new RegExp(`^${tx.txDt}\\d{8}$`));
    }
  });

  it('lists a reversal as its own row with cancelYn Y; the approved row keeps N', async () => {
    // Prepare
    const txId = await paidOrder(perMove, { amount: '3.00' });
    await pg(perMove, '/pg/reversal', { txId });
    // Act
    const rows = await orderRowsOf(perMove, txId);
    // Assess
    expect(rows.map((r) => [r.amount, r.resultCd, r.cancelYn, r.refundYn])).toEqual([
      [3, '0000', 'N', 'N'],
      [3, '0000', 'Y', 'N'],
    ]);
  });

  it('puts settleYn Y on the settled money: the purchase row, or the completion row of a pre-auth', async () => {
    // Prepare
    const purchase = await paidOrder(perMove, { amount: '2.00' });
    const preAuth = await paidOrder(perMove, { trt: '12', amount: '5.00' });
    await pg(perMove, '/pg/preAuthCompletion', { txId: preAuth, currency: 'USD', amount: '5.00' });
    perMove.settle([purchase, preAuth]);
    // Act
    const purchaseRows = await orderRowsOf(perMove, purchase);
    const preAuthRows = await orderRowsOf(perMove, preAuth);
    // Assess
    expect(purchaseRows.map((r) => r.settleYn)).toEqual(['Y']);
    expect(preAuthRows.map((r) => r.settleYn)).toEqual(['N', 'Y']);
  });

  it('goes back to one row with the flags on it when switched off at run time', async () => {
    // Prepare
    const txId = await paidOrder(perMove, { trt: '12', amount: '10.00' });
    await pg(perMove, '/pg/preAuthCompletion', { txId, currency: 'USD', amount: '6.00' });
    await pg(perMove, '/pg/reversal', { txId });
    perMove.setBehaviour({ ordersRowsPerMove: false });
    // Act
    const rows = await orderRowsOf(perMove, txId);
    perMove.setBehaviour({ ordersRowsPerMove: true });
    // Assess
    expect(rows).toEqual([
      expect.objectContaining({ amount: 6, cancelYn: 'Y', refundYn: 'N', settleYn: 'N' }),
    ]);
  });

  it('sends the flags as "" on every row with flags blank, and leaves them out with flags omit', async () => {
    // Prepare
    const txId = await paidOrder(perMove, { amount: '1.00' });
    await pg(perMove, '/pg/refund', { txId });
    const declined = await registerOrder(perMove);
    perMove.pay(declined.txId, 'decline');
    // Act
    perMove.setBehaviour({ flags: 'blank' });
    const blank = [
      ...(await orderRowsOf(perMove, txId)),
      ...(await orderRowsOf(perMove, declined.txId)),
    ];
    perMove.setBehaviour({ flags: 'omit' });
    const omitted = await orderRowsOf(perMove, txId);
    perMove.setBehaviour({ flags: 'yn' });
    // Assess
    expect(blank).toHaveLength(3);
    for (const row of blank) {
      expect([row.settleYn, row.cancelYn, row.refundYn]).toEqual(['', '', '']);
    }
    expect(omitted).toHaveLength(2);
    for (const row of omitted) {
      expect(Object.keys(row)).toEqual([
        'txDt',
        'txSeqNo',
        'txStCd',
        'trt',
        'payDvCd',
        'paymentType',
        'merchantId',
        'termId',
        'tracNo',
        'amount',
        'currencyCode',
        'apprNo',
        'apprDttm',
        'resultCd',
        'resultMsg',
        'stan',
      ]);
    }
  });
});
