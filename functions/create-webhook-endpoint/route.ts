import { defineRoute } from '#shared/runtime/descriptor.ts';
import { createEndpointBody, webhookEndpointWithSecretSchema } from '#shared/webhooks/endpoint.ts';
import { exampleEndpoint } from '#shared/webhooks/examples.ts';

/** POST /webhook-endpoints */
export const createWebhookEndpointSchemas = {
  body: createEndpointBody,
};

export const createWebhookEndpointRoute = defineRoute({
  function: 'create-webhook-endpoint',
  method: 'POST',
  path: '/webhook-endpoints',
  access: 'merchant',
  idempotent: false,
  schemas: createWebhookEndpointSchemas,
  doc: {
    readme:
      'register an HTTPS endpoint for events (`{"url","events":["payment.succeeded",\u2026] or ["*"],"description"?}`); answers its signing secret, this once',
    summary: 'Register a webhook endpoint; its signing secret is answered this once',
    status: 201,
    tag: 'Webhooks',
    response: webhookEndpointWithSecretSchema,
    responseExample: {
      ...exampleEndpoint(),
      secret: 'whsec_4M9tq0xZk2Yb7hVw1nR8sLp3aJc6eF5dGu0iKo2yTqE',
    },
    errors: [422],
    example: {
      url: 'https://shop.example.com/payon/webhooks',
      events: ['payment.succeeded', 'payment.refunded'],
      description: 'order fulfilment',
    },
  },
  // Stores the endpoint (a counter caps them at 16) with its secret sealed by KMS (Encrypt only).
  // Not idempotent on purpose: a replayed answer would have to store the secret.
  aws: { table: 'readWrite', merchantSecret: false, webhookSecrets: 'seal' },
});
