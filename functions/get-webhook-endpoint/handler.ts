import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependencies } from '#shared/runtime/dependencies.ts';
import { getEndpoint } from '#shared/webhooks/service.ts';
import { getWebhookEndpointRoute } from './route.ts';

export const handler = apiHandler(getWebhookEndpointRoute, dependencies, async ({ path }, deps) =>
  json(200, await getEndpoint(deps, path.id)),
);
