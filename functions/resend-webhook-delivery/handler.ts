import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependencies } from '#shared/runtime/dependencies.ts';
import { resendDelivery } from '#shared/webhooks/service.ts';
import { resendWebhookDeliveryRoute } from './route.ts';

export const handler = apiHandler(
  resendWebhookDeliveryRoute,
  dependencies,
  async ({ path }, deps) => json(202, await resendDelivery(deps, path.id, path.deliveryId)),
);
