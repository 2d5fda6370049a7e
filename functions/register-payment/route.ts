import * as z from 'zod';
import { bindingId, clientId } from '#shared/bindings/input.ts';
import { examplePayment } from '#shared/domain/payment-examples.ts';
import { PAY_DV_CDS, PAYMENT_METHODS } from '#shared/domain/payment-method.ts';
import { paymentViewSchema } from '#shared/domain/payment-view.ts';
import { paymentReference, positiveMoney, returnUrl } from '#shared/http/schemas.ts';
import { defineRoute, PAYON_ERRORS } from '#shared/runtime/descriptor.ts';

/** POST /payments */
export const registerPaymentSchemas = {
  body: z
    .object({
      kind: z.enum(['purchase', 'preauth']).default('purchase'),
      amount: positiveMoney,
      paymentMethod: z.enum(PAYMENT_METHODS),
      payDvCd: z.enum(PAY_DV_CDS).optional(),
      returnUrl,
      reference: paymentReference.optional(),
      /** Register even when a live payment holds the reference (409 `reference_in_use` otherwise). */
      allowDuplicateReference: z.boolean().optional(),
      savedCard: z.object({ clientId, bindingId }).strict().optional(),
    })
    .strict(),
};

export const registerPaymentRoute = defineRoute({
  function: 'register-payment',
  method: 'POST',
  path: '/payments',
  access: 'merchant',
  idempotent: true,
  claimsInTransaction: true,
  movesMoney: true,
  schemas: registerPaymentSchemas,
  doc: {
    readme:
      'register a purchase or pre-authorisation (any PAYON method, optionally a saved card) with its `returnUrl`; answers the checkout URL (and KHQR string)',
    summary: 'Register a purchase or pre-authorisation; answers the checkout URL',
    status: 201,
    tag: 'Payments',
    response: paymentViewSchema,
    responseExample: examplePayment(),
    errors: [409, ...PAYON_ERRORS],
    example: {
      amount: { value: '12.50', currency: 'USD' },
      paymentMethod: 'CREDIT_DEBIT',
      returnUrl: 'https://shop.example.com/done',
      reference: 'order-1234',
    },
  },
  // Money moves: payment record + conditional idempotency record (put/update/delete), PAYON call,
  // and the event of the transition (outbox in the same transaction, then EventBridge).
  aws: { table: 'readWrite', merchantSecret: true, publishEvents: true },
});
