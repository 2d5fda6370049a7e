import { paymentView } from '#shared/domain/payment.ts';
import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import { PAYON_WITH_EVENTS } from '#shared/runtime/aws-parts.ts';
import { cancelPayment } from './cancel-payment.ts';
import { cancelPaymentRoute } from './route.ts';

export const handler = apiHandler(
  cancelPaymentRoute,
  dependenciesWith(PAYON_WITH_EVENTS),
  async ({ path }, deps) => json(200, paymentView(await cancelPayment(deps, path.id))),
);
