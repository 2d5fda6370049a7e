import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import { webhookStore } from '#shared/store/webhooks.ts';
import { deleteEndpoint } from '#shared/webhooks/service.ts';
import { deleteWebhookEndpointRoute } from './route.ts';

export const handler = apiHandler(
  deleteWebhookEndpointRoute,
  dependenciesWith({ webhooks: webhookStore }),
  async ({ path }, deps) => {
    await deleteEndpoint(deps, path.id);
    return json(200, { id: path.id, deleted: true });
  },
);
