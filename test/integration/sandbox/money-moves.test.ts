import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '#local/payon-sandbox/index.ts';
import { paidOrder, pg, registerOrder, startTestSandbox } from './helpers.ts';

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
