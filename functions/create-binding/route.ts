import * as z from 'zod';
import { card, cardNumberProblem, clientId, pin, requestedAt } from '#shared/bindings/input.ts';
import { BINDING_METHODS } from '#shared/domain/payment-method.ts';
import { paymentReference, positiveMoney, returnUrl } from '#shared/http/schemas.ts';
import { defineRoute } from '#shared/runtime/descriptor.ts';

/** POST /customers/{clientId}/bindings (with `payment`: bind and pay in one call) */
export const createBindingSchemas = {
  path: z.object({ clientId }).strict(),
  body: z
    .object({
      paymentMethod: z.enum(BINDING_METHODS).default('CREDIT_DEBIT'),
      card,
      phone: z
        .string()
        .regex(/^\+?\d{8,15}$/, 'must be 8 to 15 digits, optionally after +')
        .optional(),
      email: z.email().max(254).optional(),
      /** The customer's passcode for saved-card payments. */
      pin: pin.optional(),
      /** The PAYON card's own PIN (PAYON method only). */
      payonPin: z
        .string()
        .regex(/^\d{4,6}$/, 'must be 4 to 6 digits')
        .optional(),
      requestedAt,
      payment: z
        .object({
          kind: z.enum(['purchase', 'preauth']).default('purchase'),
          amount: positiveMoney,
          returnUrl,
          reference: paymentReference.optional(),
        })
        .strict()
        .optional(),
    })
    .strict()
    .superRefine((b, ctx) => {
      const problem = cardNumberProblem(b.card.number, b.paymentMethod);
      if (problem) ctx.addIssue({ code: 'custom', path: ['card', 'number'], message: problem });
      if (b.paymentMethod === 'PAYON' && b.payonPin === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['payonPin'],
          message: 'is required for a PAYON card',
        });
      }
    }),
};

export const createBindingRoute = defineRoute({
  function: 'create-binding',
  method: 'POST',
  path: '/customers/{clientId}/bindings',
  access: 'merchant',
  idempotent: true,
  sensitive: true,
  schemas: createBindingSchemas,
  doc: {
    readme:
      'save a card at PAYON (masked copy kept; `requestedAt` ≤ 15 min old; rate-limited per customer); with `payment`, bind and pay in one call',
    summary: 'Save a card (masked copy kept); with `payment`, bind and pay in one call',
    status: 201,
    tag: 'Saved cards',
    example: {
      card: { number: '4111111111111111', cvv: '123', expiry: '2030-12', holderName: 'Sok Chan' },
      pin: '482916',
      requestedAt: '2026-11-22T10:15:00+07:00',
      payment: {
        amount: { value: '12.50', currency: 'USD' },
        returnUrl: 'https://shop.example.com/done',
      },
    },
  },
  // Saved cards: PAYON's binding calls, the customer's items (bindings, PIN settings, rate
  // counter; the list by Query on the customer's partition), and their events.
  aws: {
    table: 'readWrite',
    queryTable: true,
    merchantSecret: true,
    publishEvents: true,
  },
});
