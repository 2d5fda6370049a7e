/**
 * The webhook endpoint API's business functions (the `functions/*-webhook-*` routes call them):
 * register an endpoint and answer its secret once, list, read, delete, rotate the secret with a
 * 24-hour overlap, enable again, list deliveries, resend one.
 *
 * @example
 * ```ts
 * const created = await createEndpoint(deps, { url: 'https://shop.example.com/hooks', events: ['*'] });
 * created.secret; // 'whsec_…': shown this once
 * ```
 */
import type * as z from 'zod';
import { ConflictError, InvalidRequestError, NotFoundError } from '#shared/errors.ts';
import type { Dependencies } from '#shared/runtime/dependencies.ts';
import {
  type createEndpointBody,
  type DeliveryState,
  deliveryView,
  endpointView,
  newEndpointId,
  ROTATION_OVERLAP_MS,
  type WebhookDeliveryView,
  type WebhookEndpoint,
  type WebhookEndpointView,
} from '#shared/webhooks/endpoint.ts';
import { DELIVERY_WINDOW_MS } from '#shared/webhooks/schedule.ts';
import { newSigningSecret } from '#shared/webhooks/secrets.ts';
import { webhookUrlProblem } from '#shared/webhooks/target.ts';

export type WebhookApiDeps = Pick<Dependencies, 'webhooks' | 'webhookSealer' | 'clock' | 'config'>;

export type EndpointWithSecret = WebhookEndpointView & { readonly secret: string };

/** Registers an endpoint; the answer carries its signing secret, which is never shown again. */
export async function createEndpoint(
  deps: WebhookApiDeps,
  body: z.output<typeof createEndpointBody>,
): Promise<EndpointWithSecret> {
  const problem = webhookUrlProblem(body.url, { local: deps.config.webhooks.allowLocalTargets });
  if (problem) throw new InvalidRequestError([{ field: 'url', reason: problem }]);
  const now = deps.clock();
  const id = newEndpointId();
  const secret = newSigningSecret();
  const sealed = await deps.webhookSealer.seal(secret, id);
  const endpoint: WebhookEndpoint = {
    id,
    url: new URL(body.url).href,
    events: [...body.events],
    ...(body.description ? { description: body.description } : {}),
    status: 'enabled',
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    version: 1,
    secrets: [{ sealed, createdAt: now.toISOString() }],
  };
  await deps.webhooks.createEndpoint(endpoint);
  return { ...endpointView(endpoint, now), secret };
}

export async function listEndpoints(deps: WebhookApiDeps): Promise<WebhookEndpointView[]> {
  const now = deps.clock();
  return (await deps.webhooks.listEndpoints()).map((e) => endpointView(e, now));
}

export async function getEndpoint(deps: WebhookApiDeps, id: string): Promise<WebhookEndpointView> {
  return endpointView(await deps.webhooks.endpoint(id), deps.clock());
}

export async function deleteEndpoint(deps: WebhookApiDeps, id: string): Promise<void> {
  await deps.webhooks.deleteEndpoint(id);
}

/**
 * A new signing secret (answered once). The one it replaces keeps signing for 24 h, so every
 * delivery meanwhile carries two `v1` values; a second rotation within the 24 h drops the oldest.
 */
export async function rotateSecret(deps: WebhookApiDeps, id: string): Promise<EndpointWithSecret> {
  const endpoint = await deps.webhooks.endpoint(id);
  const now = deps.clock();
  const secret = newSigningSecret();
  const sealed = await deps.webhookSealer.seal(secret, id);
  const [current] = endpoint.secrets;
  const updated = await deps.webhooks.replaceSecrets(
    endpoint,
    [
      { sealed, createdAt: now.toISOString() },
      ...(current
        ? [
            {
              sealed: current.sealed,
              createdAt: current.createdAt,
              expiresAt: new Date(now.getTime() + ROTATION_OVERLAP_MS).toISOString(),
            },
          ]
        : []),
    ],
    now,
  );
  return { ...endpointView(updated, now), secret };
}

/** Enabled again (after it was disabled for failing 72 h): its pending deliveries resume. */
export async function enableEndpoint(
  deps: WebhookApiDeps,
  id: string,
): Promise<WebhookEndpointView> {
  const now = deps.clock();
  return endpointView(await deps.webhooks.enable(id, now), now);
}

export async function listDeliveries(
  deps: WebhookApiDeps,
  id: string,
  query: { limit: number; cursor?: string; state?: DeliveryState },
): Promise<{ items: WebhookDeliveryView[]; nextCursor?: string }> {
  await deps.webhooks.endpoint(id);
  const page = await deps.webhooks.listDeliveries(id, query);
  return {
    items: page.deliveries.map(deliveryView),
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
  };
}

/**
 * Sends the delivery again: due at once (the next run takes it, within a minute), retried on the
 * schedule for 72 h from now. Refused while the endpoint is disabled (enable it first).
 */
export async function resendDelivery(
  deps: WebhookApiDeps,
  id: string,
  deliveryId: string,
): Promise<WebhookDeliveryView> {
  const endpoint = await deps.webhooks.endpoint(id);
  if (endpoint.status === 'disabled') {
    throw new ConflictError(
      'webhook_endpoint_disabled',
      `webhook endpoint ${id} is disabled: POST /webhook-endpoints/${id}/enable first`,
    );
  }
  if (!(await deps.webhooks.getDelivery(id, deliveryId))) {
    throw new NotFoundError(`no delivery ${deliveryId} of webhook endpoint ${id}`);
  }
  return deliveryView(await deps.webhooks.resend(id, deliveryId, deps.clock(), DELIVERY_WINDOW_MS));
}
