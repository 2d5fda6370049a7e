/**
 * PAYON's push notifications as received: stored raw, once per distinct body (a conditional put
 * keyed on the txId and a hash of the body, so duplicates are recognised without a read), then
 * confirmed by a status pull. Unsettled ones sit in the sweep index under `NOTIFY`, due at their
 * next attempt, so none is lost when the confirmation queue or PAYON is down. Kept 90 days.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { queryDue } from '#shared/store/table.ts';

export const NOTIFICATION_RETENTION_SECONDS = 90 * 24 * 3_600;

/**
 * - `received`: stored, not yet confirmed.
 * - `waiting_payment`: no payment with that txId yet; retried on a schedule.
 * - `agreed`: PAYON's status pull (or the payment's confirmed state) says what the push said.
 * - `disagreed`: it does not; nothing changed, kept for review (metric + alarm).
 * - `no_change`: the push said nothing the product acts on (an unknown code, or a payment that
 *   needs nothing from PAYON).
 * - `orphaned`: no payment with that txId ever appeared; kept for review.
 */
export const NOTIFICATION_STATUSES = [
  'received',
  'waiting_payment',
  'agreed',
  'disagreed',
  'no_change',
  'orphaned',
] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

export function isSettled(status: NotificationStatus): boolean {
  return (
    status === 'agreed' || status === 'disagreed' || status === 'no_change' || status === 'orphaned'
  );
}

export interface NotificationRef {
  readonly txId: string;
  readonly id: string;
}

export interface Notification extends NotificationRef {
  readonly resultCode: string;
  readonly resultMsg: string | undefined;
  /** The push's body as kept: JSON decoded, card numbers masked in every key and value, re-encoded. */
  readonly body: string;
  readonly receivedAt: string;
  readonly sourceIp: string | undefined;
  readonly status: NotificationStatus;
  readonly attempts: number;
  readonly note: string | undefined;
  readonly nextAttemptAt: string | undefined;
}

const key = (ref: NotificationRef) => ({ pk: `NOTIFY#${ref.txId}`, sk: `N#${ref.id}` });

/** A notification's id: the kept body's hash (the same push sent twice is one notification). */
export function notificationId(body: string): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 32);
}

function fromItem(item: Record<string, unknown>): Notification {
  const s = (name: string) => (item[name] === undefined ? undefined : String(item[name]));
  return {
    txId: String(item.txId),
    id: String(item.notificationId),
    resultCode: String(item.resultCode),
    resultMsg: s('resultMsg'),
    body: String(item.body ?? item.rawBody),
    receivedAt: String(item.receivedAt),
    sourceIp: s('sourceIp'),
    status: item.status as NotificationStatus,
    attempts: Number(item.attempts ?? 0),
    note: s('note'),
    nextAttemptAt: s('gsi1sk')?.split('#')[0],
  };
}

export interface ReceivedPush {
  readonly txId: string;
  readonly resultCode: string;
  readonly resultMsg: string | undefined;
  /** As kept: see {@link Notification.body}. */
  readonly body: string;
  readonly sourceIp: string | undefined;
}

export class NotificationStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Stores a push once. `firstAttemptAt` is when the sweep looks at it if the confirmation queue
   * never does. Returns the stored notification and whether this call stored it.
   */
  async receive(
    push: ReceivedPush,
    now: Date,
    firstAttemptAt: Date,
  ): Promise<{ readonly notification: Notification; readonly duplicate: boolean }> {
    const id = notificationId(push.body);
    const item = {
      ...key({ txId: push.txId, id }),
      type: 'notification',
      txId: push.txId,
      notificationId: id,
      resultCode: push.resultCode,
      ...(push.resultMsg === undefined ? {} : { resultMsg: push.resultMsg }),
      body: push.body,
      receivedAt: now.toISOString(),
      ...(push.sourceIp === undefined ? {} : { sourceIp: push.sourceIp }),
      status: 'received' satisfies NotificationStatus,
      attempts: 0,
      gsi1pk: 'NOTIFY',
      gsi1sk: `${firstAttemptAt.toISOString()}#${push.txId}#${id}`,
      ttl: Math.floor(now.getTime() / 1_000) + NOTIFICATION_RETENTION_SECONDS,
    };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { notification: fromItem(item), duplicate: false };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException && error.Item) {
        return { notification: fromItem(unmarshall(error.Item)), duplicate: true };
      }
      throw error;
    }
  }

  async get(ref: NotificationRef): Promise<Notification | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: key(ref), ConsistentRead: true }),
    );
    return Item ? fromItem(Item) : undefined;
  }

  /** Unsettled notifications due at `now`, oldest first. */
  async due(now: Date, limit: number): Promise<Notification[]> {
    const items = await queryDue(this.db, {
      tableName: this.tableName,
      partition: 'NOTIFY',
      now,
      limit,
    });
    return items.map(fromItem).filter((n) => !isSettled(n.status));
  }

  /**
   * Records an attempt's result, only if nobody recorded one since `seen` was read (attempts is
   * the version). A settled notification leaves the sweep index; an unsettled one is due again
   * at `retryAt`. Returns false when another worker got there first.
   */
  async record(
    seen: Notification,
    result: {
      readonly status: NotificationStatus;
      readonly note: string;
      readonly retryAt?: Date | undefined;
    },
  ): Promise<boolean> {
    const { status, note, retryAt } = result;
    const settled = isSettled(status);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(seen),
          UpdateExpression: settled
            ? 'SET #status = :status, note = :note, attempts = :next REMOVE gsi1pk, gsi1sk'
            : 'SET #status = :status, note = :note, attempts = :next, gsi1sk = :due',
          ConditionExpression: 'attempts = :seen',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': status,
            ':note': note.slice(0, 300),
            ':next': seen.attempts + 1,
            ':seen': seen.attempts,
            ...(settled
              ? {}
              : {
                  ':due': `${(retryAt ?? new Date()).toISOString()}#${seen.txId}#${seen.id}`,
                }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
