import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependencies } from '#shared/runtime/dependencies.ts';
import { enableEndpoint } from '#shared/webhooks/service.ts';
import { enableWebhookEndpointRoute } from './route.ts';

export const handler = apiHandler(
  enableWebhookEndpointRoute,
  dependencies,
  async ({ path }, deps) => json(200, await enableEndpoint(deps, path.id)),
);
