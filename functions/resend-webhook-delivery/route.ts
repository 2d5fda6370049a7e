import { defineRoute } from '#shared/runtime/descriptor.ts';
import { deliveryPath, webhookDeliverySchema } from '#shared/webhooks/endpoint.ts';

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
    responseExample: {
      id: 'dlv_20261203021512345_6f1c2a9b0d3e4f58',
      endpointId: 'we_Xb3k9QmT2vLp8RzA1cDe',
      eventId: 'evt_1795000000000017_3',
      eventType: 'payment.succeeded',
      eventTime: '2026-12-03T02:15:12.345Z',
      state: 'pending',
      attemptCount: 1,
      nextAttemptAt: '2026-12-04T09:00:00.000Z',
      deadline: '2026-12-07T09:00:00.000Z',
      attempts: [
        {
          at: '2026-12-03T02:15:12.901Z',
          durationMs: 10004,
          statusCode: null,
          outcome: 'timeout',
          error: 'no answer within 10000 ms',
          nextAttemptAt: '2026-12-03T02:16:13.000Z',
        },
      ],
      createdAt: '2026-12-03T02:15:12.800Z',
      updatedAt: '2026-12-04T09:00:00.000Z',
      resentAt: '2026-12-04T09:00:00.000Z',
    },
    errors: [404, 409],
  },
  // Reads the endpoint and the delivery, then puts the delivery back in its due partition.
  aws: { table: 'readWrite', merchantSecret: false },
});
