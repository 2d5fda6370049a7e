import * as z from 'zod';
import { defineRoute } from '#shared/runtime/descriptor.ts';
import { endpointPath, webhookDeliveriesPageSchema } from '#shared/webhooks/endpoint.ts';

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
    responseExample: {
      items: [
        {
          id: 'dlv_20261203021512345_6f1c2a9b0d3e4f58',
          endpointId: 'we_Xb3k9QmT2vLp8RzA1cDe',
          eventId: 'evt_1795000000000017_3',
          eventType: 'payment.succeeded',
          eventTime: '2026-12-03T02:15:12.345Z',
          state: 'pending',
          attemptCount: 1,
          nextAttemptAt: '2026-12-03T02:16:13.000Z',
          deadline: '2026-12-06T02:15:12.345Z',
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
          updatedAt: '2026-12-03T02:15:23.000Z',
          resentAt: null,
        },
      ],
    },
    errors: [404],
  },
  // Reads the endpoint, then one Query of its deliveries' partition.
  aws: { table: 'read', queryTable: true, merchantSecret: false },
});
