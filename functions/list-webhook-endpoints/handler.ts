import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependencies } from '#shared/runtime/dependencies.ts';
import { listEndpoints } from '#shared/webhooks/service.ts';
import { listWebhookEndpointsRoute } from './route.ts';

export const handler = apiHandler(listWebhookEndpointsRoute, dependencies, async (_input, deps) =>
  json(200, { items: await listEndpoints(deps) }),
);
