import * as z from 'zod';
import { reconciliationDay } from '#shared/http/schemas.ts';

/** GET /reconciliations/{day}/exceptions?limit=100&cursor=<txId>&format=csv */
export const listExceptionsSchemas = {
  path: z.object({ day: reconciliationDay }).strict(),
  query: z
    .object({
      limit: z.coerce.number().int().min(1).max(1_000).default(100),
      cursor: z
        .string()
        .regex(/^[A-Za-z0-9]{1,64}$/, 'must be the nextCursor of the previous page')
        .optional(),
      format: z.enum(['json', 'csv']).default('json'),
    })
    .strict(),
};
