/**
 * The webhook deliverer (the deliver-webhooks function: every minute, and whenever an event
 * reaches the bus). A run does two things, each bounded in time:
 *
 * 1. **Fan-out.** Events the outbox holds under `HOOKS` (every new event, written in the same
 *    transaction as its payment change) become one delivery per subscribed endpoint, due at once,
 *    in that endpoint's own partition of the sweep index; then the event leaves `HOOKS`. The same
 *    event fanned out twice makes the same delivery (a conditional put), so at-least-once holds.
 * 2. **Lanes.** Each enabled endpoint's due deliveries are attempted, a few at a time, by one
 *    holder (a lease per endpoint): one endpoint's backlog or slowness never delays another's,
 *    and none of this shares anything with the money path but the outbox item.
 *
 * An attempt is signed with every active secret, sent to the address the SSRF guard checked,
 * recorded on its delivery (time, status, duration, next attempt) and scheduled again on
 * ./schedule.ts's schedule, or settled.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { signatureHeader } from '#client/webhooks.ts';
import type { Dependencies } from '#shared/runtime/dependencies.ts';
import { describeError } from '#shared/runtime/describe-error.ts';
import { count, type DimensionedMetrics, endpointMetric } from '#shared/runtime/metrics.ts';
import type { FanOutRecord } from '#shared/store/outbox.ts';
import type { AttemptRecord } from '#shared/store/webhooks.ts';
import {
  activeSecrets,
  newDelivery,
  responseExcerpt,
  subscribes,
  type WebhookDelivery,
  type WebhookEndpoint,
} from '#shared/webhooks/endpoint.ts';
import type { AttemptReport } from '#shared/webhooks/net.ts';
import { DELIVERY_WINDOW_MS, nextAttemptAt, shouldDisable } from '#shared/webhooks/schedule.ts';
import { resolveTarget, TargetRefusedError } from '#shared/webhooks/target.ts';
import { postToTarget, type WireResult } from '#shared/webhooks/transport.ts';

/** How long one run may hold a lease (the function's timeout). */
export const WEBHOOK_RUN_MS = 120_000;

export type WebhookDeps = Pick<
  Dependencies,
  'webhooks' | 'outbox' | 'leases' | 'clock' | 'logger' | 'webhookSealer' | 'webhookNet'
> & {
  readonly metrics: DimensionedMetrics;
};

export interface WebhookLimits {
  /** Lambda's remaining time; no new work starts within `marginMs` (default 15 s) of the end. */
  readonly remainingMs: () => number;
  readonly marginMs?: number;
  /** The invocation's id (lease holder). */
  readonly holder?: string;
  /** Events read per fan-out page (default 100). */
  readonly fanOutPage?: number;
  /** Events fanned out at once (default 8). */
  readonly fanOutConcurrency?: number;
  /** Deliveries read per lane page (default 25). */
  readonly lanePage?: number;
  /** Most attempts per endpoint per run (default 200). */
  readonly perEndpoint?: number;
  /** Attempts in flight per endpoint (default 4). */
  readonly concurrency?: number;
}

export interface WebhookRunReport {
  fannedOut: number;
  deliveriesCreated: number;
  attempted: number;
  succeeded: number;
  failed: number;
  gaveUp: number;
  disabled: number;
  /** Lanes another run was working (this run left them to it). */
  busy: number;
  /** Units of work that failed for a reason other than the endpoint (the store, KMS). */
  errors: number;
}

/** Opened secrets, kept a few minutes per instance (memory only; never logged or stored). */
const opened = new Map<string, { secret: string; until: number }>();
const OPENED_TTL_MS = 300_000;

export async function deliverWebhooks(
  deps: WebhookDeps,
  limits: WebhookLimits,
): Promise<WebhookRunReport> {
  const margin = limits.marginMs ?? 15_000;
  const hasTime = () => limits.remainingMs() > margin;
  const holder = limits.holder ?? randomUUID();
  const report: WebhookRunReport = {
    fannedOut: 0,
    deliveriesCreated: 0,
    attempted: 0,
    succeeded: 0,
    failed: 0,
    gaveUp: 0,
    disabled: 0,
    busy: 0,
    errors: 0,
  };
  const listedAt = deps.clock();
  const endpoints = await deps.webhooks.listEndpoints();
  await fanOut(deps, {
    endpoints,
    listedAt,
    holder,
    hasTime,
    report,
    page: limits.fanOutPage ?? 100,
    concurrency: limits.fanOutConcurrency ?? 8,
  });
  await Promise.all(
    endpoints
      .filter((e) => e.status === 'enabled')
      .map((endpoint) =>
        lane(deps, endpoint, { limits, holder, hasTime, report }).catch((error: unknown) => {
          report.errors += 1;
          deps.logger.error('a webhook lane failed; its deliveries stay due', {
            endpointId: endpoint.id,
            error: describeError(error),
          });
        }),
      ),
  );
  if (report.fannedOut > 0) count(deps.metrics, 'webhooks.fannedOut', report.fannedOut);
  if (report.errors > 0) count(deps.metrics, 'webhooks.errors', report.errors);
  return report;
}

async function fanOut(
  deps: WebhookDeps,
  {
    endpoints,
    listedAt,
    holder,
    hasTime,
    report,
    page,
    concurrency,
  }: {
    endpoints: readonly WebhookEndpoint[];
    listedAt: Date;
    holder: string;
    hasTime: () => boolean;
    report: WebhookRunReport;
    page: number;
    concurrency: number;
  },
): Promise<void> {
  if (
    !(await deps.leases.acquire('webhooks-fanout', {
      holder,
      now: deps.clock(),
      ms: WEBHOOK_RUN_MS,
    }))
  ) {
    return;
  }
  try {
    // Only events written before the endpoints were listed: an endpoint made later is not in the
    // list, and takes events from its creation on.
    for (let more = true; more && hasTime(); ) {
      const batch = await deps.outbox.awaitingFanOut(listedAt, page);
      more = batch.length === page;
      const queue = [...batch];
      const worker = async () => {
        for (let record = queue.shift(); record; record = queue.shift()) {
          try {
            report.deliveriesCreated += await fanOutOne(deps, record, endpoints);
            if (await deps.outbox.markFannedOut(record.eventId, deps.clock()))
              report.fannedOut += 1;
          } catch (error) {
            // It stays under HOOKS and is fanned out again (its deliveries are not made twice).
            report.errors += 1;
            more = false;
            deps.logger.error('an event could not be fanned out to webhooks; it stays due', {
              eventId: record.eventId,
              error: describeError(error),
            });
          }
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
    }
  } finally {
    await deps.leases.release('webhooks-fanout', holder).catch(() => undefined);
  }
}

async function fanOutOne(
  deps: WebhookDeps,
  record: FanOutRecord,
  endpoints: readonly WebhookEndpoint[],
): Promise<number> {
  const { event } = record;
  let created = 0;
  for (const endpoint of endpoints) {
    if (!subscribes(endpoint, event.type) || record.createdAt < endpoint.createdAt) continue;
    const now = deps.clock();
    const delivery = newDelivery(endpoint.id, event, now, DELIVERY_WINDOW_MS);
    if (await deps.webhooks.createDelivery(delivery, now)) created += 1;
  }
  return created;
}

interface LaneHealth {
  lastAttemptAt?: string;
  lastSuccessAt?: string;
  /** The first failure after the lane's last success (or of the lane, without one). */
  firstFailure?: string | undefined;
  stopped: boolean;
}

async function lane(
  deps: WebhookDeps,
  endpoint: WebhookEndpoint,
  {
    limits,
    holder,
    hasTime,
    report,
  }: { limits: WebhookLimits; holder: string; hasTime: () => boolean; report: WebhookRunReport },
): Promise<void> {
  const page = limits.lanePage ?? 25;
  let due = await deps.webhooks.dueDeliveries(endpoint.id, deps.clock(), page);
  const now = deps.clock();
  const oldest = due.reduce(
    (min, d) => Math.min(min, Date.parse(d.nextAttemptAt ?? d.createdAt)),
    now.getTime(),
  );
  endpointMetric(
    deps.metrics,
    endpoint.id,
    'webhooks.backlogAge',
    'Seconds',
    Math.max(0, (now.getTime() - oldest) / 1_000),
  );
  if (due.length === 0) return;
  const leaseName = `webhook#${endpoint.id}`;
  if (!(await deps.leases.acquire(leaseName, { holder, now, ms: WEBHOOK_RUN_MS }))) {
    report.busy += 1;
    return;
  }
  const health: LaneHealth = { stopped: false };
  try {
    const secrets = await openSecrets(deps, endpoint, now);
    let budget = limits.perEndpoint ?? 200;
    while (due.length > 0 && budget > 0 && hasTime() && !health.stopped) {
      const queue = due.slice(0, budget);
      budget -= queue.length;
      const worker = async () => {
        for (let d = queue.shift(); d; d = queue.shift()) {
          if (!hasTime() || health.stopped) return;
          try {
            await attempt(deps, endpoint, d, { secrets, health, report });
          } catch (error) {
            report.errors += 1;
            deps.logger.error('a webhook attempt could not be recorded; the delivery stays due', {
              endpointId: endpoint.id,
              deliveryId: d.id,
              error: describeError(error),
            });
          }
        }
      };
      await Promise.all(Array.from({ length: limits.concurrency ?? 4 }, worker));
      due =
        due.length < page ? [] : await deps.webhooks.dueDeliveries(endpoint.id, deps.clock(), page);
    }
  } finally {
    if (health.lastAttemptAt !== undefined) {
      await deps.webhooks
        .recordHealth(endpoint.id, {
          lastAttemptAt: health.lastAttemptAt,
          ...(health.lastSuccessAt !== undefined ? { lastSuccessAt: health.lastSuccessAt } : {}),
          ...(health.firstFailure !== undefined ? { failingSince: health.firstFailure } : {}),
        })
        .catch((error: unknown) => {
          report.errors += 1;
          deps.logger.error("an endpoint's health could not be recorded", {
            endpointId: endpoint.id,
            error: describeError(error),
          });
        });
    }
    await deps.leases.release(leaseName, holder).catch(() => undefined);
  }
}

async function openSecrets(
  deps: WebhookDeps,
  endpoint: WebhookEndpoint,
  now: Date,
): Promise<string[]> {
  const secrets: string[] = [];
  for (const sealed of activeSecrets(endpoint, now)) {
    const hit = opened.get(sealed.sealed);
    if (hit && hit.until > Date.now()) {
      secrets.push(hit.secret);
      continue;
    }
    const secret = await deps.webhookSealer.open(sealed.sealed, endpoint.id);
    opened.set(sealed.sealed, { secret, until: Date.now() + OPENED_TTL_MS });
    secrets.push(secret);
  }
  return secrets;
}

async function attempt(
  deps: WebhookDeps,
  endpoint: WebhookEndpoint,
  delivery: WebhookDelivery,
  {
    secrets,
    health,
    report,
  }: { secrets: readonly string[]; health: LaneHealth; report: WebhookRunReport },
): Promise<void> {
  const { webhookNet: net } = deps;
  const started = deps.clock();
  const startedMs = performance.now();
  const detail = await deps.outbox.detail(delivery.eventId);
  let result:
    | WireResult
    | {
        outcome: 'target_refused' | 'event_expired';
        statusCode: undefined;
        body: Buffer;
        error: string;
      };
  if (detail === undefined) {
    result = {
      outcome: 'event_expired',
      statusCode: undefined,
      body: Buffer.alloc(0),
      error: 'the event is no longer kept (30 days)',
    };
  } else {
    try {
      const target = await resolveTarget(new URL(endpoint.url), {
        resolver: net.resolver,
        allowance: net.allowance,
      });
      const timestamp = Math.floor(started.getTime() / 1_000);
      result = await postToTarget(
        target,
        detail,
        {
          'content-type': 'application/json',
          'user-agent': 'PayonServerless-Webhooks/1',
          'payon-signature': signatureHeader(detail, timestamp, secrets),
          'payon-event-id': delivery.eventId,
          'payon-event-type': delivery.eventType,
          'payon-delivery-id': delivery.id,
          'payon-delivery-attempt': String(delivery.attemptCount + 1),
        },
        {
          ...(net.timeoutMs !== undefined ? { timeoutMs: net.timeoutMs } : {}),
          ...(net.ca !== undefined ? { ca: net.ca } : {}),
        },
      );
    } catch (error) {
      if (!(error instanceof TargetRefusedError)) throw error;
      result = {
        outcome: 'target_refused',
        statusCode: undefined,
        body: Buffer.alloc(0),
        error: error.message,
      };
    }
  }
  const durationMs = Math.round(performance.now() - startedMs);
  const ended = deps.clock();
  const succeeded = result.outcome === 'succeeded';
  const failedInARow = succeeded ? 0 : delivery.failedInARow + 1;
  const next =
    succeeded || result.outcome === 'event_expired'
      ? undefined
      : nextAttemptAt({
          failedAttempts: failedInARow,
          at: ended,
          deadline: new Date(delivery.deadline),
          random: net.random,
        });
  const excerpt = responseExcerpt(result.body);
  const record: AttemptRecord = {
    attempt: {
      at: started.toISOString(),
      durationMs,
      statusCode: result.statusCode ?? null,
      outcome: result.outcome,
      ...(result.error !== undefined ? { error: result.error.slice(0, 200) } : {}),
      ...(excerpt !== undefined ? { response: excerpt } : {}),
      nextAttemptAt: next?.toISOString() ?? null,
    },
    state: succeeded ? 'succeeded' : next ? 'pending' : 'failed',
    failedInARow,
    ...(next ? { nextAttemptAt: next.toISOString() } : {}),
  };
  if (!(await deps.webhooks.recordAttempt(delivery, record, ended))) return; // another run's stands
  report.attempted += 1;
  health.lastAttemptAt = started.toISOString();
  endpointMetric(deps.metrics, endpoint.id, 'webhooks.success', 'Count', succeeded ? 1 : 0);
  if (succeeded) {
    report.succeeded += 1;
    health.lastSuccessAt = started.toISOString();
    health.firstFailure = undefined;
    count(deps.metrics, 'webhooks.succeeded');
  } else {
    report.failed += 1;
    health.firstFailure ??= started.toISOString();
    count(deps.metrics, 'webhooks.failed');
    if (result.outcome === 'target_refused') count(deps.metrics, 'webhooks.targetRefused');
    if (record.state === 'failed') {
      report.gaveUp += 1;
      count(deps.metrics, 'webhooks.gaveUp');
      deps.logger.warn('a webhook delivery failed for good', {
        endpointId: endpoint.id,
        deliveryId: delivery.id,
        eventId: delivery.eventId,
        attempts: delivery.attemptCount + 1,
      });
    }
    // Every attempt since the stored clock started failed, and none in this lane succeeded.
    if (
      health.lastSuccessAt === undefined &&
      shouldDisable(endpoint.failingSince, ended) &&
      endpoint.failingSince
    ) {
      const disabled = await deps.webhooks.disable(endpoint.id, {
        now: ended,
        failingSince: endpoint.failingSince,
        reason: `every delivery failed since ${endpoint.failingSince} (72 h)`,
      });
      if (disabled && !health.stopped) {
        health.stopped = true;
        report.disabled += 1;
        count(deps.metrics, 'webhooks.endpointDisabled');
        deps.logger.warn('a webhook endpoint was disabled: every attempt failed for 72 h', {
          endpointId: endpoint.id,
        });
      }
    }
  }
  const line: AttemptReport = {
    endpointId: endpoint.id,
    url: endpoint.url,
    deliveryId: delivery.id,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    attempt: record.attempt,
    state: record.state,
  };
  deps.logger.info('webhook attempt', {
    endpointId: endpoint.id,
    deliveryId: delivery.id,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    outcome: record.attempt.outcome,
    statusCode: record.attempt.statusCode,
    durationMs,
    nextAttemptAt: record.attempt.nextAttemptAt,
  });
  net.onAttempt?.(line);
}
