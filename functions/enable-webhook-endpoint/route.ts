import { defineRoute } from '#shared/runtime/descriptor.ts';
import { endpointPath, webhookEndpointSchema } from '#shared/webhooks/endpoint.ts';
import { exampleEndpoint } from '#shared/webhooks/examples.ts';

/** POST /webhook-endpoints/{id}/enable */
export const enableWebhookEndpointSchemas = {
  path: endpointPath,
};

export const enableWebhookEndpointRoute = defineRoute({
  function: 'enable-webhook-endpoint',
  method: 'POST',
  path: '/webhook-endpoints/{id}/enable',
  access: 'merchant',
  idempotent: false,
  schemas: enableWebhookEndpointSchemas,
  doc: {
    readme:
      'enable an endpoint again (it is disabled after 72 h of failed deliveries): its pending deliveries resume',
    summary: 'Enable a webhook endpoint again',
    status: 200,
    tag: 'Webhooks',
    response: webhookEndpointSchema,
    responseExample: exampleEndpoint({ updatedAt: '2026-12-07T09:30:00.000Z' }),
    errors: [404],
  },
  aws: { table: 'readWrite', merchantSecret: false },
});
