import { defineRoute } from '#shared/runtime/descriptor.ts';
import { endpointPath, webhookEndpointSchema } from '#shared/webhooks/endpoint.ts';

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
    responseExample: {
      id: 'we_Xb3k9QmT2vLp8RzA1cDe',
      url: 'https://shop.example.com/payon/webhooks',
      events: ['payment.succeeded', 'payment.refunded'],
      description: 'order fulfilment',
      status: 'enabled',
      disabledAt: null,
      disabledReason: null,
      createdAt: '2026-12-03T02:10:00.000Z',
      updatedAt: '2026-12-03T02:10:00.000Z',
      secretCreatedAt: '2026-12-03T02:10:00.000Z',
      previousSecretExpiresAt: null,
      lastSuccessAt: '2026-12-03T02:15:13.120Z',
      failingSince: null,
    },
    errors: [404],
  },
  aws: { table: 'read', merchantSecret: false },
});
