import * as z from 'zod';

const day = z.iso.date('must be a date such as 2026-11-22');
/** Range checks only once both days are real dates (their own errors are reported otherwise). */
const days = (q: { from: string; to: string }) =>
  !Number.isNaN(Date.parse(q.from)) && !Number.isNaN(Date.parse(q.to));

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
    .refine((q) => !days(q) || q.from <= q.to, { message: 'must not be after to', path: ['from'] })
    .refine((q) => !days(q) || Date.parse(q.to) - Date.parse(q.from) <= 93 * 86_400_000, {
      message: 'the range must be at most 93 days',
      path: ['to'],
    }),
};
