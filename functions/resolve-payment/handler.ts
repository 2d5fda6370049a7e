import { paymentView } from '#shared/domain/payment.ts';
import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import { PAYON_WITH_EVENTS } from '#shared/runtime/aws-parts.ts';
import { resolvePayment } from './resolve-payment.ts';
import { resolvePaymentRoute } from './route.ts';

export const handler = apiHandler(
  resolvePaymentRoute,
  dependenciesWith(PAYON_WITH_EVENTS),
  async ({ path, body }, deps) => json(200, paymentView(await resolvePayment(deps, path.id, body))),
);
