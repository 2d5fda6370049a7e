/**
 * Gives the list index's keys (`gsi3pk = PAY`, `gsi3sk = <createdAt>#<txId>`) to payment items
 * stored before that index existed, so that `GET /payments` and reconciliation (which reads a day
 * as a key range of the list index since issue 27) find them. A Scan of the table, filtered to
 * payment items without the keys, then one conditional UpdateItem each: only those two
 * attributes, only where they are still missing, so a payment written meanwhile is left as its
 * own write made it. Safe to run again; each run reports what it did.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createdKey, TABLE_KEYS } from '#shared/store/table.ts';

export interface BackfillReport {
  /** Items the Scan read (DynamoDB applies the filter after reading). */
  readonly scanned: number;
  /** Payment items that had no list keys and got them. */
  readonly updated: number;
  /** Payment items that got their keys from another write between the Scan and the update. */
  readonly alreadyDone: number;
  /** Payment items without a creation time or txId: left alone, listed for an operator. */
  readonly skipped: readonly string[];
}

export async function backfillListKeys(
  db: DynamoDBDocumentClient,
  tableName: string,
  { pageSize = 500 }: { readonly pageSize?: number } = {},
): Promise<BackfillReport> {
  const { partitionKey, sortKey } = TABLE_KEYS.listIndex;
  let scanned = 0;
  let updated = 0;
  let alreadyDone = 0;
  const skipped: string[] = [];
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'sk = :payment AND attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': partitionKey },
        ExpressionAttributeValues: { ':payment': 'PAYMENT' },
        ProjectionExpression: 'pk, txId, createdAt',
        Limit: pageSize,
        ...(cursor ? { ExclusiveStartKey: cursor } : {}),
      }),
    );
    scanned += page.ScannedCount ?? 0;
    for (const item of page.Items ?? []) {
      const { txId, createdAt } = item as { txId?: unknown; createdAt?: unknown };
      if (typeof txId !== 'string' || typeof createdAt !== 'string') {
        skipped.push(String(item.pk));
        continue;
      }
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: item.pk, sk: 'PAYMENT' },
            UpdateExpression: 'SET #pk = :pay, #sk = :created',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': partitionKey, '#sk': sortKey },
            ExpressionAttributeValues: {
              ':pay': 'PAY',
              ':created': createdKey({ createdAt, txId }),
            },
          }),
        );
        updated += 1;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        alreadyDone += 1;
      }
    }
    cursor = page.LastEvaluatedKey;
  } while (cursor);
  return { scanned, updated, alreadyDone, skipped };
}
