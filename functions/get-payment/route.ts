import * as z from 'zod';
import { examplePaidPayment } from '#shared/domain/payment-examples.ts';
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
    responseExample: examplePaidPayment(),
    errors: [404, ...PAYON_ERRORS],
  },
  // Reads the payment; `?sync=true` asks PAYON and writes the settled state back.
  aws: { table: 'readWrite', merchantSecret: true, publishEvents: true },
});
