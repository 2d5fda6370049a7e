import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '#local/payon-sandbox/index.ts';
import { createPinEncryptor } from '#shared/crypto/rsa.ts';
import { money } from '#shared/domain/money.ts';
import { PayonRejectedError, ServiceUnavailableError } from '#shared/errors.ts';
import { PayonClient } from '#shared/payon/client.ts';
import { payonConfig, staticSecrets, TEST_SECRET } from '#test/support/payon-fixtures.ts';

// The product's client against the sandbox's `literal` profile (docs/sandbox.md#profiles): every
// answer in the form of PAYON's documented examples, the undocumented ones alternating flat and
// wrapped. Each quirk is shown on the wire by test/integration/sandbox/profiles.test.ts; here the
// client must read each one right.
describe('PayonClient against the literal profile', () => {
  let sandbox: Sandbox;
  let client: PayonClient;
  const secret = { ...TEST_SECRET, apiKey: 'sandbox-api-key' };
  let counter = 0;
  const nextTxId = () =>
    `17637${String(Date.now()).slice(-6)}${String(++counter).padStart(5, '0')}`;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, log: false, seed: 5, profile: 'literal' });
    client = new PayonClient({
      config: payonConfig(sandbox.url),
      secrets: staticSecrets({ ...secret, payonPublicKey: sandbox.payonPublicKeyPem }),
      pinEncryption: createPinEncryptor,
    });
  });
  afterAll(() => sandbox.stop());
  beforeEach(() => sandbox.reset());

  const register = (txId: string, kind: 'purchase' | 'preauth' = 'purchase', minor = 1_000) =>
    client.registerOrder({
      txId,
      kind,
      amount: money(minor, 'USD'),
      paymentMethod: 'CREDIT_DEBIT',
    });
  const paid = async (kind: 'purchase' | 'preauth' = 'purchase') => {
    const txId = nextTxId();
    await register(txId, kind);
    sandbox.pay(txId, 'approve');
    return txId;
  };

  it('reads a registration answered flat, then one answered wrapped', async () => {
    const first = nextTxId();
    const second = nextTxId();

    const flat = await register(first);
    const wrapped = await register(second);

    const [flatAnswer, wrappedAnswer] = sandbox.journal.requests('/pg/order/register');
    expect([flatAnswer?.status, wrappedAnswer?.status]).toEqual([200, 200]);
    for (const [order, txId] of [
      [flat, first],
      [wrapped, second],
    ] as const) {
      expect(order.txId).toBe(txId);
      expect(order.checkoutUrl).toBe(`${sandbox.publicUrl}/checkout/${txId}`);
      const expiresAtMs = sandbox.transaction(txId)?.expiresAtMs ?? 0;
      expect(order.expiresAt?.getTime()).toBe(Math.floor(expiresAtMs / 1_000) * 1_000);
    }
  });

  it('reads status 302 with 9999 for an unknown txId as "not successful", never as an error', async () => {
    const status = await client.transactionStatus({
      txId: nextTxId(),
      amount: money(1_000, 'USD'),
    });

    expect(status).toEqual({ found: false, signal: 'not_successful' });
  });

  it('reads the approved status: a number amount, the 8-digit txSeqNo ignored', async () => {
    const txId = await paid();

    const status = await client.transactionStatus({ txId, amount: money(1_000, 'USD') });

    expect(status).toMatchObject({
      found: true,
      signal: 'confirmed',
      txId,
      kind: 'purchase',
      amount: { minor: 1_000, currency: 'USD' },
    });
  });

  it('keeps its own txId when refund and reversal answer the example’s placeholder txId', async () => {
    const refunded = await paid();
    const reversed = await paid();

    const refund = await client.refund(refunded);
    const reversal = await client.reverse(reversed);

    expect(refund).toMatchObject({ txId: refunded, amount: { minor: 1_000, currency: 'USD' } });
    expect(reversal).toMatchObject({ txId: reversed, amount: { minor: 1_000, currency: 'USD' } });
    expect(refund.approvalNo).toMatch(/^\d{6}$/);
    expect(refund.approvedAt).toBeInstanceOf(Date);
  });

  it('reads resultMessage of a refused refund as the refusal’s message', async () => {
    const txId = await paid();
    await client.refund(txId);

    const again = client.refund(txId);

    await expect(again).rejects.toBeInstanceOf(PayonRejectedError);
    await expect(again).rejects.toMatchObject({ payonCode: '3003' });
    await expect(again).rejects.toThrow(/already refunded/);
  });

  it('reads pre-auth completions answered flat, then wrapped', async () => {
    const first = await paid('preauth');
    const second = await paid('preauth');

    const flat = await client.completePreAuth({ txId: first, amount: money(400, 'USD') });
    const wrapped = await client.completePreAuth({ txId: second, amount: money(600, 'USD') });

    expect(flat).toMatchObject({ txId: first, amount: { minor: 400, currency: 'USD' } });
    expect(wrapped).toMatchObject({ txId: second, amount: { minor: 600, currency: 'USD' } });
    expect(sandbox.transaction(second)?.completion?.amountCents).toBe(600);
  });

  it('reads the orders list: code strings, number amounts, the 12-hour time at the right half of the day', async () => {
    // 14:30 in Cambodia: the list says 02:30 without PM.
    sandbox.setClock('2025-03-10T07:30:00.000Z');
    const txId = await paid();
    const tx = sandbox.transaction(txId);
    const day = new Date(sandbox.now());

    const [row] = await client.listOrders({
      from: day,
      to: day,
      index: 1,
      limit: 10,
      createdAt: (id) => (id === txId && tx ? new Date(tx.createdAtMs) : undefined),
    });

    expect(row).toMatchObject({
      txId,
      kind: 'purchase',
      statusCode: '09',
      resultCode: '0000',
      signal: 'confirmed',
      amount: { minor: 1_000, currency: 'USD' },
      settled: false,
      refunded: false,
    });
    expect(row?.approvedAtText).toMatch(/ 02:30:\d{2}$/);
    expect(Math.abs((row?.approvedAt?.getTime() ?? 0) - (tx?.decidedAtMs ?? 0))).toBeLessThan(
      1_000,
    );
  });

  it('reads an empty binding list answered with resultData null as no bindings', async () => {
    expect(await client.listBindings('nobody')).toEqual([]);
  });

  it('reads 401 with body 1 twice as rejected credentials, after one re-read of the secret', async () => {
    const secrets = staticSecrets({ ...secret, apiKey: 'not-the-key' });
    const wrongKey = new PayonClient({ config: payonConfig(sandbox.url), secrets });

    const status = wrongKey.transactionStatus({ txId: nextTxId(), amount: money(1_000, 'USD') });

    await expect(status).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(status).rejects.toMatchObject({ code: 'payon_credentials_rejected' });
    expect(secrets.reads.map((r) => r.forceRefresh)).toEqual([false, true]);
    expect(sandbox.journal.requests('/pg/transaction/status').map((r) => r.status)).toEqual([
      401, 401,
    ]);
  });
});
