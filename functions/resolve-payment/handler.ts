import { paymentView } from '#shared/domain/payment.ts';
import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependencies } from '#shared/runtime/dependencies.ts';
import { resolvePayment } from './resolve-payment.ts';
import { resolvePaymentSchemas } from './schema.ts';

export const handler = apiHandler(
  { operation: 'resolve-payment', schemas: resolvePaymentSchemas, idempotent: true },
  dependencies,
  async ({ path, body }, deps) =>
    json(200, paymentView(await resolvePayment(deps, path.id, body.outcome, body.reason))),
);
