import * as z from 'zod';
import { exampleAfterMove } from '#shared/domain/payment-examples.ts';
import { paymentViewSchema } from '#shared/domain/payment-view.ts';
import { paymentPath } from '#shared/http/schemas.ts';
import { defineRoute, PAYON_ERRORS } from '#shared/runtime/descriptor.ts';

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
    response: paymentViewSchema,
    responseExample: exampleAfterMove('cancel', {
      to: 'CANCELLED',
      sentAt: '2026-11-22T04:02:10.120Z',
      answeredAt: '2026-11-22T04:02:10.377Z',
    }),
    errors: [404, 409, ...PAYON_ERRORS],
    example: {},
  },
  // A money move: the payment and its conditional idempotency record, the PAYON call, and the
  // transition's event (outbox in the same transaction, then EventBridge).
  aws: { table: 'readWrite', merchantSecret: true, publishEvents: true },
});
