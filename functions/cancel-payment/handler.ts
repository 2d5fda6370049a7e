import { paymentView } from '#shared/domain/payment.ts';
import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import {
  eventBridgePublisher,
  payonGateway,
  secretsManagerSecrets,
} from '#shared/runtime/aws-parts.ts';
import { cancelPayment } from './cancel-payment.ts';
import { cancelPaymentRoute } from './route.ts';

export const handler = apiHandler(
  cancelPaymentRoute,
  dependenciesWith({
    secrets: secretsManagerSecrets,
    payon: payonGateway,
    publisher: eventBridgePublisher,
  }),
  async ({ path }, deps) => json(200, paymentView(await cancelPayment(deps, path.id))),
);
