/**
 * The webhook endpoint and delivery views the API reference shows (openapi.json's examples).
 * Documentation only: every route's example is held to its response schema by a test.
 */
import type { WebhookDeliveryView, WebhookEndpointView } from '#shared/webhooks/endpoint.ts';

/** An endpoint for two event types, just registered; `overrides` replace its fields in place. */
export function exampleEndpoint(overrides: Partial<WebhookEndpointView> = {}): WebhookEndpointView {
  return {
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
    ...overrides,
  };
}

/** A delivery whose first attempt timed out, due again; `overrides` replace its fields in place. */
export function exampleDelivery(overrides: Partial<WebhookDeliveryView> = {}): WebhookDeliveryView {
  return {
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
    ...overrides,
  };
}
