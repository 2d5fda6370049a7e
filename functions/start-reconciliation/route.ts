import * as z from 'zod';
import { defineRoute } from '#shared/runtime/descriptor.ts';
import { reconciliationAcceptedSchema } from './start-reconciliation.ts';

/** POST /reconciliations {"day":"2026-11-21"} */
export const startReconciliationSchemas = {
  body: z.object({ day: z.string() }).strict(),
};

export const startReconciliationRoute = defineRoute({
  function: 'start-reconciliation',
  method: 'POST',
  path: '/reconciliations',
  access: 'merchant',
  idempotent: false,
  schemas: startReconciliationSchemas,
  doc: {
    readme:
      'reconcile a Cambodian day again (`{"day":"2026-11-21"}`); 202, the run happens in `reconcile-day`; 409 while the day is being reconciled',
    summary: 'Reconcile a Cambodian day again (runs after the 202)',
    status: 202,
    tag: 'Reconciliation',
    response: reconciliationAcceptedSchema,
    responseExample: {
      day: '2026-11-21',
      status: 'accepted',
      report: '/reconciliations/2026-11-21',
    },
    errors: [409],
    example: { day: '2026-11-21' },
  },
  // Reads the day's report (a run already going refuses another), then asks for the run (a
  // request event on the stage's bus, which runs reconcile-day).
  aws: { table: 'read', merchantSecret: false, requestReconcile: true },
});
