import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '#local/payon-sandbox/index.ts';
import { freePort } from '#test/support/services.ts';
import {
  MERCHANT_ID,
  paidOrder,
  pushes,
  type Receiver,
  registerOrder,
  startReceiver,
  startTestSandbox,
  waitFor,
} from './helpers.ts';

let sandbox: Sandbox;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  sandbox = await startTestSandbox({
    merchants: [
      {
        merchantId: MERCHANT_ID,
        termId: 'CT03000003',
        apiKey: 'sandbox-api-key',
        signingScheme: 'hmac-sha256',
      },
    ],
  });
  sandbox.updateMerchant(MERCHANT_ID, { notifyUrl: receiver.url });
});
afterEach(() => {
  sandbox.setPushChaos({
    duplicates: 0,
    delayMs: 0,
    reorder: false,
    dropRate: 0,
    forgeSuccessForDeclined: false,
  });
});
afterAll(async () => {
  await sandbox.stop();
  await receiver.stop();
});

describe('push notifications', () => {
  it('sends one push per decided payment when no chaos is set', async () => {
    // Act
    const txId = await paidOrder(sandbox);
    // Assess
    const sent = await waitFor(() =>
      pushes(sandbox, txId).length === 1 ? pushes(sandbox, txId) : undefined,
    );
    expect(sent[0]).toMatchObject({
      url: receiver.url,
      outcome: 'delivered',
      httpStatus: 200,
      copy: 0,
    });
  });

  it('duplicates: sends N extra copies with the same body', async () => {
    // Prepare
    const chaos = await fetch(`${sandbox.url}/_sandbox/push-chaos`, {
      method: 'PUT',
      body: JSON.stringify({ duplicates: 2 }),
    });
    // Act
    const txId = await paidOrder(sandbox);
    // Assess
    expect(chaos.status).toBe(200);
    const sent = await waitFor(() =>
      pushes(sandbox, txId).length === 3 ? pushes(sandbox, txId) : undefined,
    );
    expect(sent.map((p) => p.copy)).toEqual([0, 1, 2]);
    expect(new Set(sent.map((p) => JSON.stringify(p.body))).size).toBe(1);
    expect(sent.every((p) => p.outcome === 'delivered')).toBe(true);
    expect(
      receiver.received.filter((r) => (r.body as { txId: string }).txId === txId),
    ).toHaveLength(3);
  });

  it('dropRate 1: sends nothing and records every push as dropped', async () => {
    // Prepare
    sandbox.setPushChaos({ dropRate: 1 });
    // Act
    const txId = await paidOrder(sandbox);
    await sandbox.pushesSettled();
    // Assess
    const sent = await waitFor(() =>
      pushes(sandbox, txId).length === 1 ? pushes(sandbox, txId) : undefined,
    );
    expect(sent[0]?.outcome).toBe('dropped');
    expect(receiver.received.some((r) => (r.body as { txId: string }).txId === txId)).toBe(false);
  });

  it('forgeSuccessForDeclined: pushes 0000 for a declined payment', async () => {
    // Prepare
    sandbox.setPushChaos({ forgeSuccessForDeclined: true });
    // Act
    const txId = await paidOrder(sandbox, {}, 'decline');
    // Assess
    const sent = await waitFor(() => pushes(sandbox, txId)[0]);
    expect(sent.body).toEqual({ txId, resultCode: '0000', resultMsg: 'Success' });
    expect(sandbox.transaction(txId)?.state).toBe('DECLINED');
  });

  it('delayMs: the push is recorded at least the delay after the payment was decided', async () => {
    // Prepare
    sandbox.setPushChaos({ delayMs: 300 });
    // Act
    const txId = await paidOrder(sandbox);
    // Assess
    const sent = await waitFor(() => pushes(sandbox, txId)[0]);
    expect(sent.atMs - sent.queuedAtMs).toBeGreaterThanOrEqual(300);
    expect(sent.outcome).toBe('delivered');
  });

  it('records a failed push when the merchant is down and keeps answering', async () => {
    // Prepare
    const deadPort = await freePort();
    sandbox.updateMerchant(MERCHANT_ID, { notifyUrl: `http://127.0.0.1:${deadPort}/down` });
    // Act
    const txId = await paidOrder(sandbox);
    const sent = await waitFor(() => pushes(sandbox, txId)[0]);
    sandbox.updateMerchant(MERCHANT_ID, { notifyUrl: receiver.url });
    const health = await fetch(`${sandbox.url}/health`);
    // Assess
    expect(sent.outcome).toBe('failed');
    expect(sent.error).toBeTruthy();
    expect(health.status).toBe(200);
  });
});

describe('reorder', () => {
  async function payFourAndReadOrder(seed: number): Promise<number[]> {
    const local = await startTestSandbox({ seed });
    try {
      local.updateMerchant(MERCHANT_ID, { notifyUrl: receiver.url });
      local.setPushChaos({ reorder: true, reorderWindowSize: 4, reorderWindowMs: 5_000 });
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) ids.push((await registerOrder(local)).txId);
      for (const id of ids) local.pay(id, 'approve');
      const sent = await waitFor(() => (pushes(local).length === 4 ? pushes(local) : undefined));
      return sent.map((p) => ids.indexOf((p.body as { txId: string }).txId));
    } finally {
      await local.stop();
    }
  }

  it('sends pushes of several payments in another order than they were paid, the same way for the same seed', async () => {
    // Act
    const first = await payFourAndReadOrder(7);
    const again = await payFourAndReadOrder(7);
    // Assess
    expect([...first].sort()).toEqual([0, 1, 2, 3]);
    expect(first).not.toEqual([0, 1, 2, 3]);
    expect(again).toEqual(first);
  });
});
