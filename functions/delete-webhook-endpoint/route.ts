import * as z from 'zod';
import { defineRoute } from '#shared/runtime/descriptor.ts';
import { endpointPath } from '#shared/webhooks/endpoint.ts';

/** DELETE /webhook-endpoints/{id} */
export const deleteWebhookEndpointSchemas = {
  path: endpointPath,
};

/** What `DELETE /webhook-endpoints/{id}` answers. */
export const webhookEndpointDeletedSchema = z
  .object({ id: z.string(), deleted: z.literal(true) })
  .meta({ id: 'WebhookEndpointDeleted', description: 'A webhook endpoint was deleted' });

export const deleteWebhookEndpointRoute = defineRoute({
  function: 'delete-webhook-endpoint',
  method: 'DELETE',
  path: '/webhook-endpoints/{id}',
  access: 'merchant',
  idempotent: false,
  schemas: deleteWebhookEndpointSchemas,
  doc: {
    readme: 'delete an endpoint: nothing more is sent to it (its pending deliveries are dropped)',
    summary: 'Delete a webhook endpoint',
    status: 200,
    tag: 'Webhooks',
    response: webhookEndpointDeletedSchema,
    responseExample: {
      id: 'we_Xb3k9QmT2vLp8RzA1cDe',
      deleted: true,
    },
    errors: [404],
  },
  // Deletes the endpoint and lowers the endpoint counter, in one transaction.
  aws: { table: 'readWrite', merchantSecret: false },
});
