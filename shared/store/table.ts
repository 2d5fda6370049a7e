/**
 * The product's one DynamoDB table: its keys, indexes and TTL, defined once and read by the CDK
 * stack, the local runtime and the tests.
 *
 * Items and access patterns:
 *
 * | item | pk | sk | GSI1 (status sweep) | GSI2 (by day) | TTL |
 * |---|---|---|---|---|---|
 * | payment | `PAY#<txId>` | `PAYMENT` | `SYNC` / `<nextSyncAt ISO>` while PENDING or UNKNOWN | `DAY#<yyyy-MM-dd>` / `<txId>` | — |
 * | idempotency record | `IDEM#<HMAC-SHA256(idempotencySecret, key)>` | `IDEM` | — | — | `ttl` (24 h default) |
 *
 * - Get a payment by txId: GetItem `PAY#<txId>` / `PAYMENT` (strongly consistent).
 * - Payments whose state PAYON must confirm, due now: Query GSI1 `gsi1pk = SYNC AND gsi1sk <= now`
 *   (sparse: only payments awaiting PAYON carry the attributes, so the index stays small).
 * - A Cambodian business day's payments for reconciliation: Query GSI2 `gsi2pk = DAY#<day>`, paged.
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

export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'ttl',
  syncIndex: { name: 'gsi1-sync', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  dayIndex: { name: 'gsi2-day', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
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
  const { syncIndex, dayIndex, listIndex } = TABLE_KEYS;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: syncIndex.partitionKey, AttributeType: 'S' },
      { AttributeName: syncIndex.sortKey, AttributeType: 'S' },
      { AttributeName: dayIndex.partitionKey, AttributeType: 'S' },
      { AttributeName: dayIndex.sortKey, AttributeType: 'S' },
      { AttributeName: listIndex.partitionKey, AttributeType: 'S' },
      { AttributeName: listIndex.sortKey, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      ...[syncIndex, dayIndex].map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
          { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
        ],
        Projection: { ProjectionType: 'ALL' as const },
      })),
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

/** Items of one sweep-index partition due at `now`, oldest first (the sweep's one read pattern). */
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
  const { Items = [] } = await db.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: syncIndex.name,
      KeyConditionExpression: 'gsi1pk = :partition AND gsi1sk <= :now',
      ExpressionAttributeValues: { ':partition': partition, ':now': `${now.toISOString()}#~` },
      Limit: limit,
    }),
  );
  return Items;
}

/** A conditional write refused (alone, or as part of a transaction). */
export function isConditionFailure(error: unknown): boolean {
  if (error instanceof ConditionalCheckFailedException) return true;
  return (
    error instanceof TransactionCanceledException &&
    (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed')
  );
}
