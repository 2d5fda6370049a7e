import { defineRoute } from '#shared/runtime/descriptor.ts';
import { endpointPath, webhookEndpointSchema } from '#shared/webhooks/endpoint.ts';

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
    responseExample: {
      id: 'we_Xb3k9QmT2vLp8RzA1cDe',
      url: 'https://shop.example.com/payon/webhooks',
      events: ['payment.succeeded', 'payment.refunded'],
      description: 'order fulfilment',
      status: 'enabled',
      disabledAt: null,
      disabledReason: null,
      createdAt: '2026-12-03T02:10:00.000Z',
      updatedAt: '2026-12-07T09:30:00.000Z',
      secretCreatedAt: '2026-12-03T02:10:00.000Z',
      previousSecretExpiresAt: null,
      lastSuccessAt: null,
      failingSince: null,
    },
    errors: [404],
  },
  aws: { table: 'readWrite', merchantSecret: false },
});
