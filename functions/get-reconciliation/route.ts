import * as z from 'zod';
import { reconciliationDay } from '#shared/http/schemas.ts';
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
  },
  // Reads the day's report; none of it reaches PAYON's credentials.
  aws: { table: 'read', merchantSecret: false },
});
