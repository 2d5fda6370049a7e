/**
 * Merchant webhook endpoints and deliveries in DynamoDB (docs/data-model.md, "Webhooks"). Every
 * write is conditional: an endpoint is created only while the deployment has fewer than
 * MAX_ENDPOINTS (a counter item in the same transaction, never a count then a write), a delivery
 * only once per endpoint and event, an attempt only on the delivery as it was read.
 *
 * - endpoint `WEBHOOK` / `EP#<id>` (with its sealed secrets; never a secret itself)
 * - endpoint counter `WEBHOOK` / `COUNT`
 * - delivery `WHD#<endpointId>` / `<deliveryId>` (newest event last in sort order; listed
 *   descending), in the sweep index as `HOOK#<endpointId>` / `<next attempt ISO>#<deliveryId>`
 *   while pending
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  ConflictError,
  InvalidRequestError,
  NotFoundError,
  UnprocessableError,
} from '#shared/errors.ts';
import { batchGet } from '#shared/store/batch-get.ts';
import { isConditionFailure, queryDue } from '#shared/store/table.ts';
import {
  type DeliveryAttempt,
  type DeliveryState,
  MAX_ENDPOINTS,
  MAX_KEPT_ATTEMPTS,
  type SealedSecret,
  type WebhookDelivery,
  type WebhookEndpoint,
} from '#shared/webhooks/endpoint.ts';

/** Deliveries are kept this long after they were made (or last resent), as events are. */
export const DELIVERY_RETENTION_SECONDS = 30 * 24 * 3_600;

const ENDPOINTS_PK = 'WEBHOOK';
const endpointKey = (id: string) => ({ pk: ENDPOINTS_PK, sk: `EP#${id}` });
const COUNTER_KEY = { pk: ENDPOINTS_PK, sk: 'COUNT' };
const deliveryKey = (endpointId: string, deliveryId: string) => ({
  pk: `WHD#${endpointId}`,
  sk: deliveryId,
});
/** The sweep-index partition of one endpoint's pending deliveries. */
export const deliveryPartition = (endpointId: string) => `HOOK#${endpointId}` as const;

const ttlOf = (from: Date) => Math.floor(from.getTime() / 1_000) + DELIVERY_RETENTION_SECONDS;

/** A new delivery's item: due at its `nextAttemptAt` (or at once) in its endpoint's partition. */
export function deliveryItem(delivery: WebhookDelivery, now: Date): Record<string, unknown> {
  return {
    ...deliveryKey(delivery.endpointId, delivery.id),
    type: 'webhookDelivery',
    ...delivery,
    gsi1pk: deliveryPartition(delivery.endpointId),
    gsi1sk: `${delivery.nextAttemptAt ?? now.toISOString()}#${delivery.id}`,
    ttl: ttlOf(now),
  };
}

function endpointOf(item: Record<string, unknown>): WebhookEndpoint {
  const i = item as unknown as WebhookEndpoint & Record<string, unknown>;
  return {
    id: i.id,
    url: i.url,
    events: i.events,
    ...(i.description !== undefined ? { description: i.description } : {}),
    status: i.status,
    ...(i.disabledAt !== undefined ? { disabledAt: i.disabledAt } : {}),
    ...(i.disabledReason !== undefined ? { disabledReason: i.disabledReason } : {}),
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
    version: i.version,
    secrets: i.secrets ?? [],
    ...(i.failingSince !== undefined ? { failingSince: i.failingSince } : {}),
    ...(i.lastSuccessAt !== undefined ? { lastSuccessAt: i.lastSuccessAt } : {}),
    ...(i.lastAttemptAt !== undefined ? { lastAttemptAt: i.lastAttemptAt } : {}),
  };
}

function deliveryOf(item: Record<string, unknown>): WebhookDelivery {
  const i = item as unknown as WebhookDelivery & Record<string, unknown>;
  return {
    endpointId: i.endpointId,
    id: i.id,
    eventId: i.eventId,
    eventType: i.eventType,
    eventTime: i.eventTime,
    state: i.state,
    attempts: i.attempts ?? [],
    attemptCount: i.attemptCount ?? 0,
    failedInARow: i.failedInARow ?? 0,
    deadline: i.deadline,
    ...(i.nextAttemptAt !== undefined ? { nextAttemptAt: i.nextAttemptAt } : {}),
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
    ...(i.resentAt !== undefined ? { resentAt: i.resentAt } : {}),
  };
}

/** A page of an endpoint's deliveries; `nextCursor` continues it. */
export interface DeliveryPage {
  readonly deliveries: WebhookDelivery[];
  readonly nextCursor?: string;
}

/** How one attempt ends for its delivery. */
export interface AttemptRecord {
  readonly attempt: DeliveryAttempt;
  readonly state: DeliveryState;
  readonly failedInARow: number;
  /** When it is due again (pending only). */
  readonly nextAttemptAt?: string;
}

/** The store of the webhook functions (`dependenciesWith({ webhooks: webhookStore })`). */
export const webhookStore = ({
  db,
  config,
}: {
  readonly db: DynamoDBDocumentClient;
  readonly config: { readonly store: { readonly tableName: string } };
}) => new WebhookStore(db, config.store.tableName);

export class WebhookStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  // ---- endpoints ----------------------------------------------------------------------------

  /** Stores a new endpoint, unless the deployment already has MAX_ENDPOINTS (422). */
  async createEndpoint(endpoint: WebhookEndpoint): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: COUNTER_KEY,
                UpdateExpression: 'SET #type = :type ADD endpoints :one',
                ConditionExpression: 'attribute_not_exists(endpoints) OR endpoints < :max',
                ExpressionAttributeNames: { '#type': 'type' },
                ExpressionAttributeValues: {
                  ':one': 1,
                  ':max': MAX_ENDPOINTS,
                  ':type': 'webhookCount',
                },
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { ...endpointKey(endpoint.id), type: 'webhookEndpoint', ...endpoint },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new UnprocessableError(
          'webhook_endpoint_limit',
          `a deployment has at most ${MAX_ENDPOINTS} webhook endpoints: delete one first`,
        );
      }
      throw error;
    }
  }

  async getEndpoint(id: string): Promise<WebhookEndpoint | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: endpointKey(id), ConsistentRead: true }),
    );
    return Item ? endpointOf(Item) : undefined;
  }

  /** The endpoint, or 404. */
  async endpoint(id: string): Promise<WebhookEndpoint> {
    const found = await this.getEndpoint(id);
    if (!found) throw new NotFoundError(`no webhook endpoint ${id}`);
    return found;
  }

  /** Every endpoint, oldest first (at most MAX_ENDPOINTS: one page). */
  async listEndpoints(): Promise<WebhookEndpoint[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': ENDPOINTS_PK, ':prefix': 'EP#' },
        ConsistentRead: true,
      }),
    );
    return Items.map(endpointOf).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Deletes the endpoint (404 if there is none); its pending deliveries are never attempted. */
  async deleteEndpoint(id: string): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.tableName,
                Key: endpointKey(id),
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: COUNTER_KEY,
                UpdateExpression: 'ADD endpoints :minus',
                ExpressionAttributeValues: { ':minus': -1 },
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new NotFoundError(`no webhook endpoint ${id}`);
      throw error;
    }
  }

  /** Replaces the secrets of the endpoint as it was read (409 if it changed meanwhile). */
  async replaceSecrets(
    endpoint: WebhookEndpoint,
    secrets: readonly SealedSecret[],
    now: Date,
  ): Promise<WebhookEndpoint> {
    return this.update(endpoint.id, {
      update: 'SET secrets = :secrets, updatedAt = :now, version = version + :one',
      condition: 'version = :version',
      values: {
        ':secrets': secrets,
        ':now': now.toISOString(),
        ':one': 1,
        ':version': endpoint.version,
      },
      conflict: 'the endpoint changed meanwhile (another rotation?): read it and try again',
    });
  }

  /** Enabled again: attempts resume, the failure clock starts over. */
  async enable(id: string, now: Date): Promise<WebhookEndpoint> {
    return this.update(id, {
      update:
        'SET #status = :enabled, updatedAt = :now, version = version + :one REMOVE disabledAt, disabledReason, failingSince',
      values: { ':enabled': 'enabled', ':now': now.toISOString(), ':one': 1 },
    });
  }

  /**
   * Disables the endpoint because every attempt since `failingSince` failed; false when that no
   * longer holds (it was enabled again, or an attempt succeeded meanwhile).
   */
  async disable(
    id: string,
    { now, failingSince, reason }: { now: Date; failingSince: string; reason: string },
  ): Promise<boolean> {
    try {
      await this.update(id, {
        update:
          'SET #status = :disabled, disabledAt = :now, disabledReason = :reason, updatedAt = :now, version = version + :one',
        condition: '#status = :enabled AND failingSince = :since',
        values: {
          ':disabled': 'disabled',
          ':enabled': 'enabled',
          ':now': now.toISOString(),
          ':reason': reason,
          ':one': 1,
          ':since': failingSince,
        },
        conflict: 'changed meanwhile',
      });
      return true;
    } catch (error) {
      if (error instanceof ConflictError || error instanceof NotFoundError) return false;
      throw error;
    }
  }

  /**
   * What a run of attempts says of the endpoint's health. A success clears the failure clock
   * (or restarts it at the first failure after it); failures start it if it is not running.
   */
  async recordHealth(
    id: string,
    health: { lastAttemptAt: string; lastSuccessAt?: string; failingSince?: string },
  ): Promise<void> {
    const values: Record<string, unknown> = { ':last': health.lastAttemptAt };
    let update = 'SET lastAttemptAt = :last';
    if (health.lastSuccessAt !== undefined) {
      values[':success'] = health.lastSuccessAt;
      update += ', lastSuccessAt = :success';
      if (health.failingSince !== undefined) {
        values[':since'] = health.failingSince;
        update += ', failingSince = :since';
      } else update += ' REMOVE failingSince';
    } else if (health.failingSince !== undefined) {
      values[':since'] = health.failingSince;
      update += ', failingSince = if_not_exists(failingSince, :since)';
    }
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: endpointKey(id),
          UpdateExpression: update,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error; // deleted meanwhile
    }
  }

  private async update(
    id: string,
    {
      update,
      condition,
      values,
      conflict,
    }: {
      update: string;
      condition?: string;
      values: Record<string, unknown>;
      conflict?: string;
    },
  ): Promise<WebhookEndpoint> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: endpointKey(id),
          UpdateExpression: update,
          ConditionExpression: `attribute_exists(pk)${condition ? ` AND ${condition}` : ''}`,
          ...(update.includes('#status') || condition?.includes('#status')
            ? { ExpressionAttributeNames: { '#status': 'status' } }
            : {}),
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      if (!Attributes) throw new Error('DynamoDB answered no attributes');
      return endpointOf(Attributes);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        if (!error.Item) throw new NotFoundError(`no webhook endpoint ${id}`);
        throw new ConflictError(
          'webhook_endpoint_changed',
          conflict ?? 'the endpoint changed meanwhile',
        );
      }
      throw error;
    }
  }

  // ---- deliveries ---------------------------------------------------------------------------

  /** Stores a new delivery, due at once; false when this event already has one here. */
  async createDelivery(delivery: WebhookDelivery, now: Date): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: deliveryItem(delivery, now),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async getDelivery(endpointId: string, deliveryId: string): Promise<WebhookDelivery | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: deliveryKey(endpointId, deliveryId),
        ConsistentRead: true,
      }),
    );
    return Item ? deliveryOf(Item) : undefined;
  }

  /** The stored deliveries among these keys (strongly consistent); missing ones are left out. */
  async deliveries(
    keys: readonly { readonly endpointId: string; readonly deliveryId: string }[],
  ): Promise<WebhookDelivery[]> {
    const items = await batchGet(
      this.db,
      this.tableName,
      keys.map((k) => deliveryKey(k.endpointId, k.deliveryId)),
    );
    return items.map(deliveryOf);
  }

  /** One endpoint's deliveries, newest event first, optionally of one state. */
  async listDeliveries(
    endpointId: string,
    { limit, cursor, state }: { limit: number; cursor?: string; state?: DeliveryState },
  ): Promise<DeliveryPage> {
    let start: Record<string, unknown> | undefined;
    if (cursor !== undefined) {
      const sk = Buffer.from(cursor, 'base64url').toString('utf8');
      if (!/^dlv_\d{17}_[0-9a-f]{16}$/.test(sk)) {
        throw new InvalidRequestError([
          { field: 'query.cursor', reason: 'is not a cursor this list gave' },
        ]);
      }
      start = deliveryKey(endpointId, sk);
    }
    const { Items = [], LastEvaluatedKey } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ...(state
          ? { FilterExpression: '#state = :state', ExpressionAttributeNames: { '#state': 'state' } }
          : {}),
        ExpressionAttributeValues: {
          ':pk': `WHD#${endpointId}`,
          ...(state ? { ':state': state } : {}),
        },
        ScanIndexForward: false,
        Limit: limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    return {
      deliveries: Items.map(deliveryOf),
      ...(LastEvaluatedKey
        ? { nextCursor: Buffer.from(String(LastEvaluatedKey.sk), 'utf8').toString('base64url') }
        : {}),
    };
  }

  /** One endpoint's pending deliveries due at `now`, the longest-waiting first. */
  async dueDeliveries(endpointId: string, now: Date, limit: number): Promise<WebhookDelivery[]> {
    const items = await queryDue(this.db, {
      tableName: this.tableName,
      partition: deliveryPartition(endpointId),
      now,
      limit,
    });
    // The index is eventually consistent: one settled a moment ago may still be listed.
    return items.map(deliveryOf).filter((d) => d.state === 'pending');
  }

  /**
   * Records an attempt on the delivery as it was read (false if another attempt was recorded
   * meanwhile: that one stands). A settled delivery leaves the sweep index.
   */
  async recordAttempt(
    delivery: WebhookDelivery,
    record: AttemptRecord,
    now: Date,
  ): Promise<boolean> {
    const attempts = [...delivery.attempts, record.attempt].slice(-MAX_KEPT_ATTEMPTS);
    const pending = record.state === 'pending' && record.nextAttemptAt !== undefined;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: deliveryKey(delivery.endpointId, delivery.id),
          UpdateExpression: pending
            ? 'SET attempts = :attempts, attemptCount = :count, failedInARow = :row, #state = :state, updatedAt = :now, nextAttemptAt = :next, gsi1sk = :due'
            : 'SET attempts = :attempts, attemptCount = :count, failedInARow = :row, #state = :state, updatedAt = :now REMOVE nextAttemptAt, gsi1pk, gsi1sk',
          ConditionExpression: 'attemptCount = :read AND #state = :pending',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':attempts': attempts,
            ':count': delivery.attemptCount + 1,
            ':row': record.failedInARow,
            ':state': record.state,
            ':now': now.toISOString(),
            ':read': delivery.attemptCount,
            ':pending': 'pending',
            ...(pending
              ? { ':next': record.nextAttemptAt, ':due': `${record.nextAttemptAt}#${delivery.id}` }
              : {}),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Due again at once, for another `windowMs` (a resend); 404 when there is no such delivery. */
  async resend(
    endpointId: string,
    deliveryId: string,
    now: Date,
    windowMs: number,
  ): Promise<WebhookDelivery> {
    const at = now.toISOString();
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: deliveryKey(endpointId, deliveryId),
          UpdateExpression:
            'SET #state = :pending, nextAttemptAt = :now, resentAt = :now, updatedAt = :now, failedInARow = :zero, deadline = :deadline, gsi1pk = :partition, gsi1sk = :due, #ttl = :ttl',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#state': 'state', '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':pending': 'pending',
            ':now': at,
            ':zero': 0,
            ':deadline': new Date(now.getTime() + windowMs).toISOString(),
            ':partition': deliveryPartition(endpointId),
            ':due': `${at}#${deliveryId}`,
            ':ttl': ttlOf(now),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      if (!Attributes) throw new Error('DynamoDB answered no attributes');
      return deliveryOf(Attributes);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new NotFoundError(`no delivery ${deliveryId} of webhook endpoint ${endpointId}`);
      }
      throw error;
    }
  }
}
