import * as z from 'zod';
import { defineRoute, PAYON_ERRORS } from '#shared/runtime/descriptor.ts';
import { transactionsPageSchema } from './list-transactions.ts';

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

export const listTransactionsRoute = defineRoute({
  function: 'list-transactions',
  method: 'GET',
  path: '/transactions',
  access: 'merchant',
  idempotent: false,
  schemas: listTransactionsSchemas,
  doc: {
    readme: "PAYON's order history for Cambodian days",
    readmeQuery: '?from=&to=&page=&limit=',
    summary: "PAYON's order history for Cambodian days",
    status: 200,
    tag: 'Payments',
    response: transactionsPageSchema,
    responseExample: {
      page: 1,
      limit: 50,
      hasMore: false,
      items: [
        {
          id: '1795000000000017',
          kind: 'purchase',
          amount: {
            value: '12.50',
            currency: 'USD',
          },
          day: '2026-11-22',
          approved: true,
          resultCode: '0000',
          settled: false,
          cancelled: false,
          refunded: false,
          approvalNo: '735644',
          approvedAt: '2026-11-22T03:17:40.000Z',
        },
      ],
    },
    errors: [...PAYON_ERRORS],
  },
  // PAYON's order history; the page's payments are read in one batch (never written) for their
  // creation times, which settle PAYON's 12-hour clock (docs/payon-assumptions.md A18).
  aws: { table: 'read', batchRead: true, merchantSecret: true },
});
