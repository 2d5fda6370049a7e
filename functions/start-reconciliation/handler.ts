import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { eventBridgeReconciliationStarter } from '#shared/reconciliation/eventbridge-starter.ts';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import { startReconciliationRoute } from './route.ts';
import { startReconciliation } from './start-reconciliation.ts';

export const handler = apiHandler(
  startReconciliationRoute,
  // It starts runs: a request event on the stage's bus, which runs reconcile-day.
  dependenciesWith({ reconciliationStarter: eventBridgeReconciliationStarter }),
  async ({ body }, deps) => {
    const accepted = await startReconciliation(deps, body.day);
    return json(202, accepted, { location: accepted.report });
  },
);
