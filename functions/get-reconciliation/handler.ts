import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { getReconciliation } from '#shared/reconciliation/reports.ts';
import { reconciliationView } from '#shared/reconciliation/view.ts';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import { getReconciliationRoute } from './route.ts';

export const handler = apiHandler(
  getReconciliationRoute,
  dependenciesWith({}),
  async ({ path }, deps) => json(200, reconciliationView(await getReconciliation(deps, path.day))),
);
