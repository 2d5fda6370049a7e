import * as z from 'zod';
import { reconciliationDay } from '#shared/http/schemas.ts';

/** GET /reconciliations/{day} */
export const getReconciliationSchemas = {
  path: z.object({ day: reconciliationDay }).strict(),
};
