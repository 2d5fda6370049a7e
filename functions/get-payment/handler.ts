import { paymentView } from '#shared/domain/payment.ts';
import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import { PAYON_WITH_EVENTS } from '#shared/runtime/aws-parts.ts';
import { getPayment } from './get-payment.ts';
import { getPaymentRoute } from './route.ts';

export const handler = apiHandler(
  getPaymentRoute,
  dependenciesWith(PAYON_WITH_EVENTS),
  async ({ path, query }, deps) =>
    json(200, paymentView(await getPayment(deps, path.id, query.sync === 'true'))),
);
