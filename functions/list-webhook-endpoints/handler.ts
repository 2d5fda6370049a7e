import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import { webhookStore } from '#shared/store/webhooks.ts';
import { listEndpoints } from '#shared/webhooks/service.ts';
import { listWebhookEndpointsRoute } from './route.ts';

export const handler = apiHandler(
  listWebhookEndpointsRoute,
  dependenciesWith({ webhooks: webhookStore }),
  async (_input, deps) => json(200, { items: await listEndpoints(deps) }),
);
