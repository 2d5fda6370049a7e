import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import { webhookStore } from '#shared/store/webhooks.ts';
import { kmsSecretSealer } from '#shared/webhooks/kms-sealer.ts';
import { createEndpoint } from '#shared/webhooks/service.ts';
import { createWebhookEndpointRoute } from './route.ts';

export const handler = apiHandler(
  createWebhookEndpointRoute,
  // It seals the new secret: one of the functions that carry the KMS client.
  dependenciesWith({ webhooks: webhookStore, webhookSealer: kmsSecretSealer }),
  async ({ body }, deps) => {
    const created = await createEndpoint(deps, body);
    return json(201, created, { location: `/webhook-endpoints/${created.id}` });
  },
);
