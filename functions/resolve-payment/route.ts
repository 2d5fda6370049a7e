import * as z from 'zod';
import { containsCardNumber } from '#shared/domain/card.ts';
import { paymentViewSchema } from '#shared/domain/payment-view.ts';
import { paymentPath } from '#shared/http/schemas.ts';
import { defineRoute } from '#shared/runtime/descriptor.ts';

/**
 * POST /payments/{id}/resolve — an operator settles a payment whose money move has an unknown
 * outcome, after checking with PAYON (docs/payon-assumptions.md A49). The reason is kept in the
 * payment's history: 1–500 printable characters (any script), never card data.
 */
export const resolvePaymentSchemas = {
  path: paymentPath,
  body: z
    .object({
      outcome: z.enum(['happened', 'did_not_happen', 'acknowledged']),
      reason: z
        .string()
        .min(1)
        .max(500)
        .regex(/^[^\p{C}]+$/u, 'must be printable characters (no control characters)')
        .refine((r) => r.trim().length > 0, 'must not be blank')
        .refine((r) => !containsCardNumber(r), 'must not contain a card number'),
    })
    .strict(),
};

export const resolvePaymentRoute = defineRoute({
  function: 'resolve-payment',
  method: 'POST',
  path: '/payments/{id}/resolve',
  access: 'operator',
  idempotent: true,
  schemas: resolvePaymentSchemas,
  doc: {
    readme:
      'operators only (IAM in AWS, whatever `auth` is): settle an `UNKNOWN` payment with `{"outcome":"happened"\\|"did_not_happen","reason":"…"}`, or end a flagged payment\'s attention with `"acknowledged"`; nothing is sent to PAYON',
    summary:
      'Operators only (IAM): settle a payment whose money move has an unknown outcome, with a reason',
    status: 200,
    tag: 'Payments',
    response: paymentViewSchema,
    responseExample: {
      id: '1795000000000017',
      state: 'FAILED',
      kind: 'purchase',
      paymentMethod: 'CREDIT_DEBIT',
      amount: {
        value: '12.50',
        currency: 'USD',
      },
      reference: 'order-1234',
      checkoutUrl: null,
      qrString: null,
      expiresAt: null,
      returnUrl: 'https://shop.example.com/done',
      bindingId: null,
      lastDecline: null,
      attention: [],
      createdAt: '2026-11-22T03:15:00.412Z',
      updatedAt: '2026-11-22T05:00:12.000Z',
      history: [
        {
          at: '2026-11-22T03:15:00.861Z',
          from: 'CREATED',
          to: 'UNKNOWN',
          reason: 'PAYON did not answer /pg/order/register within 10000 ms',
        },
        {
          at: '2026-11-22T05:00:12.000Z',
          from: 'UNKNOWN',
          to: 'FAILED',
          reason: 'Checked with PAYON support (ticket 4521): the order was never registered',
          resolvedBy: 'operator',
        },
      ],
    },
    errors: [404, 409],
    example: {
      outcome: 'did_not_happen',
      reason: 'Checked with PAYON support (ticket 4521): the capture was never processed',
    },
  },
  // An operator's verdict on an unknown outcome: the payment and its event; never calls PAYON. It
  // reads the secret for its `idempotencySecret` alone: its Idempotency-Keys are stored as HMACs.
  aws: { table: 'readWrite', merchantSecret: true, publishEvents: true },
});
