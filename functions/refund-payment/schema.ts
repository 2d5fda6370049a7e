import * as z from 'zod';
import { moneyInput, paymentPath } from '#shared/http/schemas.ts';

/** POST /payments/{id}/refund — full only; an amount, if sent, must be the full amount. */
export const refundPaymentSchemas = {
  path: paymentPath,
  body: z.object({ amount: moneyInput.optional() }).strict(),
};
