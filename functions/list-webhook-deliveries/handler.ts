import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import { webhookStore } from '#shared/store/webhooks.ts';
import { listDeliveries } from '#shared/webhooks/service.ts';
import { listWebhookDeliveriesRoute } from './route.ts';

export const handler = apiHandler(
  listWebhookDeliveriesRoute,
  dependenciesWith({ webhooks: webhookStore }),
  async ({ path, query }, deps) =>
    json(
      200,
      await listDeliveries(deps, path.id, {
        limit: query.limit,
        ...(query.cursor ? { cursor: query.cursor } : {}),
        ...(query.state ? { state: query.state } : {}),
      }),
    ),
);
