import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import { webhookStore } from '#shared/store/webhooks.ts';
import { getEndpoint } from '#shared/webhooks/service.ts';
import { getWebhookEndpointRoute } from './route.ts';

export const handler = apiHandler(
  getWebhookEndpointRoute,
  dependenciesWith({ webhooks: webhookStore }),
  async ({ path }, deps) => json(200, await getEndpoint(deps, path.id)),
);
