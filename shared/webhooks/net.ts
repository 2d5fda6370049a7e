/**
 * How webhooks reach merchants: the resolver, the SSRF allowance, the attempt timeout, the jitter
 * of the retry schedule, and who hears of each attempt. In AWS the system resolver, public HTTPS
 * only and Math.random; tests and `npm start` replace parts (never through configuration).
 */
import type { DeliveryAttempt, WebhookDelivery } from '#shared/webhooks/endpoint.ts';
import { type Resolver, systemResolver, type TargetAllowance } from '#shared/webhooks/target.ts';

/** What the deliverer sends with, beyond the stores: the network and its guard. */
export interface WebhookNet {
  readonly resolver: Resolver;
  readonly allowance: TargetAllowance;
  /** Extra trusted CAs (PEM): tests and the local runtime only. */
  readonly ca?: string | readonly string[];
  /** One attempt's deadline (10 s unless a test shortens it). */
  readonly timeoutMs?: number;
  /** Uniform in [0, 1): the schedule's jitter. */
  readonly random: () => number;
  /** Told of every attempt (the local runtime prints it). */
  readonly onAttempt?: (attempt: AttemptReport) => void;
}

/** One attempt, as the local runtime prints it and the log records it (never body or secret). */
export interface AttemptReport {
  readonly endpointId: string;
  readonly url: string;
  readonly deliveryId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly attempt: DeliveryAttempt;
  readonly state: WebhookDelivery['state'];
}

/** The system network for AWS: public HTTPS only, Math.random jitter. */
export const systemNet = (allowance: TargetAllowance): WebhookNet => ({
  resolver: systemResolver,
  allowance,
  random: Math.random,
});

/**
 * deliver-webhooks' network (`dependenciesWith({ webhookNet: systemWebhookNet() })`): the system
 * resolver, the configured allowance (strict in AWS), and whatever a test or `npm start` replaces.
 */
export const systemWebhookNet =
  (parts: Partial<Omit<WebhookNet, 'allowance'>> = {}) =>
  ({
    config,
  }: {
    readonly config: { readonly webhooks: { readonly allowLocalTargets: boolean } };
  }) => ({
    ...systemNet({ local: config.webhooks.allowLocalTargets }),
    ...parts,
  });
