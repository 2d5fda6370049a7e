import { paymentView } from '#shared/domain/payment.ts';
import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependencies } from '#shared/runtime/dependencies.ts';
import { getPayment } from './get-payment.ts';
import { getPaymentSchemas } from './schema.ts';

export const handler = apiHandler(
  { operation: 'get-payment', schemas: getPaymentSchemas, idempotent: false },
  dependencies,
  async ({ path, query }, deps) =>
    json(200, paymentView(await getPayment(deps, path.id, query.sync === 'true'))),
);
