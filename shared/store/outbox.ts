/**
 * The event outbox: one item per merchant event, written in the same DynamoDB transaction as the
 * payment version it announces (so an event exists exactly when its transition does), and kept
 * until EventBridge has accepted it. Undelivered items sit in the sparse sweep index under
 * `OUTBOX`, due at their next attempt; delivered ones leave the index and expire after 30 days
 * (an audit of what was sent, as Stripe keeps events 30 days).
 *
 * Merchant webhooks are the outbox's second reader: every new item also sits in the list index
 * (GSI3, which projects only a few small attributes: the entry costs one index write unit, not
 * the item's size) under `HOOKS` until the webhook deliverer has fanned it out to the subscribed
 * endpoints (shared/webhooks/deliver.ts). The two channels are independent: EventBridge being
 * down holds no webhook back, and a slow webhook endpoint holds nothing back at all.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { isBindingEvent, type MerchantEvent } from '#shared/events/envelope.ts';
import { batchGet } from '#shared/store/batch-get.ts';
import { queryDue, TABLE_KEYS } from '#shared/store/table.ts';

/** How long an event record is kept after it was written. */
export const OUTBOX_RETENTION_SECONDS = 30 * 24 * 3_600;

export interface OutboxRecord {
  readonly event: MerchantEvent;
  readonly attempts: number;
  readonly deliveredAt: string | undefined;
  readonly lastError: string | undefined;
}

export const outboxKey = (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'EVENT' });

/** What the outbox knows of one event's delivery (a payment's events view). */
export interface StoredEvent {
  readonly eventId: string;
  readonly eventType: string;
  /** The event's own time (the transition it announces). */
  readonly time: string;
  /** When the outbox item was written, with its payment change. */
  readonly createdAt: string;
  /** EventBridge attempts so far (the writer's own and the sweep's). */
  readonly attempts: number;
  /** When EventBridge accepted it. */
  readonly deliveredAt: string | undefined;
  /** The last EventBridge failure (never payment data). */
  readonly lastError: string | undefined;
  /** When the webhook deliverer made its deliveries (undefined: not yet). */
  readonly fannedOutAt: string | undefined;
}

const optionalText = (value: unknown) => (value === undefined ? undefined : String(value));

/** The list index's partition of events the webhook deliverer has not fanned out yet. */
export const WEBHOOK_FANOUT_PARTITION = 'HOOKS';

/** An event waiting for the webhook fan-out: its id and the envelope exactly as stored. */
export interface FanOutRecord {
  readonly eventId: string;
  /** When the outbox item was written (with its payment change). */
  readonly createdAt: string;
  readonly event: MerchantEvent;
  /** The envelope's JSON as stored: the body every webhook delivery of it sends. */
  readonly detail: string;
}

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
    // Waiting for the webhook fan-out (at once): see the module comment.
    gsi3pk: WEBHOOK_FANOUT_PARTITION,
    gsi3sk: `${now.toISOString()}#${event.id}`,
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
  /**
   * Events not fanned out to webhook endpoints yet, oldest first (the list index's `HOOKS`): the
   * index names them, one BatchGetItem per 100 reads their envelopes.
   */
  async awaitingFanOut(now: Date, limit: number): Promise<FanOutRecord[]> {
    const { listIndex } = TABLE_KEYS;
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: listIndex.name,
        KeyConditionExpression: 'gsi3pk = :partition AND gsi3sk <= :now',
        ExpressionAttributeValues: {
          ':partition': WEBHOOK_FANOUT_PARTITION,
          ':now': `${now.toISOString()}#~`,
        },
        Limit: limit,
      }),
    );
    const records: FanOutRecord[] = [];
    for (let start = 0; start < Items.length; start += 100) {
      const keys = Items.slice(start, start + 100).map((i) => ({ pk: i.pk, sk: i.sk }));
      let pending: Record<string, unknown>[] = keys;
      // Keys DynamoDB leaves unprocessed (throttling) are asked again after a short backoff, five
      // rounds at most: what is still unread keeps its marker and is taken by the next run.
      for (let round = 0; pending.length > 0 && round < 5; round++) {
        if (round > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** round));
        const answer = await this.db.send(
          new BatchGetCommand({
            RequestItems: {
              [this.tableName]: {
                Keys: pending,
                ConsistentRead: true,
                ProjectionExpression: 'eventId, createdAt, detail, gsi3pk',
              },
            },
          }),
        );
        for (const item of answer.Responses?.[this.tableName] ?? []) {
          // Fanned out by another run since the index listed it: nothing to do.
          if (item.gsi3pk !== WEBHOOK_FANOUT_PARTITION) continue;
          records.push({
            eventId: String(item.eventId),
            createdAt: String(item.createdAt),
            detail: String(item.detail),
            event: JSON.parse(String(item.detail)) as MerchantEvent,
          });
        }
        pending = (answer.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<
          string,
          unknown
        >[];
      }
    }
    return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** The event was fanned out: it leaves the list index. False when another run did it first. */
  async markFannedOut(eventId: string, now: Date): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: outboxKey(eventId),
          UpdateExpression: 'SET fannedOutAt = :now REMOVE gsi3pk, gsi3sk',
          ConditionExpression: 'gsi3pk = :partition',
          ExpressionAttributeValues: {
            ':now': now.toISOString(),
            ':partition': WEBHOOK_FANOUT_PARTITION,
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** The stored events among `eventIds`, in their order; ids never written or expired are left out. */
  async events(eventIds: readonly string[]): Promise<StoredEvent[]> {
    const items = await batchGet(this.db, this.tableName, eventIds.map(outboxKey), {
      projection:
        'eventId, eventType, detail, createdAt, attempts, deliveredAt, lastError, fannedOutAt',
    });
    const byId = new Map(items.map((item) => [String(item.eventId), item]));
    return eventIds.flatMap((eventId) => {
      const item = byId.get(eventId);
      if (item === undefined) return [];
      const { time } = JSON.parse(String(item.detail)) as { time: string };
      return [
        {
          eventId,
          eventType: String(item.eventType),
          time,
          createdAt: String(item.createdAt),
          attempts: Number(item.attempts ?? 0),
          deliveredAt: optionalText(item.deliveredAt),
          lastError: optionalText(item.lastError),
          fannedOutAt: optionalText(item.fannedOutAt),
        },
      ];
    });
  }

  /** The envelope's JSON exactly as stored, or undefined once the item expired (30 days). */
  async detail(eventId: string): Promise<string | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: outboxKey(eventId),
        ProjectionExpression: 'detail',
      }),
    );
    return Item?.detail === undefined ? undefined : String(Item.detail);
  }
}
