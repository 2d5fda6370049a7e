import * as z from 'zod';
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
    responseExample: {
      id: '1795000000000017',
      state: 'SUCCEEDED',
      kind: 'preauth',
      paymentMethod: 'CREDIT_DEBIT',
      amount: {
        value: '30.00',
        currency: 'USD',
      },
      reference: 'order-1234',
      checkoutUrl: 'https://pg.payon.com.kh/checkout/1795000000000017',
      qrString: null,
      expiresAt: '2026-11-22T03:30:00.000Z',
      returnUrl: 'https://shop.example.com/done',
      bindingId: null,
      lastDecline: null,
      attention: [],
      createdAt: '2026-11-22T03:15:00.412Z',
      updatedAt: '2026-11-22T04:02:10.377Z',
      history: [
        {
          at: '2026-11-22T03:15:00.861Z',
          from: 'CREATED',
          to: 'PENDING',
          reason: 'registered at PAYON',
        },
        {
          at: '2026-11-22T03:17:42.105Z',
          from: 'PENDING',
          to: 'AUTHORIZED',
          reason: 'PAYON status COMPLETE for the same amount',
        },
        {
          at: '2026-11-22T04:02:10.120Z',
          from: 'AUTHORIZED',
          to: 'UNKNOWN',
          reason: 'capture sent to PAYON',
        },
        {
          at: '2026-11-22T04:02:10.377Z',
          from: 'UNKNOWN',
          to: 'SUCCEEDED',
          reason: 'PAYON answered the capture',
        },
      ],
      capturedAmount: {
        value: '25.00',
        currency: 'USD',
      },
    },
    errors: [404, 409, ...PAYON_ERRORS],
    example: { amount: { value: '10.00', currency: 'USD' } },
  },
  // A money move: the payment and its conditional idempotency record, the PAYON call, and the
  // transition's event (outbox in the same transaction, then EventBridge).
  aws: { table: 'readWrite', merchantSecret: true, publishEvents: true },
});
