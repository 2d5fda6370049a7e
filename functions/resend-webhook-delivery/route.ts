import { defineRoute } from '#shared/runtime/descriptor.ts';
import { deliveryPath, webhookDeliverySchema } from '#shared/webhooks/endpoint.ts';
import { exampleDelivery } from '#shared/webhooks/examples.ts';

/** POST /webhook-endpoints/{id}/deliveries/{deliveryId}/resend */
export const resendWebhookDeliverySchemas = {
  path: deliveryPath,
};

export const resendWebhookDeliveryRoute = defineRoute({
  function: 'resend-webhook-delivery',
  method: 'POST',
  path: '/webhook-endpoints/{id}/deliveries/{deliveryId}/resend',
  access: 'merchant',
  idempotent: false,
  schemas: resendWebhookDeliverySchemas,
  doc: {
    readme:
      'send a delivery again: due at once (sent within a minute), retried on the schedule for 72 h from now; 409 while the endpoint is disabled',
    summary: 'Send a delivery again',
    status: 202,
    tag: 'Webhooks',
    response: webhookDeliverySchema,
    responseExample: exampleDelivery({
      nextAttemptAt: '2026-12-04T09:00:00.000Z',
      deadline: '2026-12-07T09:00:00.000Z',
      updatedAt: '2026-12-04T09:00:00.000Z',
      resentAt: '2026-12-04T09:00:00.000Z',
    }),
    errors: [404, 409],
  },
  // Reads the endpoint and the delivery, then puts the delivery back in its due partition.
  aws: { table: 'readWrite', merchantSecret: false },
});
