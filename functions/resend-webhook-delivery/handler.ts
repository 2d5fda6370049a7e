import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import { webhookStore } from '#shared/store/webhooks.ts';
import { resendDelivery } from '#shared/webhooks/service.ts';
import { resendWebhookDeliveryRoute } from './route.ts';

export const handler = apiHandler(
  resendWebhookDeliveryRoute,
  dependenciesWith({ webhooks: webhookStore }),
  async ({ path }, deps) => json(202, await resendDelivery(deps, path.id, path.deliveryId)),
);
