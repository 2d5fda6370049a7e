import { paymentView } from '#shared/domain/payment.ts';
import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependencies } from '#shared/runtime/dependencies.ts';
import { cancelPayment } from './cancel-payment.ts';
import { cancelPaymentSchemas } from './schema.ts';

export const handler = apiHandler(
  { operation: 'cancel-payment', schemas: cancelPaymentSchemas, idempotent: true },
  dependencies,
  async ({ path }, deps) => json(200, paymentView(await cancelPayment(deps, path.id))),
);
