/**
 * Strongly consistent reads of many items by key: 100 keys a BatchGetItem (DynamoDB's limit), the
 * keys DynamoDB leaves unprocessed (throttling) asked again with a short backoff. A read that
 * cannot finish is an error, never a shorter answer: a caller could not tell "missing" from
 * "not read".
 */
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ServiceUnavailableError } from '#shared/errors.ts';

export type ItemKey = Readonly<Record<string, unknown>>;

/** Rounds of unprocessed keys tried before the read is given up. */
export const BATCH_GET_ROUNDS = 5;
const BATCH_SIZE = 100;

export async function batchGet(
  db: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly ItemKey[],
  {
    projection,
    sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  }: { readonly projection?: string; readonly sleep?: (ms: number) => Promise<void> } = {},
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let start = 0; start < keys.length; start += BATCH_SIZE) {
    let pending: ItemKey[] = keys.slice(start, start + BATCH_SIZE);
    for (let round = 0; pending.length > 0; round++) {
      if (round === BATCH_GET_ROUNDS) {
        throw new ServiceUnavailableError(
          'storage_busy',
          `DynamoDB left ${pending.length} reads unprocessed ${BATCH_GET_ROUNDS} times; try again`,
          1,
        );
      }
      if (round > 0) await sleep(25 * 2 ** round);
      const answer = await db.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: {
              Keys: pending as Record<string, unknown>[],
              ConsistentRead: true,
              ...(projection ? { ProjectionExpression: projection } : {}),
            },
          },
        }),
      );
      items.push(...(answer.Responses?.[tableName] ?? []));
      pending = (answer.UnprocessedKeys?.[tableName]?.Keys ?? []) as ItemKey[];
    }
  }
  return items;
}
