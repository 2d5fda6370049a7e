import * as z from 'zod';
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
    responseExample: {
      id: '1795000000000017',
      state: 'REFUNDED',
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
      updatedAt: '2026-11-23T09:41:05.377Z',
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
          at: '2026-11-23T09:41:05.120Z',
          from: 'SUCCEEDED',
          to: 'UNKNOWN',
          reason: 'refund sent to PAYON',
        },
        {
          at: '2026-11-23T09:41:05.377Z',
          from: 'UNKNOWN',
          to: 'REFUNDED',
          reason: 'PAYON answered the refund',
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
