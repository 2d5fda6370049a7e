import * as z from 'zod';
import { paymentPath } from '#shared/http/schemas.ts';

/** GET /payments/{id}?sync=true */
export const getPaymentSchemas = {
  path: paymentPath,
  query: z.object({ sync: z.enum(['true', 'false']).optional() }).strict(),
};
