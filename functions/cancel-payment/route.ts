import * as z from 'zod';
import { paymentPath } from '#shared/http/schemas.ts';
import { defineRoute } from '#shared/runtime/descriptor.ts';

/** POST /payments/{id}/cancel — PAYON's reversal; no body fields. */
export const cancelPaymentSchemas = {
  path: paymentPath,
  body: z.object({}).strict(),
};

export const cancelPaymentRoute = defineRoute({
  function: 'cancel-payment',
  method: 'POST',
  path: '/payments/{id}/cancel',
  access: 'merchant',
  idempotent: true,
  movesMoney: true,
  schemas: cancelPaymentSchemas,
  doc: {
    readme:
      "reverse a payment before settlement (PAYON's order history is checked first: 409 `payment_settled` after settlement)",
    summary: 'Reverse a payment before settlement',
    status: 200,
    tag: 'Payments',
    example: {},
  },
  // A money move: the payment and its conditional idempotency record, the PAYON call, and the
  // transition's event (outbox in the same transaction, then EventBridge).
  aws: { table: 'readWrite', merchantSecret: true, publishEvents: true },
});
