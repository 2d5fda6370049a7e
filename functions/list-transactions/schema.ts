import { z } from 'zod';

const day = z.iso.date('must be a date such as 2026-11-22');

/** GET /transactions?from=2026-11-01&to=2026-11-22&page=1&limit=50&kind=purchase */
export const listTransactionsSchemas = {
  query: z
    .object({
      from: day,
      to: day,
      page: z.coerce.number().int().min(1).max(10_000).default(1),
      limit: z.coerce.number().int().min(1).max(500).default(50),
      kind: z.enum(['purchase', 'preauth']).optional(),
    })
    .strict()
    .refine((q) => q.from <= q.to, { message: 'must not be after to', path: ['from'] })
    .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 93 * 86_400_000, {
      message: 'the range must be at most 93 days',
      path: ['to'],
    }),
};
