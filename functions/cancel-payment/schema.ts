import * as z from 'zod';
import { paymentPath } from '#shared/http/schemas.ts';

/** POST /payments/{id}/cancel — PAYON's reversal; no body fields. */
export const cancelPaymentSchemas = {
  path: paymentPath,
  body: z.object({}).strict(),
};
