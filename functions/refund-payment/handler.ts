import { paymentView } from '#shared/domain/payment.ts';
import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependencies } from '#shared/runtime/dependencies.ts';
import { refundPayment } from './refund-payment.ts';
import { refundPaymentRoute } from './route.ts';

export const handler = apiHandler(refundPaymentRoute, dependencies, async ({ path, body }, deps) =>
  json(200, paymentView(await refundPayment(deps, path.id, body.amount))),
);
