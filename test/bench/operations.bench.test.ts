/**
 * `npm run bench`, the parts that need the real local services (DynamoDB Local, moto, the sandbox):
 * per-request overhead, I/O per operation and notification ingestion. Writes
 * .tmp/bench/operations.json for scripts/bench/main.ts. Reports times; asserts nothing about them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiEnvironment, startApi } from '#test/support/api.ts';
import {
  COUNTED_ONLY,
  measureOperations,
  OPERATIONS,
  totals,
} from '#test/support/io-operations.ts';

const OUT = new URL('../../.tmp/bench/', import.meta.url);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
/** Rounds per operation for the overhead (each prepares two twins: about 0.1–0.3 s a round here). */
const OVERHEAD_ROUNDS = Number(process.env.BENCH_OVERHEAD_ROUNDS ?? 80);

const stats = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  // Nearest rank: of 80 samples the p99 is the slowest, the median the 40th.
  const at = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return { n: sorted.length, median: at(0.5), p99: at(0.99) };
};
const ms = () => Number(process.hrtime.bigint()) / 1e6;

describe('bench: operations', () => {
  let api: ApiEnvironment;
  const results: Record<string, unknown> = {};

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    api = await startApi({
      sandbox: { seed: 51 },
      env: { BINDING_RATE_LIMIT: '1000' },
      eventTap: false,
    });
  }, 120_000);
  afterAll(async () => {
    writeFileSync(new URL('operations.json', OUT), `${JSON.stringify(results, null, 2)}\n`);
    await api.stop();
  });

  it('counts the I/O of every operation, cold and warm', async () => {
    const measured = await measureOperations(api);
    results.io = Object.fromEntries(
      Object.entries(measured).map(([name, io]) => [
        name,
        { cold: totals(io.cold), warm: totals(io.warm), detail: io.warm },
      ]),
    );
    expect(Object.keys(measured).length).toBeGreaterThan(10);
  }, 120_000);

  it('measures per-request overhead: each operation through the handler against its own PAYON calls and AWS commands replayed directly', async () => {
    api.recorder.wrapPayon(api);
    const overhead: Record<string, unknown> = { rounds: OVERHEAD_ROUNDS };
    // The payment life and the webhook endpoint routes are counted (I/O, cost), not replayed
    // (COUNTED_ONLY says why).
    const replayable = Object.entries(OPERATIONS).filter(([n]) => !COUNTED_ONLY.has(n));
    for (const [name, prepare] of replayable) {
      const handler: number[] = [];
      const direct: number[] = [];
      let calls = 0;
      for (let i = 0; i < OVERHEAD_ROUNDS; i += 1) {
        // Two twins in the same state; the handler works on one, the replay on the other.
        const [one, twin] = await Promise.all([prepare(api), prepare(api)]);
        let t = ms();
        const { result, entries } = await api.recorder.record(() => one.run(api));
        handler.push(ms() - t);
        const ids = new Map<string, string>();
        for (const [key, value] of Object.entries(one.ids)) ids.set(value, twin.ids[key] ?? value);
        for (const [key, value] of Object.entries(result)) {
          if (key === 'txId') ids.set(value, api.deps.nextTxId());
        }
        t = ms();
        await api.recorder.replay(api, entries, ids);
        direct.push(ms() - t);
        calls = entries.length;
      }
      const h = stats(handler);
      const d = stats(direct);
      overhead[name] = {
        calls,
        handler: h,
        direct: d,
        ratio: h.median / d.median,
        difference: stats(handler.map((x, i) => x - (direct[i] ?? 0))),
      };
    }
    results.overhead = overhead;
    expect(Object.keys(overhead)).toHaveLength(replayable.length + 1);
  }, 900_000);

  it('measures notification ingestion with duplicates against raw conditional PutItem', async () => {
    const pushes = ROUNDS * 2;
    const txIds = Array.from({ length: ROUNDS / 2 }, () => api.deps.nextTxId());
    api.confirmQueue.down = true; // ingestion only: the hand-off fails fast, the push stays stored
    let t = ms();
    for (let i = 0; i < pushes; i += 1) {
      // Each txId pushed four times: two distinct bodies, each twice (PAYON retries).
      const txId = txIds[i % txIds.length] ?? '';
      const response = await api.push({
        txId,
        resultCode: i % 2 ? '0000' : '9999',
        resultMsg: 'x',
      });
      if (response.status !== 200) throw new Error(`push answered ${response.status}`);
    }
    const webhookMs = ms() - t;
    api.confirmQueue.down = false;
    t = ms();
    for (let i = 0; i < pushes; i += 1) {
      await api.dynamo
        .send(
          new PutItemCommand({
            TableName: api.tableName,
            Item: { pk: { S: `RAW#${i % (pushes / 4)}` }, sk: { S: `N#${i % 2}` } },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        )
        .catch(() => undefined);
    }
    const rawMs = ms() - t;
    results.ingestion = {
      pushes,
      distinct: (pushes / 4) * 2,
      webhookPerSecond: (pushes / webhookMs) * 1_000,
      rawPutItemPerSecond: (pushes / rawMs) * 1_000,
      ratio: rawMs / webhookMs,
    };
    expect(webhookMs).toBeGreaterThan(0);
  }, 600_000);
});
