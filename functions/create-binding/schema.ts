import * as z from 'zod';
import { card, cardNumberProblem, clientId, pin, requestedAt } from '#shared/bindings/input.ts';
import { BINDING_METHODS } from '#shared/domain/payment-method.ts';
import { paymentReference, positiveMoney, returnUrl } from '#shared/http/schemas.ts';

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
