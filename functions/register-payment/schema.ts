import { z } from 'zod';
import { bindingId, clientId } from '#shared/bindings/input.ts';
import { containsCardNumber } from '#shared/domain/card.ts';
import { positiveMoney } from '#shared/http/schemas.ts';

/** POST /payments */
export const registerPaymentSchemas = {
  body: z
    .object({
      kind: z.enum(['purchase', 'preauth']).default('purchase'),
      amount: positiveMoney,
      paymentMethod: z.enum(['PAYON', 'CREDIT_DEBIT', 'PPCBANK_TRANSFER', 'BAKONG_KHQR']),
      payDvCd: z.enum(['PPCBANK_PAY', 'PAYON_PAY', 'PAYON_QR', 'KHQR', 'MPI']).optional(),
      returnUrl: z.url({ protocol: /^https?$/ }).max(2_000),
      reference: z
        .string()
        .min(1)
        .max(64)
        .regex(/^[\x20-\x7e]+$/, 'must be printable ASCII')
        .refine((r) => !containsCardNumber(r), 'must not contain a card number')
        .optional(),
      savedCard: z.object({ clientId, bindingId }).strict().optional(),
    })
    .strict(),
};
