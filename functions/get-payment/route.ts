import * as z from 'zod';
import { paymentViewSchema } from '#shared/domain/payment-view.ts';
import { paymentPath } from '#shared/http/schemas.ts';
import { defineRoute, PAYON_ERRORS } from '#shared/runtime/descriptor.ts';

/** GET /payments/{id}?sync=true */
export const getPaymentSchemas = {
  path: paymentPath,
  query: z.object({ sync: z.enum(['true', 'false']).optional() }).strict(),
};

export const getPaymentRoute = defineRoute({
  function: 'get-payment',
  method: 'GET',
  path: '/payments/{id}',
  access: 'merchant',
  idempotent: false,
  schemas: getPaymentSchemas,
  doc: {
    readme: 'the payment as stored; `?sync=true` asks PAYON first',
    summary: 'The payment; `sync=true` asks PAYON first',
    status: 200,
    tag: 'Payments',
    response: paymentViewSchema,
    responseExample: {
      id: '1795000000000017',
      state: 'SUCCEEDED',
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
      updatedAt: '2026-11-22T03:17:42.105Z',
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
      ],
    },
    errors: [404, ...PAYON_ERRORS],
  },
  // Reads the payment; `?sync=true` asks PAYON and writes the settled state back.
  aws: { table: 'readWrite', merchantSecret: true, publishEvents: true },
});
