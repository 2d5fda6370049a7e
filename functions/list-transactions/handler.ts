import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependencies } from '#shared/runtime/dependencies.ts';
import { listTransactions } from './list-transactions.ts';
import { listTransactionsSchemas } from './schema.ts';

export const handler = apiHandler(
  { operation: 'list-transactions', schemas: listTransactionsSchemas, idempotent: false },
  dependencies,
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
