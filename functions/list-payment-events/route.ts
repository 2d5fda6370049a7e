import * as z from 'zod';
import { paymentPath } from '#shared/http/schemas.ts';
import { defineRoute } from '#shared/runtime/descriptor.ts';
import { paymentEventsSchema } from './list-payment-events.ts';

/** GET /payments/{id}/events */
export const listPaymentEventsSchemas = {
  path: paymentPath,
  query: z.object({}).strict(),
};

export const listPaymentEventsRoute = defineRoute({
  function: 'list-payment-events',
  method: 'GET',
  path: '/payments/{id}/events',
  access: 'merchant',
  idempotent: false,
  schemas: listPaymentEventsSchemas,
  doc: {
    readme:
      "the payment's events, oldest first, each with its EventBridge delivery and every webhook endpoint's delivery and attempts",
    summary: "The payment's events and how each was delivered (EventBridge, webhooks)",
    status: 200,
    tag: 'Payments',
    response: paymentEventsSchema,
    responseExample: {
      paymentId: '1795000000000017',
      items: [
        {
          id: 'evt_1795000000000017_3',
          type: 'payment.succeeded',
          time: '2026-11-22T03:17:42.105Z',
          paymentVersion: 3,
          createdAt: '2026-11-22T03:17:42.105Z',
          eventBridge: {
            deliveredAt: '2026-11-22T03:17:42.160Z',
            attempts: 1,
            lastError: null,
          },
          webhooksFannedOutAt: '2026-11-22T03:17:42.400Z',
          webhooks: [
            {
              id: 'dlv_20261122031742105_6f1c2a9b0d3e4f58',
              endpointId: 'we_Xb3k9QmT2vLp8RzA1cDe',
              eventId: 'evt_1795000000000017_3',
              eventType: 'payment.succeeded',
              eventTime: '2026-11-22T03:17:42.105Z',
              state: 'succeeded',
              attemptCount: 1,
              nextAttemptAt: null,
              deadline: '2026-11-25T03:17:42.105Z',
              attempts: [
                {
                  at: '2026-11-22T03:17:42.512Z',
                  durationMs: 84,
                  statusCode: 200,
                  outcome: 'succeeded',
                  nextAttemptAt: null,
                },
              ],
              createdAt: '2026-11-22T03:17:42.400Z',
              updatedAt: '2026-11-22T03:17:42.600Z',
              resentAt: null,
            },
          ],
        },
      ],
      truncated: false,
    },
    errors: [404, 503],
  },
  // Reads the payment, its events (one BatchGetItem), the endpoints (one Query) and the
  // deliveries (one BatchGetItem per 100).
  aws: { table: 'read', queryTable: true, merchantSecret: false },
});
