import { paymentView } from '#shared/domain/payment.ts';
import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependencies } from '#shared/runtime/dependencies.ts';
import { capturePayment } from './capture-payment.ts';
import { capturePaymentRoute } from './route.ts';

export const handler = apiHandler(capturePaymentRoute, dependencies, async ({ path, body }, deps) =>
  json(200, paymentView(await capturePayment(deps, path.id, body.amount))),
);
