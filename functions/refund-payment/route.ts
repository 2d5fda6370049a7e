import * as z from 'zod';
import { moneyInput, paymentPath } from '#shared/http/schemas.ts';
import { defineRoute } from '#shared/runtime/descriptor.ts';

/** POST /payments/{id}/refund — full only; an amount, if sent, must be the full amount. */
export const refundPaymentSchemas = {
  path: paymentPath,
  body: z.object({ amount: moneyInput.optional() }).strict(),
};

export const refundPaymentRoute = defineRoute({
  function: 'refund-payment',
  method: 'POST',
  path: '/payments/{id}/refund',
  access: 'merchant',
  idempotent: true,
  movesMoney: true,
  schemas: refundPaymentSchemas,
  doc: {
    readme: 'refund in full (PAYON has no partial refund: a partial amount gets 422)',
    summary: 'Refund a payment in full',
    status: 200,
    tag: 'Payments',
    example: {},
  },
  // A money move: the payment and its conditional idempotency record, the PAYON call, and the
  // transition's event (outbox in the same transaction, then EventBridge).
  aws: { table: 'readWrite', merchantSecret: true, publishEvents: true },
});
