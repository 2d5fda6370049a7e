import { defineRoute } from '#shared/runtime/descriptor.ts';
import { endpointPath, webhookEndpointWithSecretSchema } from '#shared/webhooks/endpoint.ts';
import { exampleEndpoint } from '#shared/webhooks/examples.ts';

/** POST /webhook-endpoints/{id}/rotate-secret */
export const rotateWebhookSecretSchemas = {
  path: endpointPath,
};

export const rotateWebhookSecretRoute = defineRoute({
  function: 'rotate-webhook-secret',
  method: 'POST',
  path: '/webhook-endpoints/{id}/rotate-secret',
  access: 'merchant',
  idempotent: false,
  schemas: rotateWebhookSecretSchemas,
  doc: {
    readme:
      'a new signing secret, answered this once; the old one keeps signing for 24 h (two `v1` values meanwhile)',
    summary: 'Rotate the signing secret (the old one signs for 24 h more)',
    status: 200,
    tag: 'Webhooks',
    response: webhookEndpointWithSecretSchema,
    responseExample: {
      ...exampleEndpoint({
        updatedAt: '2026-12-04T08:00:00.000Z',
        secretCreatedAt: '2026-12-04T08:00:00.000Z',
        previousSecretExpiresAt: '2026-12-05T08:00:00.000Z',
      }),
      secret: 'whsec_Qe7rT1yU3iO5pA9sD2fG4hJ6kL8zX0cV1bN3mQ5wE7r',
    },
    errors: [404, 409],
  },
  // Reads the endpoint, seals the new secret (KMS Encrypt only), writes both on the version read.
  aws: { table: 'readWrite', merchantSecret: false, webhookSecrets: 'seal' },
});
