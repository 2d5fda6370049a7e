import { z } from 'zod';
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
      savedCard: z
        .object({
          clientId: z
            .string()
            .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, _ or -'),
          bindingId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a binding id'),
        })
        .strict()
        .optional(),
    })
    .strict(),
};
