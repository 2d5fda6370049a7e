/**
 * Merchant webhook endpoints and their deliveries (docs/webhooks.md): what is stored, what the API
 * shows (each view with its zod schema beside it, openapi.json's components), and the request
 * pieces that create one.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as z from 'zod';
import { maskCardNumbers } from '#shared/domain/card.ts';
import { EVENT_TYPES, type EventType } from '#shared/events/envelope.ts';
import { instant } from '#shared/http/schemas.ts';
import type { AttemptOutcome } from '#shared/webhooks/transport.ts';

/** Most endpoints one deployment has (Stripe's limit per account). */
export const MAX_ENDPOINTS = 16;

/** After a rotation, the replaced secret keeps signing (a second v1) this long. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;

/** Attempts kept per delivery (a delivery makes about 11 in 72 h; resends add more). */
export const MAX_KEPT_ATTEMPTS = 50;

/** Longest masked excerpt of an answer's body that is kept with an attempt. */
export const RESPONSE_EXCERPT_CHARS = 200;

export type EndpointStatus = 'enabled' | 'disabled';
export type DeliveryState = 'pending' | 'succeeded' | 'failed';

/** A signing secret as stored: sealed (KMS), never the secret itself. */
export interface SealedSecret {
  readonly sealed: string;
  readonly createdAt: string;
  /** Set on the replaced secret by a rotation: it signs until then. */
  readonly expiresAt?: string;
}

export interface WebhookEndpoint {
  readonly id: string;
  readonly url: string;
  /** Event types, or `['*']` for all. */
  readonly events: readonly string[];
  readonly description?: string;
  readonly status: EndpointStatus;
  readonly disabledAt?: string;
  readonly disabledReason?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
  /** Newest first; at most two (the current one and, for 24 h after a rotation, the one before). */
  readonly secrets: readonly SealedSecret[];
  /** The first failed attempt since the last successful one (the disable rule's clock). */
  readonly failingSince?: string;
  readonly lastSuccessAt?: string;
  readonly lastAttemptAt?: string;
}

export interface DeliveryAttempt {
  readonly at: string;
  readonly durationMs: number;
  readonly statusCode: number | null;
  /** `event_expired`: the event was no longer kept (30 days), so nothing was sent. */
  readonly outcome: AttemptOutcome | 'event_expired';
  /** Why it failed: the status, the socket error's code, the guard's rule. */
  readonly error?: string;
  /** The answer's first characters, card-like numbers masked (never the raw body). */
  readonly response?: string;
  /** When the next attempt is due, or null when this one ended the delivery. */
  readonly nextAttemptAt: string | null;
}

export interface WebhookDelivery {
  readonly endpointId: string;
  readonly id: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly eventTime: string;
  readonly state: DeliveryState;
  /** Oldest first, the last MAX_KEPT_ATTEMPTS. */
  readonly attempts: readonly DeliveryAttempt[];
  readonly attemptCount: number;
  /** Failed attempts since the last success or resend: picks the next wait. */
  readonly failedInARow: number;
  /** No attempt is scheduled after this (72 h after the event, or after a resend). */
  readonly deadline: string;
  readonly nextAttemptAt?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly resentAt?: string;
}

/** A new endpoint id: `we_` and 120 random bits. */
export const newEndpointId = () => `we_${randomBytes(15).toString('base64url')}`;

export const endpointIdSchema = z
  .string()
  .regex(/^we_[A-Za-z0-9_-]{20}$/, 'must be a webhook endpoint id (we_…)');

export const deliveryIdSchema = z
  .string()
  .regex(/^dlv_\d{17}_[0-9a-f]{16}$/, 'must be a delivery id (dlv_…)');

/**
 * A delivery's id: the event's time (so an endpoint's deliveries list newest first) and a hash of
 * the event's id, so that fanning the same event out twice makes the same delivery.
 */
export function deliveryIdOf(eventId: string, eventTime: string): string {
  const digits = new Date(eventTime).toISOString().replace(/\D/g, '');
  return `dlv_${digits}_${createHash('sha256').update(eventId).digest('hex').slice(0, 16)}`;
}

/** The delivery the fan-out makes of one event for one endpoint: due at once. */
export function newDelivery(
  endpointId: string,
  event: { readonly id: string; readonly type: string; readonly time: string },
  now: Date,
  windowMs: number,
): WebhookDelivery {
  return {
    endpointId,
    id: deliveryIdOf(event.id, event.time),
    eventId: event.id,
    eventType: event.type,
    eventTime: event.time,
    state: 'pending',
    attempts: [],
    attemptCount: 0,
    failedInARow: 0,
    deadline: new Date(Date.parse(event.time) + windowMs).toISOString(),
    nextAttemptAt: now.toISOString(),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
}

/** Whether the endpoint takes events of this type. */
export const subscribes = (endpoint: Pick<WebhookEndpoint, 'events'>, type: string) =>
  endpoint.events.includes('*') || endpoint.events.includes(type);

/** What may be kept of an answer's body: a short excerpt, printable, card numbers masked. */
export function responseExcerpt(body: Buffer): string | undefined {
  if (body.length === 0) return undefined;
  const text = body
    .toString('utf8')
    .replace(/[^\x20-\x7e]+/g, ' ')
    .trim();
  if (text === '') return undefined;
  return maskCardNumbers(text).slice(0, RESPONSE_EXCERPT_CHARS);
}

/** The secrets that sign at `now`, newest first (an expired rotated one no longer does). */
export const activeSecrets = (endpoint: Pick<WebhookEndpoint, 'secrets'>, now: Date) =>
  endpoint.secrets.filter(
    (s) => s.expiresAt === undefined || Date.parse(s.expiresAt) > now.getTime(),
  );

// ---- requests -------------------------------------------------------------------------------

const eventTypes = z
  .array(z.string())
  .min(1, 'must name at least one event type, or ["*"]')
  .max(EVENT_TYPES.length)
  .superRefine((types, ctx) => {
    if (types.includes('*') && types.length > 1) {
      ctx.addIssue({ code: 'custom', message: '"*" stands alone (it already means every type)' });
      return;
    }
    const unknown = types.find((t) => t !== '*' && !(EVENT_TYPES as readonly string[]).includes(t));
    if (unknown !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(unknown.slice(0, 64))} is not an event type (${EVENT_TYPES.join(', ')}, or "*")`,
      });
    }
    if (new Set(types).size !== types.length) {
      ctx.addIssue({ code: 'custom', message: 'must not name a type twice' });
    }
  })
  .transform((types) => types as (EventType | '*')[]);

/** `POST /webhook-endpoints`: the URL is checked by the SSRF guard on top (shared/webhooks/target.ts). */
export const createEndpointBody = z
  .object({
    url: z.string().min(1).max(2_048),
    events: eventTypes,
    description: z
      .string()
      .max(200)
      .regex(/^[\x20-\x7e\u00a0-\uffff]*$/, 'must be printable text')
      .refine((d) => d === maskCardNumbers(d), 'must not hold a card number')
      .optional(),
  })
  .strict();

export const endpointPath = z.object({ id: endpointIdSchema }).strict();
export const deliveryPath = z
  .object({ id: endpointIdSchema, deliveryId: deliveryIdSchema })
  .strict();

// ---- views ----------------------------------------------------------------------------------

export const webhookEndpointSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    description: z.string().nullable(),
    /** `disabled`: nothing is sent until `POST /webhook-endpoints/{id}/enable`. */
    status: z.enum(['enabled', 'disabled']),
    disabledAt: instant.nullable(),
    disabledReason: z.string().nullable(),
    createdAt: instant,
    updatedAt: instant,
    /** When the current signing secret was made. */
    secretCreatedAt: instant,
    /** While a rotated secret still signs (a second v1): until when. */
    previousSecretExpiresAt: instant.nullable(),
    lastSuccessAt: instant.nullable(),
    /** Every attempt since then has failed; at 72 h the endpoint is disabled. */
    failingSince: instant.nullable(),
  })
  .meta({ id: 'WebhookEndpoint', description: 'A merchant webhook endpoint (never its secret)' });
export type WebhookEndpointView = z.output<typeof webhookEndpointSchema>;

export const webhookEndpointWithSecretSchema = webhookEndpointSchema
  .extend({
    /** The signing secret, shown this once: keep it in your receiver's configuration. */
    secret: z.string(),
  })
  .meta({
    id: 'WebhookEndpointWithSecret',
    description: 'A webhook endpoint and its new signing secret (answered once, never again)',
  });

export const webhookEndpointsPageSchema = z
  .object({ items: z.array(webhookEndpointSchema) })
  .meta({ id: 'WebhookEndpoints', description: "The deployment's webhook endpoints" });

const attemptSchema = z.object({
  at: instant,
  durationMs: z.number().int(),
  /** The HTTP status answered, or null when none was (timeout, connection, refused target). */
  statusCode: z.number().int().nullable(),
  outcome: z.enum([
    'succeeded',
    'http_error',
    'timeout',
    'connection_failed',
    'target_refused',
    'event_expired',
  ]),
  error: z.string().exactOptional(),
  response: z.string().exactOptional(),
  nextAttemptAt: instant.nullable(),
});

export const webhookDeliverySchema = z
  .object({
    id: z.string(),
    endpointId: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    eventTime: instant,
    state: z.enum(['pending', 'succeeded', 'failed']),
    attemptCount: z.number().int(),
    nextAttemptAt: instant.nullable(),
    deadline: instant,
    attempts: z.array(attemptSchema),
    createdAt: instant,
    updatedAt: instant,
    resentAt: instant.nullable(),
  })
  .meta({ id: 'WebhookDelivery', description: 'One event to one endpoint, with every attempt' });
export type WebhookDeliveryView = z.output<typeof webhookDeliverySchema>;

export const webhookDeliveriesPageSchema = z
  .object({ items: z.array(webhookDeliverySchema), nextCursor: z.string().exactOptional() })
  .meta({ id: 'WebhookDeliveries', description: "An endpoint's deliveries, newest event first" });

export function endpointView(endpoint: WebhookEndpoint, now: Date): WebhookEndpointView {
  const [current, previous] = endpoint.secrets;
  const previousActive =
    previous?.expiresAt !== undefined && Date.parse(previous.expiresAt) > now.getTime()
      ? previous.expiresAt
      : null;
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: [...endpoint.events],
    description: endpoint.description ?? null,
    status: endpoint.status,
    disabledAt: endpoint.disabledAt ?? null,
    disabledReason: endpoint.disabledReason ?? null,
    createdAt: endpoint.createdAt,
    updatedAt: endpoint.updatedAt,
    secretCreatedAt: current?.createdAt ?? endpoint.createdAt,
    previousSecretExpiresAt: previousActive,
    lastSuccessAt: endpoint.lastSuccessAt ?? null,
    failingSince: endpoint.failingSince ?? null,
  };
}

export function deliveryView(delivery: WebhookDelivery): WebhookDeliveryView {
  return {
    id: delivery.id,
    endpointId: delivery.endpointId,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    eventTime: delivery.eventTime,
    state: delivery.state,
    attemptCount: delivery.attemptCount,
    nextAttemptAt: delivery.state === 'pending' ? (delivery.nextAttemptAt ?? null) : null,
    deadline: delivery.deadline,
    attempts: delivery.attempts.map((a) => ({ ...a })),
    createdAt: delivery.createdAt,
    updatedAt: delivery.updatedAt,
    resentAt: delivery.resentAt ?? null,
  };
}
