/**
 * Sends merchant events to the EventBridge bus the stack creates. One PutEvents call takes up to
 * 10 entries; an entry EventBridge refuses comes back as failed and stays in the outbox.
 */
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EVENT_SOURCE, type MerchantEvent } from '#shared/events/envelope.ts';

export interface PublishResult {
  readonly delivered: readonly string[];
  /** Event id → why it was not accepted. */
  readonly failed: ReadonlyMap<string, string>;
}

export interface EventPublisher {
  publish(events: readonly MerchantEvent[]): Promise<PublishResult>;
}

const BATCH = 10;

export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(events: readonly MerchantEvent[]): Promise<PublishResult> {
    const delivered: string[] = [];
    const failed = new Map<string, string>();
    for (let start = 0; start < events.length; start += BATCH) {
      const batch = events.slice(start, start + BATCH);
      try {
        const answer = await this.client.send(
          new PutEventsCommand({
            Entries: batch.map((event) => ({
              EventBusName: this.busName,
              Source: EVENT_SOURCE,
              DetailType: event.type,
              Detail: JSON.stringify(event),
              Time: new Date(event.time),
              Resources: [],
            })),
          }),
        );
        batch.forEach((event, index) => {
          const entry = answer.Entries?.[index];
          if (entry?.EventId && !entry.ErrorCode) delivered.push(event.id);
          else
            failed.set(event.id, `${entry?.ErrorCode ?? 'NoEntry'}: ${entry?.ErrorMessage ?? ''}`);
        });
      } catch (error) {
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        for (const event of batch) failed.set(event.id, reason);
      }
    }
    return { delivered, failed };
  }
}
