/**
 * Payments as the API tests make them: registered through `POST /payments`, and paid at the
 * sandbox then confirmed with `?sync=true`. One definition for every suite that needs one.
 */
import { randomUUID } from 'node:crypto';
import { type ApiEnvironment, RETURN_ORIGIN } from '#test/support/api.ts';

export interface PaymentOptions {
  readonly kind?: 'purchase' | 'preauth';
  /** Decimal string, USD. */
  readonly value?: string;
}

/** A registered payment (PENDING at PAYON's checkout); its id. */
export async function registeredPayment(
  api: ApiEnvironment,
  { kind = 'purchase', value = '20.00' }: PaymentOptions = {},
): Promise<string> {
  const created = await api.call('POST', '/payments', {
    idempotencyKey: randomUUID(),
    body: {
      kind,
      amount: { value, currency: 'USD' },
      paymentMethod: 'CREDIT_DEBIT',
      returnUrl: `${RETURN_ORIGIN}/done`,
    },
  });
  if (created.status !== 201) throw new Error(`POST /payments answered ${created.status}`);
  return String((created.body as { id: string }).id);
}

/** A payment the sandbox approved and the product confirmed; the sandbox journal is cleared after. */
export async function paidPayment(api: ApiEnvironment, options: PaymentOptions = {}) {
  const id = await registeredPayment(api, options);
  api.sandbox.pay(id, 'approve');
  await api.call('GET', `/payments/${id}?sync=true`);
  api.sandbox.journal.clear();
  return id;
}
