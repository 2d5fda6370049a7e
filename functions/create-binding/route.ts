import * as z from 'zod';
import { card, cardNumberProblem, clientId, pin, requestedAt } from '#shared/bindings/input.ts';
import { BINDING_METHODS } from '#shared/domain/payment-method.ts';
import { paymentReference, positiveMoney, returnUrl } from '#shared/http/schemas.ts';
import { defineRoute, PAYON_ERRORS } from '#shared/runtime/descriptor.ts';
import { bindingCreatedSchema } from './create-binding.ts';

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
    response: bindingCreatedSchema,
    responseExample: {
      binding: {
        id: 'b3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
        clientId: 'cust-1001',
        paymentMethod: 'CREDIT_DEBIT',
        maskedPan: '411111******1111',
        expiry: '2030-12',
        status: 'active',
        statusReason: null,
        createdAt: '2026-11-22T03:15:00.412Z',
        updatedAt: '2026-11-22T03:15:00.412Z',
      },
      deactivated: [],
      payment: {
        id: '1795000000000017',
        state: 'PENDING',
        kind: 'purchase',
        paymentMethod: 'CREDIT_DEBIT',
        amount: {
          value: '12.50',
          currency: 'USD',
        },
        reference: null,
        checkoutUrl: 'https://pg.payon.com.kh/checkout/1795000000000017',
        qrString: null,
        expiresAt: '2026-11-22T03:30:00.000Z',
        returnUrl: 'https://shop.example.com/done',
        bindingId: 'b3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
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
    },
    errors: [409, 429, ...PAYON_ERRORS],
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
