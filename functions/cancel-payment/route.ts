import * as z from 'zod';
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
    responseExample: {
      id: '1795000000000017',
      state: 'CANCELLED',
      kind: 'purchase',
      paymentMethod: 'CREDIT_DEBIT',
      amount: {
        value: '12.50',
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
          to: 'SUCCEEDED',
          reason: 'PAYON status COMPLETE for the same amount',
        },
        {
          at: '2026-11-22T04:02:10.120Z',
          from: 'SUCCEEDED',
          to: 'UNKNOWN',
          reason: 'cancel sent to PAYON',
        },
        {
          at: '2026-11-22T04:02:10.377Z',
          from: 'UNKNOWN',
          to: 'CANCELLED',
          reason: 'PAYON answered the cancel',
        },
      ],
    },
    errors: [404, 409, ...PAYON_ERRORS],
    example: {},
  },
  // A money move: the payment and its conditional idempotency record, the PAYON call, and the
  // transition's event (outbox in the same transaction, then EventBridge).
  aws: { table: 'readWrite', merchantSecret: true, publishEvents: true },
});
