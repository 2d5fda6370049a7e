import * as z from 'zod';
import { bindingId, clientId } from '#shared/bindings/input.ts';
import { paymentReference, positiveMoney, returnUrl } from '#shared/http/schemas.ts';

/** POST /payments */
export const registerPaymentSchemas = {
  body: z
    .object({
      kind: z.enum(['purchase', 'preauth']).default('purchase'),
      amount: positiveMoney,
      paymentMethod: z.enum(['PAYON', 'CREDIT_DEBIT', 'PPCBANK_TRANSFER', 'BAKONG_KHQR']),
      payDvCd: z.enum(['PPCBANK_PAY', 'PAYON_PAY', 'PAYON_QR', 'KHQR', 'MPI']).optional(),
      returnUrl,
      reference: paymentReference.optional(),
      savedCard: z.object({ clientId, bindingId }).strict().optional(),
    })
    .strict(),
};
