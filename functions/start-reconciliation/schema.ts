import * as z from 'zod';

/** POST /reconciliations {"day":"2026-11-21"} */
export const startReconciliationSchemas = {
  body: z.object({ day: z.string() }).strict(),
};
