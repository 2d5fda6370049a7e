import { paymentView } from '#shared/domain/payment.ts';
import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependencies } from '#shared/runtime/dependencies.ts';
import { resolvePayment } from './resolve-payment.ts';
import { resolvePaymentRoute } from './route.ts';

export const handler = apiHandler(resolvePaymentRoute, dependencies, async ({ path, body }, deps) =>
  json(200, paymentView(await resolvePayment(deps, path.id, body))),
);
