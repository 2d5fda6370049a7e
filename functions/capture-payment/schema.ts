import * as z from 'zod';
import { paymentPath, positiveMoney } from '#shared/http/schemas.ts';

/** POST /payments/{id}/capture — without an amount, the whole authorised amount. */
export const capturePaymentSchemas = {
  path: paymentPath,
  body: z.object({ amount: positiveMoney.optional() }).strict(),
};
