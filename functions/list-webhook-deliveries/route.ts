import * as z from 'zod';
import { defineRoute } from '#shared/runtime/descriptor.ts';
import { endpointPath, webhookDeliveriesPageSchema } from '#shared/webhooks/endpoint.ts';
import { exampleDelivery } from '#shared/webhooks/examples.ts';

/** GET /webhook-endpoints/{id}/deliveries */
export const listWebhookDeliveriesSchemas = {
  path: endpointPath,
  query: z
    .object({
      state: z.enum(['pending', 'succeeded', 'failed']).optional(),
      limit: z.coerce.number().int().min(1).max(100).default(20),
      cursor: z.string().min(1).max(200).optional(),
    })
    .strict(),
};

export const listWebhookDeliveriesRoute = defineRoute({
  function: 'list-webhook-deliveries',
  method: 'GET',
  path: '/webhook-endpoints/{id}/deliveries',
  access: 'merchant',
  idempotent: false,
  schemas: listWebhookDeliveriesSchemas,
  doc: {
    readmeQuery: '?state=&cursor=',
    readme:
      "an endpoint's deliveries, newest event first, each with every attempt (time, status, duration, next attempt); `state`, `limit` \u2264 100, `cursor`",
    summary: "An endpoint's deliveries and their attempts, newest event first",
    status: 200,
    tag: 'Webhooks',
    response: webhookDeliveriesPageSchema,
    responseExample: { items: [exampleDelivery()] },
    errors: [404],
  },
  // Reads the endpoint, then one Query of its deliveries' partition.
  aws: { table: 'read', queryTable: true, merchantSecret: false },
});
