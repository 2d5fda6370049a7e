import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { lambdaReconciliationStarter } from '#shared/reconciliation/lambda-starter.ts';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import { startReconciliationRoute } from './route.ts';
import { startReconciliation } from './start-reconciliation.ts';

export const handler = apiHandler(
  startReconciliationRoute,
  // It starts runs: the one function that carries the Lambda client.
  dependenciesWith({ reconciliationStarter: lambdaReconciliationStarter }),
  async ({ body }, deps) => {
    const accepted = await startReconciliation(deps, body.day);
    return json(202, accepted, { location: accepted.report });
  },
);
