/**
 * The product's one DynamoDB table: its keys, indexes and TTL, defined once and read by the CDK
 * stack, the local runtime and the tests.
 *
 * Items and access patterns:
 *
 * | item | pk | sk | GSI1 (status sweep) | GSI3 (list) | TTL |
 * |---|---|---|---|---|---|
 * | payment | `PAY#<txId>` | `PAYMENT` | `SYNC` / `<nextSyncAt ISO>` while PENDING or UNKNOWN | `PAY` / `<createdAt>#<txId>` | — |
 * | idempotency record | `IDEM#<HMAC-SHA256(idempotencySecret, key)>` | `IDEM` | — | — | `ttl` (24 h default) |
 *
 * - Get a payment by txId: GetItem `PAY#<txId>` / `PAYMENT` (strongly consistent).
 * - Payments whose state PAYON must confirm, due now: Query GSI1 `gsi1pk = SYNC AND gsi1sk <= now`
 *   (sparse: only payments awaiting PAYON carry the attributes, so the index stays small), then
 *   BatchGetItem of the items themselves: GSI1 projects only the keys (issue 27).
 * - A Cambodian business day's payments for reconciliation: Query GSI3 `gsi3pk = PAY`, `gsi3sk`
 *   within the day's bounds, paged, then BatchGetItem of the payments (no index of its own).
 * - Events the webhook fan-out has not taken yet: Query GSI3 `gsi3pk = HOOKS` (sparse), and one
 *   webhook endpoint's due deliveries: Query GSI1 `gsi1pk = HOOK#<endpointId>` (docs/data-model.md).
 * - Idempotency: conditional PutItem on `IDEM#<keyed hash of the key>`, expired by TTL and checked on read.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet } from '#shared/store/batch-get.ts';

export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'ttl',
  /**
   * What is due (the sweeps): sparse, and projecting only the keys, so an entry is one write unit
   * whatever the item's size, and a change that keeps `gsi1pk`/`gsi1sk` never writes to it; the
   * readers BatchGet the items (`queryDue`). Named anew when it stopped projecting `ALL` (issue 27:
   * an index's projection cannot be changed in place; docs/deployment.md).
   */
  syncIndex: { name: 'gsi1-due', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  /**
   * Every payment, newest first (`GET /payments`): `gsi3pk = PAY`, `gsi3sk = <createdAt>#<txId>`.
   * Its keys never change and it projects only what the list filters on, so a payment's sweep
   * bookkeeping (probe counts, next probe) never writes to it; its state changes do.
   */
  listIndex: {
    name: 'gsi3-list',
    partitionKey: 'gsi3pk',
    sortKey: 'gsi3sk',
    projected: ['txId', 'state', 'kind', 'paymentMethod', 'createdAt'],
  },
} as const;

/** A payment's place in creation order: the list index's sort key and every lookup row's. */
export const createdKey = (p: { readonly createdAt: string; readonly txId: string }) =>
  `${p.createdAt}#${p.txId}`;

/**
 * The lookup rows that list payments by something other than creation alone (shared/store/table.ts):
 * flagged payments, a merchant reference's payments, a customer's saved-card payments.
 */
export const LOOKUP = {
  attention: { pk: 'ATTN', prefix: 'P#' },
  reference: { pk: (reference: string) => `REF#${reference}`, prefix: 'P#' },
  customer: { pk: (clientId: string) => `CUST#${clientId}`, prefix: 'PAY#' },
} as const;

/** CreateTable input for DynamoDB Local and tests; the CDK stack declares the same shape. */
export function createTableInput(tableName: string): CreateTableCommandInput {
  const { syncIndex, listIndex } = TABLE_KEYS;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: syncIndex.partitionKey, AttributeType: 'S' },
      { AttributeName: syncIndex.sortKey, AttributeType: 'S' },
      { AttributeName: listIndex.partitionKey, AttributeType: 'S' },
      { AttributeName: listIndex.sortKey, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: syncIndex.name,
        KeySchema: [
          { AttributeName: syncIndex.partitionKey, KeyType: 'HASH' as const },
          { AttributeName: syncIndex.sortKey, KeyType: 'RANGE' as const },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' as const },
      },
      {
        IndexName: listIndex.name,
        KeySchema: [
          { AttributeName: listIndex.partitionKey, KeyType: 'HASH' as const },
          { AttributeName: listIndex.sortKey, KeyType: 'RANGE' as const },
        ],
        Projection: {
          ProjectionType: 'INCLUDE' as const,
          NonKeyAttributes: [...listIndex.projected],
        },
      },
    ],
  };
}

/**
 * Partitions of the sweep index (GSI1): what is due, keyed `<due ISO>#...`; `HOOK#<endpointId>`
 * holds one webhook endpoint's pending deliveries, so that one endpoint's backlog never stands in
 * front of another's.
 */
export type SweepPartition = 'SYNC' | 'NOTIFY' | 'OUTBOX' | `HOOK#${string}`;

/**
 * Items of one sweep-index partition due at `now`, oldest first (the sweep's one read pattern):
 * the index's keys, then the items themselves, strongly consistent (`batchGet`). An item that left
 * the partition or was rescheduled since the index saw it is not answered.
 */
export async function queryDue(
  db: DynamoDBDocumentClient,
  {
    tableName,
    partition,
    now,
    limit,
  }: {
    readonly tableName: string;
    readonly partition: SweepPartition;
    readonly now: Date;
    readonly limit: number;
  },
): Promise<Record<string, unknown>[]> {
  const { syncIndex } = TABLE_KEYS;
  const due = `${now.toISOString()}#~`;
  const { Items = [] } = await db.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: syncIndex.name,
      KeyConditionExpression: 'gsi1pk = :partition AND gsi1sk <= :now',
      ExpressionAttributeValues: { ':partition': partition, ':now': due },
      Limit: limit,
    }),
  );
  if (Items.length === 0) return [];
  const stored = new Map(
    (
      await batchGet(
        db,
        tableName,
        Items.map(({ pk, sk }) => ({ pk, sk })),
      )
    ).map((item) => [`${String(item.pk)}\n${String(item.sk)}`, item]),
  );
  return Items.flatMap(({ pk, sk }) => {
    const item = stored.get(`${String(pk)}\n${String(sk)}`);
    return item && item.gsi1pk === partition && String(item.gsi1sk) <= due ? [item] : [];
  });
}

/** A conditional write refused (alone, or as part of a transaction). */
export function isConditionFailure(error: unknown): boolean {
  if (error instanceof ConditionalCheckFailedException) return true;
  return (
    error instanceof TransactionCanceledException &&
    (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed')
  );
}
