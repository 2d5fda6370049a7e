import { paymentView } from '#shared/domain/payment.ts';
import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependencies } from '#shared/runtime/dependencies.ts';
import { capturePayment } from './capture-payment.ts';
import { capturePaymentSchemas } from './schema.ts';

export const handler = apiHandler(
  { operation: 'capture-payment', schemas: capturePaymentSchemas, idempotent: true },
  dependencies,
  async ({ path, body }, deps) =>
    json(200, paymentView(await capturePayment(deps, path.id, body.amount))),
);
