import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import { webhookStore } from '#shared/store/webhooks.ts';
import { enableEndpoint } from '#shared/webhooks/service.ts';
import { enableWebhookEndpointRoute } from './route.ts';

export const handler = apiHandler(
  enableWebhookEndpointRoute,
  dependenciesWith({ webhooks: webhookStore }),
  async ({ path }, deps) => json(200, await enableEndpoint(deps, path.id)),
);
