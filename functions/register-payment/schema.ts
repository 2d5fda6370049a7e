import * as z from 'zod';
import { bindingId, clientId } from '#shared/bindings/input.ts';
import { PAY_DV_CDS, PAYMENT_METHODS } from '#shared/domain/payment-method.ts';
import { paymentReference, positiveMoney, returnUrl } from '#shared/http/schemas.ts';

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
      savedCard: z.object({ clientId, bindingId }).strict().optional(),
    })
    .strict(),
};
