import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '#local/payon-sandbox/index.ts';
import { createPinEncryptor } from '#shared/crypto/rsa.ts';
import { money } from '#shared/domain/money.ts';
import { PayonRejectedError, ServiceUnavailableError } from '#shared/errors.ts';
import { PayonClient } from '#shared/payon/client.ts';
import { payonConfig, staticSecrets, TEST_SECRET } from '#test/support/payon-fixtures.ts';

// The product's client and the sandbox are independent implementations of the same decisions
// (docs/payon-assumptions.md): every operation must go through, every `sign` verified by the
// sandbox's own code.
describe('PayonClient against the PAYON sandbox', () => {
  let sandbox: Sandbox;
  let client: PayonClient;
  const secret = { ...TEST_SECRET, apiKey: 'sandbox-api-key' };

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, log: false, seed: 11 });
    client = new PayonClient({
      config: payonConfig(sandbox.url),
      secrets: staticSecrets({ ...secret, payonPublicKey: sandbox.payonPublicKeyPem }),
      pinEncryption: createPinEncryptor,
    });
  });
  afterAll(() => sandbox.stop());

  it('completes every operation, each request signed and accepted', async () => {
    const purchase = '1763700000000001';
    const preauth = '1763700000000002';
    const day = new Date(sandbox.now());

    const order = await client.registerOrder({
      txId: purchase,
      kind: 'purchase',
      amount: money(1_250, 'USD'),
      paymentMethod: 'CREDIT_DEBIT',
    });
    await client.registerOrder({
      txId: preauth,
      kind: 'preauth',
      amount: money(3_000, 'USD'),
      paymentMethod: 'CREDIT_DEBIT',
    });
    const before = await client.transactionStatus({ txId: purchase, amount: money(1_250, 'USD') });
    sandbox.pay(purchase, 'approve');
    sandbox.pay(preauth, 'approve');
    const after = await client.transactionStatus({ txId: purchase, amount: money(1_250, 'USD') });
    const capture = await client.completePreAuth({ txId: preauth, amount: money(2_000, 'USD') });
    const orders = await client.listOrders({ from: day, to: day, index: 1, limit: 100 });
    const reconciled = await client.reconcile([
      { txId: purchase, type: 'PURCHASE', grandTotal: money(1_250, 'USD') },
      { txId: preauth, type: 'PRE_AUTH_COMPLETE', grandTotal: money(2_000, 'USD') },
    ]);
    const refund = await client.refund(purchase);
    const reversal = await client.reverse(preauth);
    const binding = await client.createBinding({
      clientId: '02',
      paymentMethod: 'CREDIT_DEBIT',
      card: { number: '4111111111111111', cvv: '123', expiry: '209912', holderName: 'Sok Chan' },
      phone: '855964444781',
      pin: '123456',
    });
    await client.createPin({ clientId: '02', pin: '654321' });
    await client.setPinVerification({ clientId: '02', enabled: false });
    const bindings = await client.listBindings('02');

    expect(order.checkoutUrl).toBe(`${sandbox.publicUrl}/checkout/${purchase}`);
    expect(before).toEqual({ found: false, signal: 'not_successful' });
    expect(after).toMatchObject({
      found: true,
      signal: 'confirmed',
      amount: { minor: 1_250, currency: 'USD' },
    });
    expect(capture.amount).toEqual({ minor: 2_000, currency: 'USD' });
    expect(orders.map((o) => o.txId).sort()).toEqual([purchase, preauth]);
    expect(reconciled.map((r) => [r.txId, r.resultCode, r.verdict])).toEqual([
      [purchase, '0000', 'APPROVED'],
      [preauth, '0000', 'APPROVED'],
    ]);
    expect(refund.txId).toBe(purchase);
    expect(reversal.txId).toBe(preauth);
    expect(bindings).toEqual([
      expect.objectContaining({
        bindingId: binding.bindingId,
        clientId: '02',
        maskedPan: '411111******1111',
        pinVerification: false,
      }),
    ]);
    const answered = sandbox.journal.requests().filter((r) => r.path.startsWith('/pg/'));
    expect(answered.length).toBe(13);
    expect(answered.filter((r) => r.status === 401)).toEqual([]);
    expect(
      answered
        .filter((r) => !Array.isArray(r.body))
        .every((r) => typeof (r.body as { sign?: unknown }).sign === 'string'),
    ).toBe(true);
  });

  it('is refused with 401 by the sandbox when its key is wrong, and reports a configuration error', async () => {
    const wrong = new PayonClient({
      config: payonConfig(sandbox.url),
      secrets: staticSecrets({ ...secret, apiKey: 'not-the-key' }),
    });
    sandbox.journal.clear();

    const error = await wrong.refund('1763700000000001').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(sandbox.journal.requests('/pg/refund').map((r) => r.status)).toEqual([401, 401]);
  });

  it('has its refusals read as PAYON refusals with PAYON code', async () => {
    const error = await client.refund('1763799999999999').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PayonRejectedError);
    expect((error as PayonRejectedError).payonCode).toBe('3003');
  });
});
