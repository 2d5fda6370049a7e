import { createPrivateKey, sign as rsaSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '#local/payon-sandbox/index.ts';
import {
  canonical,
  MERCHANT_ID,
  newTxId,
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
    });
    expect(pending.json).toMatchObject({ state: 'AWAITING_OTP', resultCode: null });
    expect(completed.json).toMatchObject({ state: 'APPROVED', resultCode: '0000' });
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
