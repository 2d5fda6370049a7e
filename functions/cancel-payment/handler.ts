import { paymentView } from '#shared/domain/payment.ts';
import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependencies } from '#shared/runtime/dependencies.ts';
import { cancelPayment } from './cancel-payment.ts';
import { cancelPaymentRoute } from './route.ts';

export const handler = apiHandler(cancelPaymentRoute, dependencies, async ({ path }, deps) =>
  json(200, paymentView(await cancelPayment(deps, path.id))),
);
