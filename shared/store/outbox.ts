/**
 * The event outbox: one item per merchant event, written in the same DynamoDB transaction as the
 * payment version it announces (so an event exists exactly when its transition does), and kept
 * until EventBridge has accepted it. Undelivered items sit in the sparse sweep index under
 * `OUTBOX`, due at their next attempt; delivered ones leave the index and expire after 30 days
 * (an audit of what was sent, as Stripe keeps events 30 days).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isBindingEvent, type MerchantEvent } from '#shared/events/envelope.ts';
import { queryDue } from '#shared/store/table.ts';

/** How long an event record is kept after it was written. */
export const OUTBOX_RETENTION_SECONDS = 30 * 24 * 3_600;

export interface OutboxRecord {
  readonly event: MerchantEvent;
  readonly attempts: number;
  readonly deliveredAt: string | undefined;
  readonly lastError: string | undefined;
}

export const outboxKey = (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'EVENT' });

/** The writer delivers a new event itself; the sweep only looks after this long. */
export const FIRST_REDELIVERY_MS = 60_000;

/** What an outbox item names of its event's subject (to find events of a payment, day or customer). */
function outboxSubject(event: MerchantEvent): Record<string, string> {
  if (event.type === 'reconciliation.completed') return { day: event.reconciliation.day };
  if (isBindingEvent(event)) return { clientId: event.customer.clientId };
  return { txId: event.payment.id };
}

/** The outbox item for a new event (the sweep's due time leaves the writer its own attempt). */
export function outboxItem(event: MerchantEvent, now: Date): Record<string, unknown> {
  const due = new Date(now.getTime() + FIRST_REDELIVERY_MS).toISOString();
  return {
    ...outboxKey(event.id),
    type: 'event',
    eventId: event.id,
    eventType: event.type,
    ...outboxSubject(event),
    detail: JSON.stringify(event),
    attempts: 0,
    createdAt: now.toISOString(),
    gsi1pk: 'OUTBOX',
    gsi1sk: `${due}#${event.id}`,
    ttl: Math.floor(now.getTime() / 1_000) + OUTBOX_RETENTION_SECONDS,
  };
}

function fromItem(item: Record<string, unknown>): OutboxRecord {
  return {
    event: JSON.parse(String(item.detail)) as MerchantEvent,
    attempts: Number(item.attempts ?? 0),
    deliveredAt: item.deliveredAt === undefined ? undefined : String(item.deliveredAt),
    lastError: item.lastError === undefined ? undefined : String(item.lastError),
  };
}

export class OutboxStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(eventId: string): Promise<OutboxRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: outboxKey(eventId), ConsistentRead: true }),
    );
    return Item ? fromItem(Item) : undefined;
  }

  /** Undelivered events whose next attempt is due at `now`, oldest first. */
  async due(now: Date, limit: number): Promise<OutboxRecord[]> {
    const items = await queryDue(this.db, {
      tableName: this.tableName,
      partition: 'OUTBOX',
      now,
      limit,
    });
    // The index is eventually consistent: an item delivered a moment ago may still be listed.
    return items.map(fromItem).filter((r) => r.deliveredAt === undefined);
  }

  /** EventBridge accepted the event: it leaves the index. False when it was already delivered. */
  async markDelivered(eventId: string, now: Date): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: outboxKey(eventId),
          UpdateExpression:
            'SET deliveredAt = :now, attempts = attempts + :one REMOVE gsi1pk, gsi1sk, lastError',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deliveredAt)',
          ExpressionAttributeValues: { ':now': now.toISOString(), ':one': 1 },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** A delivery failed: try again at `retryAt` (the error text holds no payment data). */
  async markFailed(eventId: string, retryAt: Date, reason: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: outboxKey(eventId),
          UpdateExpression: 'SET attempts = attempts + :one, lastError = :reason, gsi1sk = :due',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deliveredAt)',
          ExpressionAttributeValues: {
            ':one': 1,
            ':reason': reason.slice(0, 300),
            ':due': `${retryAt.toISOString()}#${eventId}`,
          },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return; // delivered meanwhile
      throw error;
    }
  }
}
