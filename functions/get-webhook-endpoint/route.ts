import { defineRoute } from '#shared/runtime/descriptor.ts';
import { endpointPath, webhookEndpointSchema } from '#shared/webhooks/endpoint.ts';
import { exampleEndpoint } from '#shared/webhooks/examples.ts';

/** GET /webhook-endpoints/{id} */
export const getWebhookEndpointSchemas = {
  path: endpointPath,
};

export const getWebhookEndpointRoute = defineRoute({
  function: 'get-webhook-endpoint',
  method: 'GET',
  path: '/webhook-endpoints/{id}',
  access: 'merchant',
  idempotent: false,
  schemas: getWebhookEndpointSchemas,
  doc: {
    readme:
      'one endpoint: URL, event types, status (`enabled` / `disabled` and why), secret age, last success, failing since',
    summary: 'One webhook endpoint',
    status: 200,
    tag: 'Webhooks',
    response: webhookEndpointSchema,
    responseExample: exampleEndpoint({ lastSuccessAt: '2026-12-03T02:15:13.120Z' }),
    errors: [404],
  },
  aws: { table: 'read', merchantSecret: false },
});
