import * as z from 'zod';

/** A Cambodian business day, `yyyy-MM-dd`. */
export const reconciliationDay = z.iso.date('must be a date such as 2026-11-21');

/** GET /reconciliations/{day} */
export const getReconciliationSchemas = {
  path: z.object({ day: reconciliationDay }).strict(),
};
