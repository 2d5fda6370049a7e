import * as z from 'zod';
import { reconciliationDay } from '#shared/http/schemas.ts';
import { reconciliationViewSchema } from '#shared/reconciliation/view.ts';
import { defineRoute } from '#shared/runtime/descriptor.ts';

/** GET /reconciliations/{day} */
export const getReconciliationSchemas = {
  path: z.object({ day: reconciliationDay }).strict(),
};

export const getReconciliationRoute = defineRoute({
  function: 'get-reconciliation',
  method: 'GET',
  path: '/reconciliations/{day}',
  access: 'merchant',
  idempotent: false,
  schemas: getReconciliationSchemas,
  doc: {
    readme: "the day's latest reconciliation report: status, counts, amounts",
    summary: "The day's latest reconciliation report",
    status: 200,
    tag: 'Reconciliation',
    response: reconciliationViewSchema,
    responseExample: {
      day: '2026-11-21',
      runId: '2026-11-22T01:00:03.118Z',
      status: 'completed',
      startedAt: '2026-11-22T01:00:03.118Z',
      finishedAt: '2026-11-22T01:00:09.530Z',
      counts: {
        payonTransactions: 42,
        localPayments: 43,
        submitted: 40,
        matched: 39,
        healed: 1,
        pending: 1,
        exceptions: 2,
        unanswered: 0,
        byDifference: {
          fee_differs: 1,
          missing_at_payon: 1,
        },
      },
      history: {
        pagesRead: 1,
        stoppedBy: 'end',
      },
      amounts: {
        payonApproved: [
          {
            value: '1285.50',
            currency: 'USD',
          },
        ],
        inExceptions: [
          {
            value: '37.50',
            currency: 'USD',
          },
        ],
      },
    },
    errors: [404],
  },
  // Reads the day's report; none of it reaches PAYON's credentials.
  aws: { table: 'read', merchantSecret: false },
});
