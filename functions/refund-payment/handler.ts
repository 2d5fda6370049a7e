import { paymentView } from '#shared/domain/payment.ts';
import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import { PAYON_WITH_EVENTS } from '#shared/runtime/aws-parts.ts';
import { refundPayment } from './refund-payment.ts';
import { refundPaymentRoute } from './route.ts';

export const handler = apiHandler(
  refundPaymentRoute,
  dependenciesWith(PAYON_WITH_EVENTS),
  async ({ path, body }, deps) =>
    json(200, paymentView(await refundPayment(deps, path.id, body.amount))),
);
