import * as z from 'zod';
import { defineRoute } from '#shared/runtime/descriptor.ts';
import { webhookEndpointsPageSchema } from '#shared/webhooks/endpoint.ts';

/** GET /webhook-endpoints */
export const listWebhookEndpointsSchemas = {
  query: z.object({}).strict(),
};

export const listWebhookEndpointsRoute = defineRoute({
  function: 'list-webhook-endpoints',
  method: 'GET',
  path: '/webhook-endpoints',
  access: 'merchant',
  idempotent: false,
  schemas: listWebhookEndpointsSchemas,
  doc: {
    readme: "the deployment's webhook endpoints (at most 16), oldest first; never their secrets",
    summary: "The deployment's webhook endpoints",
    status: 200,
    tag: 'Webhooks',
    response: webhookEndpointsPageSchema,
    responseExample: {
      items: [
        {
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
          lastSuccessAt: null,
          failingSince: null,
        },
      ],
    },
    errors: [],
  },
  // One Query of the endpoints' partition.
  aws: { table: 'read', queryTable: true, merchantSecret: false },
});
