import { createPrivateKey, sign as rsaSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '#local/payon-sandbox/index.ts';
import {
  canonical,
  MERCHANT_ID,
  newTxId,
  orderRowsOf,
  pg,
  post,
  registerOrder,
  startTestSandbox,
  TERM_ID,
} from './helpers.ts';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startTestSandbox({ bindingPinEncryption: 'plain' });
});
afterAll(() => sandbox.stop());

const admin = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${sandbox.url}/_sandbox${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
};

describe('admin API', () => {
  it('pays a checkout without a browser and answers the return URL', async () => {
    // Prepare
    await admin('PUT', `/merchants/${MERCHANT_ID}`, { returnUrl: 'https://shop.example/back' });
    const { txId } = await registerOrder(sandbox);
    // Act
    const paid = await admin('POST', `/payments/${txId}/pay`, { outcome: 'approve' });
    const again = await admin('POST', `/payments/${txId}/pay`, { outcome: 'approve' });
    // Assess
    expect(paid.status).toBe(200);
    expect(paid.json).toMatchObject({
      txId,
      state: 'APPROVED',
      resultCode: '0000',
      returnUrl: `https://shop.example/back?txId=${txId}`,
    });
    expect(paid.json.approvalNo).toMatch(/^\d{6}$/);
    expect(again.status).toBe(409);
  });

  it('declines with insufficient funds, and completes 3-D Secure for the 3DS test card', async () => {
    // Prepare
    const declined = await registerOrder(sandbox);
    const secure = await registerOrder(sandbox);
    // Act
    const decline = await admin('POST', `/payments/${declined.txId}/pay`, {
      outcome: 'insufficient_funds',
    });
    const pending = await admin('POST', `/payments/${secure.txId}/pay`, {
      card: '4000000000003220',
    });
    const completed = await admin('POST', `/payments/${secure.txId}/3ds-complete`, {});
    // Assess
    expect(decline.json).toMatchObject({
      state: 'DECLINED',
      resultCode: '9999',
      declineReason: 'Insufficient funds',
      retryable: true,
      attempts: 1,
    });
    expect(pending.json).toMatchObject({ state: 'AWAITING_OTP', resultCode: null });
    expect(completed.json).toMatchObject({ state: 'APPROVED', resultCode: '0000' });
  });

  it('pays a declined order again before its expiry; after the approval no attempt is possible', async () => {
    // Prepare
    const { txId } = await registerOrder(sandbox);
    // Act
    const first = await admin('POST', `/payments/${txId}/pay`, { outcome: 'decline' });
    const second = await admin('POST', `/payments/${txId}/pay`, { outcome: 'approve' });
    const third = await admin('POST', `/payments/${txId}/pay`, { outcome: 'decline' });
    // Assess
    expect(first.json).toMatchObject({ state: 'DECLINED', resultCode: '9999', retryable: true });
    expect(second.json).toMatchObject({
      state: 'APPROVED',
      resultCode: '0000',
      declineReason: null,
      retryable: false,
      attempts: 2,
    });
    expect(third).toEqual({ status: 409, json: { error: 'This payment is already approved.' } });
  });

  it('approves late (past expiry, after declines) as one more attempt row, and only once', async () => {
    // Prepare
    const declined = await registerOrder(sandbox, { amount: '3.00' });
    const unpaid = await registerOrder(sandbox, { amount: '4.00' });
    sandbox.pay(declined.txId, 'decline');
    sandbox.advanceClock(15 * 60_000 + 1_000);
    // Act
    const normal = await admin('POST', `/payments/${declined.txId}/pay`, { outcome: 'approve' });
    const late = await admin('POST', `/payments/${declined.txId}/pay`, {
      outcome: 'approve',
      late: true,
    });
    const again = await admin('POST', `/payments/${declined.txId}/pay`, { late: true });
    const lateUnpaid = sandbox.pay(unpaid.txId, undefined, {
      card: '5204730000001003',
      late: true,
    });
    const status = await pg(sandbox, '/pg/transaction/status', {
      txId: declined.txId,
      amount: '3.00',
      currency: 'USD',
    });
    const rows = await orderRowsOf(sandbox, declined.txId);
    const unpaidRows = await orderRowsOf(sandbox, unpaid.txId);
    sandbox.setClock(new Date().toISOString());
    // Assess
    expect(normal).toEqual({ status: 409, json: { error: 'This payment link has expired.' } });
    expect(late.json).toMatchObject({ state: 'APPROVED', resultCode: '0000', attempts: 2 });
    expect(again.status).toBe(409);
    expect(lateUnpaid).toMatchObject({ state: 'APPROVED', resultCode: '0000', attempts: 1 });
    expect(sandbox.transaction(unpaid.txId)?.card).toMatchObject({ last4: '1003' });
    expect(sandbox.transaction(declined.txId)?.attempts.map((a) => [a.resultCd, a.late])).toEqual([
      ['9999', false],
      ['0000', true],
    ]);
    expect(status.status).toBe(200);
    expect(rows.map((r) => r.resultCd)).toEqual(['9999', '0000']);
    expect(unpaidRows.map((r) => [r.resultCd, r.amount])).toEqual([['0000', 4]]);
  });

  it('refuses late with an outcome other than approve, and a late that is not a boolean', async () => {
    // Prepare
    const { txId } = await registerOrder(sandbox);
    // Act
    const decline = await admin('POST', `/payments/${txId}/pay`, {
      outcome: 'decline',
      late: true,
    });
    const text = await admin('POST', `/payments/${txId}/pay`, { late: 'yes' });
    // Assess
    expect(decline).toEqual({
      status: 400,
      json: { error: 'late is only for outcome approve (PAYON approving after all)' },
    });
    expect(text).toEqual({ status: 400, json: { error: 'late must be true or false' } });
    expect(sandbox.transaction(txId)?.state).toBe('REGISTERED');
  });

  it('reads and switches the orders-list behaviour, and reset restores the start options', async () => {
    // Prepare
    const local = await startTestSandbox({ ordersFlags: 'blank' });
    const call = async (method: string, body?: unknown) => {
      const response = await fetch(`${local.url}/_sandbox/behaviour`, {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, json: (await response.json()) as unknown };
    };
    try {
      // Act
      const initial = await call('GET');
      const switched = await call('PUT', { ordersRowsPerMove: true });
      const omitted = await call('PUT', { flags: 'omit' });
      const read = await call('GET');
      const bad = await call('PUT', { flags: 'maybe' });
      const unknown = await call('PUT', { rows: 2 });
      const viaMethod = local.behaviour();
      const inState = local.state().behaviour;
      await fetch(`${local.url}/_sandbox/reset`, { method: 'POST' });
      const afterReset = await call('GET');
      // Assess
      expect(initial).toEqual({ status: 200, json: { ordersRowsPerMove: false, flags: 'blank' } });
      expect(switched.json).toEqual({ ordersRowsPerMove: true, flags: 'blank' });
      expect(omitted.json).toEqual({ ordersRowsPerMove: true, flags: 'omit' });
      expect(read.json).toEqual({ ordersRowsPerMove: true, flags: 'omit' });
      expect(viaMethod).toEqual({ ordersRowsPerMove: true, flags: 'omit' });
      expect(inState).toEqual({ ordersRowsPerMove: true, flags: 'omit' });
      expect(bad).toEqual({ status: 400, json: { error: 'flags must be one of yn, blank, omit' } });
      expect(unknown.status).toBe(400);
      expect(afterReset.json).toEqual({ ordersRowsPerMove: false, flags: 'blank' });
    } finally {
      await local.stop();
    }
  });

  it('refuses an ordersFlags option it does not know at start', async () => {
    // Act
    const start = startTestSandbox({ ordersFlags: 'maybe' as 'yn' });
    // Assess
    await expect(start).rejects.toThrow('ordersFlags must be one of yn, blank, omit');
  });

  it('moves the clock and reports it', async () => {
    // Prepare
    const before = (await admin('GET', '/clock')).json.nowMs as number;
    // Act
    const moved = await admin('POST', '/clock', { advanceMs: 3_600_000 });
    const set = await admin('POST', '/clock', { set: new Date().toISOString() });
    // Assess
    expect((moved.json.nowMs as number) - before).toBeGreaterThanOrEqual(3_600_000);
    expect(Math.abs(set.json.offsetMs as number)).toBeLessThan(1_000);
  });

  it('settles every approved purchase', async () => {
    // Prepare
    const { txId } = await registerOrder(sandbox);
    sandbox.pay(txId, 'approve');
    // Act
    const settled = await admin('POST', '/settle', {});
    // Assess
    expect(settled.json.settled).toContain(txId);
    expect(sandbox.transaction(txId)?.settled).toBe(true);
  });

  it('filters the journal by path and counts requests per path', async () => {
    // Prepare
    await admin('DELETE', '/journal');
    await pg(sandbox, '/pg/refund', { txId: 'nope' });
    await pg(sandbox, '/pg/refund', { txId: 'nope' });
    await pg(sandbox, '/pg/reversal', { txId: 'nope' });
    // Act
    const journal = await admin('GET', '/journal?path=/pg/refund');
    // Assess
    const entries = journal.json.entries as Array<{
      path: string;
      method: string;
      status: number;
      body: unknown;
      at: string;
    }>;
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      method: 'POST',
      path: '/pg/refund',
      status: 200,
      body: { txId: 'nope' },
    });
    expect(journal.json.counts).toMatchObject({ requests: { '/pg/refund': 2, '/pg/reversal': 1 } });
  });

  it('shows the seed and a config summary without secrets', async () => {
    // Act
    const state = await admin('GET', '/state');
    // Assess
    expect(state.json.seed).toBe(sandbox.seed);
    expect(JSON.stringify(state.json)).not.toContain('sandbox-api-key');
    expect(state.json.merchants).toEqual([
      expect.objectContaining({
        merchantId: MERCHANT_ID,
        termId: TERM_ID,
        signingScheme: 'hmac-sha256',
      }),
    ]);
  });

  it('accepts plain binding PINs when bindingPinEncryption is plain', async () => {
    // Act
    const answer = await pg(sandbox, '/pg/binding/register', {
      clientId: 'plain-1',
      paymentMethod: 'PAYON',
      wdlAcNo: '1010499900000048',
      payonPin: '1234',
      pin: '9876',
    });
    // Assess
    expect(answer.json).toMatchObject({ resultCode: '0000', wdlAcNo: '101049**0048' });
  });

  it('resets the ledger and the journal', async () => {
    // Prepare
    const { txId } = await registerOrder(sandbox);
    // Act
    const reset = await admin('POST', '/reset');
    // Assess
    expect(reset.json).toEqual({ reset: true });
    expect(sandbox.transaction(txId)).toBeUndefined();
    expect(sandbox.journal.all()).toHaveLength(0);
  });

  it('adds a merchant that signs with rsa-sha256 and verifies its sign with the public key', async () => {
    // Prepare
    const publicKey = readFileSync('test/fixtures/keys/merchant-test.pub.pem', 'utf8');
    const privateKey = createPrivateKey(
      readFileSync('test/fixtures/keys/merchant-test.key.pem', 'utf8'),
    );
    const added = await admin('PUT', '/merchants/O0000021', {
      termId: 'OW04000007',
      apiKey: 'second-key',
      signingScheme: 'rsa-sha256',
      signingPublicKeyPem: publicKey,
    });
    const body: Record<string, unknown> = {
      merchantId: 'O0000021',
      termId: 'OW04000007',
      txId: newTxId(),
      amount: '1.00',
      currency: 'USD',
    };
    const sign = rsaSign('sha256', Buffer.from(canonical(body)), privateKey).toString('base64');
    // Act
    const good = await post(`${sandbox.url}/pg/transaction/status`, { ...body, sign });
    const bad = await post(`${sandbox.url}/pg/transaction/status`, {
      ...body,
      amount: '2.00',
      sign,
    });
    // Assess
    expect(added.json).toMatchObject({ merchantId: 'O0000021', signingScheme: 'rsa-sha256' });
    expect(good.status).toBe(302);
    expect([bad.status, bad.text]).toEqual([401, '1']);
  });

  it('answers 404 for an unknown admin route and 400 for a bad chaos value', async () => {
    // Act
    const missing = await admin('GET', '/nothing');
    const chaos = await admin('PUT', '/push-chaos', { dropRate: 2 });
    // Assess
    expect(missing.status).toBe(404);
    expect(chaos.status).toBe(400);
    expect(chaos.json.error).toBe('dropRate must be a number from 0 to 1');
  });
});
