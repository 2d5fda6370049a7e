import * as z from 'zod';
import { defineRoute } from '#shared/runtime/descriptor.ts';
import { webhookEndpointsPageSchema } from '#shared/webhooks/endpoint.ts';
import { exampleEndpoint } from '#shared/webhooks/examples.ts';

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
    responseExample: { items: [exampleEndpoint()] },
    errors: [],
  },
  // One Query of the endpoints' partition.
  aws: { table: 'read', queryTable: true, merchantSecret: false },
});
