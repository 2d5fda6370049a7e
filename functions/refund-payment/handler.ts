import { paymentView } from '#shared/domain/payment.ts';
import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import {
  eventBridgePublisher,
  payonGateway,
  secretsManagerSecrets,
} from '#shared/runtime/aws-parts.ts';
import { refundPayment } from './refund-payment.ts';
import { refundPaymentRoute } from './route.ts';

export const handler = apiHandler(
  refundPaymentRoute,
  dependenciesWith({
    secrets: secretsManagerSecrets,
    payon: payonGateway,
    publisher: eventBridgePublisher,
  }),
  async ({ path, body }, deps) =>
    json(200, paymentView(await refundPayment(deps, path.id, body.amount))),
);
