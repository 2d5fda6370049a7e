import * as z from 'zod';
import { containsCardNumber } from '#shared/domain/card.ts';
import { paymentPath } from '#shared/http/schemas.ts';

/**
 * POST /payments/{id}/resolve — an operator settles a payment whose money move has an unknown
 * outcome, after checking with PAYON (DEFAULTS.md "UNKNOWN"). The reason is kept in the payment's
 * history: 1–500 printable characters (any script), never card data.
 */
export const resolvePaymentSchemas = {
  path: paymentPath,
  body: z
    .object({
      outcome: z.enum(['happened', 'did_not_happen']),
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
