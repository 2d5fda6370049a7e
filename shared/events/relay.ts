/**
 * Delivers outbox events: right after the transition commits (so merchants hear within a second),
 * and again from the sweep for anything EventBridge did not take. An event keeps its id on every
 * attempt; delivery is at least once, and consumers dedupe on `id` (docs/events.md).
 */
import type { MerchantEvent } from '#shared/events/envelope.ts';
import type { EventPublisher } from '#shared/events/publisher.ts';
import { type Counter, count } from '#shared/runtime/metrics.ts';
import type { OutboxStore } from '#shared/store/outbox.ts';
import type { EventOutlet } from '#shared/store/payments.ts';

/** Waits between delivery attempts of one event: 1 min, 5 min, 10 min, then hourly. */
export function redeliveryDelayMs(attempts: number): number {
  const steps = [60_000, 300_000, 600_000];
  return steps[attempts] ?? 3_600_000;
}

export interface RelayLog {
  warn(message: string, extra?: Record<string, unknown>): void;
}

/** What the relay delivers with: the stage's outbox and bus, a clock, a log and the metrics. */
export interface EventRelayOptions {
  readonly stage: string;
  readonly outbox: OutboxStore;
  readonly publisher: EventPublisher;
  readonly clock: () => Date;
  readonly log: RelayLog;
  readonly metrics: Counter;
}

export class EventRelay implements EventOutlet {
  readonly stage: string;
  private readonly outbox: OutboxStore;
  private readonly publisher: EventPublisher;
  private readonly clock: () => Date;
  private readonly log: RelayLog;
  private readonly metrics: Counter;

  constructor(options: EventRelayOptions) {
    ({
      stage: this.stage,
      outbox: this.outbox,
      publisher: this.publisher,
      clock: this.clock,
      log: this.log,
      metrics: this.metrics,
    } = options);
  }

  /** After a commit: one attempt now; a failure is left for the sweep (never thrown). */
  async committed(event: MerchantEvent): Promise<void> {
    try {
      await this.deliver([{ event, attempts: 0 }]);
    } catch (error) {
      // The outbox item is already committed and due: the sweep delivers it.
      this.log.warn('event delivery deferred to the sweep', {
        eventId: event.id,
        error: error instanceof Error ? error.name : 'unknown',
      });
    }
  }

  /** Delivers what the outbox holds due now; returns how many were delivered. */
  async drain(limit: number): Promise<{ delivered: number; failed: number }> {
    const due = await this.outbox.due(this.clock(), limit);
    return this.deliver(due);
  }

  private async deliver(
    records: readonly { event: MerchantEvent; attempts: number }[],
  ): Promise<{ delivered: number; failed: number }> {
    if (records.length === 0) return { delivered: 0, failed: 0 };
    const { delivered, failed } = await this.publisher.publish(records.map((r) => r.event));
    const now = this.clock();
    for (const id of delivered) await this.outbox.markDelivered(id, now);
    for (const record of records) {
      const reason = failed.get(record.event.id);
      if (reason === undefined) continue;
      const retryAt = new Date(now.getTime() + redeliveryDelayMs(record.attempts));
      await this.outbox.markFailed(record.event.id, retryAt, reason);
      this.log.warn('EventBridge did not take an event; it stays in the outbox', {
        eventId: record.event.id,
        attempts: record.attempts + 1,
        reason,
      });
    }
    if (delivered.length > 0) count(this.metrics, 'events.delivered', delivered.length);
    if (failed.size > 0) count(this.metrics, 'events.deferred', failed.size);
    return { delivered: delivered.length, failed: failed.size };
  }
}
