import * as z from 'zod';
import { exampleAfterMove } from '#shared/domain/payment-examples.ts';
import { paymentViewSchema } from '#shared/domain/payment-view.ts';
import { moneyInput, paymentPath } from '#shared/http/schemas.ts';
import { defineRoute, PAYON_ERRORS } from '#shared/runtime/descriptor.ts';

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
    response: paymentViewSchema,
    responseExample: exampleAfterMove('refund', {
      to: 'REFUNDED',
      sentAt: '2026-11-23T09:41:05.120Z',
      answeredAt: '2026-11-23T09:41:05.377Z',
    }),
    errors: [404, 409, ...PAYON_ERRORS],
    example: {},
  },
  // A money move: the payment and its conditional idempotency record, the PAYON call, and the
  // transition's event (outbox in the same transaction, then EventBridge).
  aws: { table: 'readWrite', merchantSecret: true, publishEvents: true },
});
