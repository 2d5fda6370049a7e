import * as z from 'zod';
import { bindingId, clientId } from '#shared/bindings/input.ts';
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
    responseExample: {
      id: '1795000000000017',
      state: 'PENDING',
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
      updatedAt: '2026-11-22T03:15:00.861Z',
      history: [
        {
          at: '2026-11-22T03:15:00.861Z',
          from: 'CREATED',
          to: 'PENDING',
          reason: 'registered at PAYON',
        },
      ],
    },
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
