import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '#shared/errors.ts';
import { BATCH_GET_ROUNDS, batchGet } from '#shared/store/batch-get.ts';

// DynamoDB Local never throttles, so the unprocessed-keys path is driven by a scripted client:
// each BatchGetItem answers the first `serve` keys it is asked for and leaves the rest unprocessed.

type Key = { pk: string; sk: string };

function scriptedDb(serve: (round: number, asked: number) => number) {
  const asked: Key[][] = [];
  const db = {
    send: async (command: { input: { RequestItems: Record<string, { Keys: Key[] }> } }) => {
      const keys = command.input.RequestItems.t?.Keys ?? [];
      asked.push(keys);
      const n = serve(asked.length - 1, keys.length);
      return {
        Responses: { t: keys.slice(0, n).map((k) => ({ ...k, value: k.pk })) },
        ...(n < keys.length ? { UnprocessedKeys: { t: { Keys: keys.slice(n) } } } : {}),
      };
    },
  } as unknown as DynamoDBDocumentClient;
  return { db, asked };
}

const keys = (n: number): Key[] => Array.from({ length: n }, (_, i) => ({ pk: `K#${i}`, sk: 'X' }));
const noWait = async () => {};

describe('batchGet', () => {
  it('asks 100 keys a request and asks again for what DynamoDB left unprocessed', async () => {
    // Prepare: each request serves at most 40 keys
    const { db, asked } = scriptedDb((_, n) => Math.min(n, 40));

    // Act
    const items = await batchGet(db, 't', keys(150), { sleep: noWait });

    // Assess: every key read exactly once, no request over 100 keys
    expect(items.map((i) => i.pk).sort()).toEqual(
      keys(150)
        .map((k) => k.pk)
        .sort(),
    );
    expect(asked.map((a) => a.length)).toEqual([100, 60, 20, 50, 10]);
  });

  it('gives up with a 503 storage_busy, never a shorter answer, when throttling does not end', async () => {
    const { db, asked } = scriptedDb((round, n) => (round === 0 ? n - 1 : 0));

    const read = batchGet(db, 't', keys(3), { sleep: noWait });

    await expect(read).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(read).rejects.toMatchObject({ statusCode: 503, code: 'storage_busy' });
    expect(asked).toHaveLength(BATCH_GET_ROUNDS);
  });

  it('sends nothing for no keys', async () => {
    const { db, asked } = scriptedDb((_, n) => n);

    expect(await batchGet(db, 't', [], { sleep: noWait })).toEqual([]);
    expect(asked).toHaveLength(0);
  });
});
