/**
 * A payment's merchant events and how each was delivered: to EventBridge (attempts, when it was
 * accepted) and to each webhook endpoint (the delivery's state, attempts, last answer). Events are
 * named by the payment version they announce (`evt_<txId>_<version>`), so one BatchGetItem of the
 * versions' outbox keys finds them without an index; deliveries are named by the event and the
 * endpoint (`deliveryIdOf`), so a second finds those.
 *
 * @example
 * ```ts
 * const { items } = await listPaymentEvents(deps, '1795000000000017');
 * items[0]; // { id: 'evt_1795000000000017_3', type: 'payment.succeeded', eventBridge: { … }, webhooks: [ … ] }
 * ```
 */
import * as z from 'zod';
import { NotFoundError } from '#shared/errors.ts';
import { instant } from '#shared/http/schemas.ts';
import type { Dependencies } from '#shared/runtime/dependencies.ts';
import type { StoredEvent } from '#shared/store/outbox.ts';
import { deliveryIdOf, deliveryView, webhookDeliverySchema } from '#shared/webhooks/endpoint.ts';

/** The newest versions looked at: a payment with more lists its latest events (`truncated`). */
export const MAX_EVENT_VERSIONS = 100;

const eventDeliverySchema = z
  .object({
    id: z.string(),
    type: z.string(),
    time: instant,
    paymentVersion: z.number().int(),
    createdAt: instant,
    eventBridge: z
      .object({
        deliveredAt: instant.nullable(),
        attempts: z.number().int(),
        lastError: z.string().nullable(),
      })
      .meta({
        description: 'Delivery to EventBridge: accepted at `deliveredAt`, or still retried',
      }),
    webhooksFannedOutAt: instant
      .nullable()
      .meta({ description: 'When the webhook deliveries were made (null: not yet)' }),
    webhooks: z.array(webhookDeliverySchema),
  })
  .meta({ id: 'PaymentEvent', description: 'One event of a payment and its deliveries' });

export const paymentEventsSchema = z
  .object({
    paymentId: z.string(),
    items: z.array(eventDeliverySchema),
    truncated: z
      .boolean()
      .meta({ description: `true when the payment has more than ${MAX_EVENT_VERSIONS} versions` }),
  })
  .meta({ id: 'PaymentEvents', description: "A payment's events, oldest first" });

export type PaymentEvents = z.output<typeof paymentEventsSchema>;

export type PaymentEventsDeps = Pick<Dependencies, 'payments' | 'outbox' | 'webhooks'>;

export async function listPaymentEvents(
  deps: PaymentEventsDeps,
  txId: string,
): Promise<PaymentEvents> {
  const payment = await deps.payments.get(txId);
  if (!payment) throw new NotFoundError(`no payment ${txId}`);
  // Version 1 is the payment's creation, which announces nothing.
  const first = Math.max(2, payment.version - MAX_EVENT_VERSIONS + 1);
  const ids: string[] = [];
  for (let v = first; v <= payment.version; v++) ids.push(`evt_${txId}_${v}`);
  const events = await deps.outbox.events(ids);
  const endpoints = events.length === 0 ? [] : await deps.webhooks.listEndpoints();
  const deliveries = await deps.webhooks.deliveries(
    events.flatMap((e) =>
      endpoints.map((endpoint) => ({
        endpointId: endpoint.id,
        deliveryId: deliveryIdOf(e.eventId, e.time),
      })),
    ),
  );
  return {
    paymentId: txId,
    items: events.map((e) => ({
      ...eventView(e),
      webhooks: deliveries
        .filter((d) => d.eventId === e.eventId)
        .sort((a, b) => a.endpointId.localeCompare(b.endpointId))
        .map(deliveryView),
    })),
    truncated: first > 2,
  };
}

function eventView(e: StoredEvent) {
  return {
    id: e.eventId,
    type: e.eventType,
    time: e.time,
    paymentVersion: Number(e.eventId.slice(e.eventId.lastIndexOf('_') + 1)),
    createdAt: e.createdAt,
    eventBridge: {
      deliveredAt: e.deliveredAt ?? null,
      attempts: e.attempts,
      lastError: e.lastError ?? null,
    },
    webhooksFannedOutAt: e.fannedOutAt ?? null,
  };
}
