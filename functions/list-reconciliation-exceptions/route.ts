import * as z from 'zod';
import { reconciliationDay } from '#shared/http/schemas.ts';
import { exceptionsPageSchema } from '#shared/reconciliation/view.ts';
import { defineRoute } from '#shared/runtime/descriptor.ts';

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

export const listReconciliationExceptionsRoute = defineRoute({
  function: 'list-reconciliation-exceptions',
  method: 'GET',
  path: '/reconciliations/{day}/exceptions',
  access: 'merchant',
  idempotent: false,
  schemas: listExceptionsSchemas,
  doc: {
    readme:
      'its differences, each with its reason, paged (`limit`, `cursor`), JSON or `?format=csv`',
    summary: 'The differences of the latest run, paged, JSON or CSV',
    status: 200,
    tag: 'Reconciliation',
    response: exceptionsPageSchema,
    responseExample: {
      day: '2026-11-21',
      runId: '2026-11-22T01:00:03.118Z',
      status: 'completed',
      items: [
        {
          txId: '1795000000000017',
          difference: 'fee_differs',
          reason: "PAYON's reconciliation grand total (with fees) differs from what was submitted",
          detail: "submitted 12.50, PAYON's grand total 12.75",
          amount: {
            value: '12.50',
            currency: 'USD',
          },
        },
      ],
      nextCursor: '1795000000000017',
    },
    errors: [404],
    otherAnswers: [
      {
        status: 200,
        mediaType: 'text/csv',
        description: '`format=csv`: the page as CSV (`x-next-cursor`, `link`)',
      },
    ],
  },
  // Reads the latest run's exceptions by Query on the day's partition.
  aws: { table: 'read', queryTable: true, merchantSecret: false },
});
