import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelPayment } from '#functions/cancel-payment/cancel-payment.ts';
import { capturePayment } from '#functions/capture-payment/capture-payment.ts';
import { getPayment } from '#functions/get-payment/get-payment.ts';
import { paymentReturnUrl } from '#functions/payment-return/payment-return.ts';
import { refundPayment } from '#functions/refund-payment/refund-payment.ts';
import { money } from '#shared/domain/money.ts';
import { ConflictError, NotFoundError, UnprocessableError } from '#shared/errors.ts';
import { registerPayment } from '#shared/payments/registration.ts';
import { type ApiEnvironment, RETURN_ORIGIN, startApi } from '#test/support/api.ts';

// The business functions, called directly (no HTTP, no middleware), with real DynamoDB and sandbox.
describe('business functions', () => {
  let api: ApiEnvironment;

  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.stop());

  const register = (kind: 'purchase' | 'preauth', minor = 4_000) =>
    registerPayment(api.deps, {
      kind,
      amount: money(minor, 'USD'),
      paymentMethod: 'CREDIT_DEBIT',
      returnUrl: `${RETURN_ORIGIN}/r`,
    });

  it('register → pay → sync → capture all → refund, each step stored', async () => {
    const created = await register('preauth');
    api.sandbox.pay(created.txId, 'approve');
    const authorized = await getPayment(api.deps, created.txId, true);
    const captured = await capturePayment(api.deps, created.txId);
    const refunded = await refundPayment(api.deps, created.txId, money(4_000, 'USD'));

    expect(created.snapshot).toEqual({ state: 'PENDING' });
    expect(authorized.snapshot).toEqual({ state: 'AUTHORIZED' });
    expect(captured.capturedAmount).toEqual(money(4_000, 'USD'));
    expect(refunded.snapshot).toEqual({ state: 'REFUNDED' });
    expect((await api.deps.payments.get(created.txId))?.history.map((h) => h.to)).toEqual([
      'PENDING',
      'AUTHORIZED',
      'UNKNOWN',
      'SUCCEEDED',
      'UNKNOWN',
      'REFUNDED',
    ]);
  });

  it('refuses what the rules refuse, before PAYON', async () => {
    const purchase = await register('purchase');
    api.sandbox.pay(purchase.txId, 'approve');
    await getPayment(api.deps, purchase.txId, true);
    api.sandbox.journal.clear();

    await expect(capturePayment(api.deps, purchase.txId)).rejects.toBeInstanceOf(ConflictError);
    await expect(refundPayment(api.deps, purchase.txId, money(1, 'USD'))).rejects.toBeInstanceOf(
      UnprocessableError,
    );
    await expect(cancelPayment(api.deps, '9999999999999999')).rejects.toBeInstanceOf(NotFoundError);
    const preauth = await register('preauth', 1_000);
    api.sandbox.pay(preauth.txId, 'approve');
    await getPayment(api.deps, preauth.txId, true);
    api.sandbox.journal.clear();
    await expect(capturePayment(api.deps, preauth.txId, money(1_001, 'USD'))).rejects.toMatchObject(
      {
        code: 'amount_exceeds_authorized',
      },
    );
    await expect(capturePayment(api.deps, preauth.txId, money(0, 'USD'))).rejects.toMatchObject({
      code: 'operation_not_allowed',
    });
    expect(api.sandbox.journal.requests().length).toBe(0);
  });

  it('builds the return URL from the payment, not from the request', async () => {
    const payment = await register('purchase');

    expect(await paymentReturnUrl(api.deps, payment.txId)).toBe(
      `${RETURN_ORIGIN}/r?paymentId=${payment.txId}`,
    );
  });
});
