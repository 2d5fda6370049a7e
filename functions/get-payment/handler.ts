import { paymentView } from '#shared/domain/payment.ts';
import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependencies } from '#shared/runtime/dependencies.ts';
import { getPayment } from './get-payment.ts';
import { getPaymentRoute } from './route.ts';

export const handler = apiHandler(getPaymentRoute, dependencies, async ({ path, query }, deps) =>
  json(200, paymentView(await getPayment(deps, path.id, query.sync === 'true'))),
);
