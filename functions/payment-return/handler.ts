import { apiHandler } from '#shared/http/api.ts';
import { redirect } from '#shared/http/responses.ts';
import { dependencies } from '#shared/runtime/dependencies.ts';
import { paymentReturnUrl } from './payment-return.ts';
import { paymentReturnSchemas } from './schema.ts';

export const handler = apiHandler(
  { operation: 'payment-return', schemas: paymentReturnSchemas, idempotent: false },
  dependencies,
  async ({ query }, deps) => redirect(await paymentReturnUrl(deps, query.txId)),
);
