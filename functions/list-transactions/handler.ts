import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import { payonGateway, secretsManagerSecrets } from '#shared/runtime/aws-parts.ts';
import { listTransactions } from './list-transactions.ts';
import { listTransactionsRoute } from './route.ts';

export const handler = apiHandler(
  listTransactionsRoute,
  dependenciesWith({ secrets: secretsManagerSecrets, payon: payonGateway }),
  async ({ query }, deps) =>
    json(
      200,
      await listTransactions(deps, {
        from: query.from,
        to: query.to,
        page: query.page,
        limit: query.limit,
        ...(query.kind ? { kind: query.kind } : {}),
      }),
    ),
);
