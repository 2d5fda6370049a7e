import * as z from 'zod';
import { exampleAfterMove } from '#shared/domain/payment-examples.ts';
import { paymentViewSchema } from '#shared/domain/payment-view.ts';
import { paymentPath, positiveMoney } from '#shared/http/schemas.ts';
import { defineRoute, PAYON_ERRORS } from '#shared/runtime/descriptor.ts';

/** POST /payments/{id}/capture — without an amount, the whole authorised amount. */
export const capturePaymentSchemas = {
  path: paymentPath,
  body: z.object({ amount: positiveMoney.optional() }).strict(),
};

export const capturePaymentRoute = defineRoute({
  function: 'capture-payment',
  method: 'POST',
  path: '/payments/{id}/capture',
  access: 'merchant',
  idempotent: true,
  movesMoney: true,
  schemas: capturePaymentSchemas,
  doc: {
    readme: 'complete a pre-authorisation (once, ≤ the authorised amount)',
    summary: 'Complete a pre-authorisation (once, at most the authorised amount)',
    status: 200,
    tag: 'Payments',
    response: paymentViewSchema,
    responseExample: exampleAfterMove('capture', {
      to: 'SUCCEEDED',
      kind: 'preauth',
      amount: { value: '30.00', currency: 'USD' },
      sentAt: '2026-11-22T04:02:10.120Z',
      answeredAt: '2026-11-22T04:02:10.377Z',
      extra: { capturedAmount: { value: '25.00', currency: 'USD' } },
    }),
    errors: [404, 409, ...PAYON_ERRORS],
    example: { amount: { value: '10.00', currency: 'USD' } },
  },
  // A money move: the payment and its conditional idempotency record, the PAYON call, and the
  // transition's event (outbox in the same transaction, then EventBridge).
  aws: { table: 'readWrite', merchantSecret: true, publishEvents: true },
});
