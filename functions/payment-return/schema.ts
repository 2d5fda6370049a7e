import * as z from 'zod';
import { paymentId } from '#shared/http/schemas.ts';

/** GET /return?txId=... — where PAYON sends the customer's browser back (DEFAULTS.md). */
export const paymentReturnSchemas = {
  query: z.looseObject({ txId: paymentId }),
};
