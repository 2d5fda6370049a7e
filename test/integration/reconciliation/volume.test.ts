import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cambodiaDay } from '#shared/domain/business-day.ts';
import { luhnValid } from '#shared/domain/card.ts';
import { money } from '#shared/domain/money.ts';
import { newPayment, transition } from '#shared/domain/payment.ts';
import { toItem } from '#shared/store/payments.ts';
import type { ReconciliationReport } from '#shared/store/reconciliations.ts';
import { type ApiEnvironment, RETURN_ORIGIN, startApi } from '#test/support/api.ts';

/** The child's heap cap: far below what a 100,000-transaction day takes to hold (see the printout). */
const HEAP_CAP_MB = 80;

interface ChildResult {
  readonly report: ReconciliationReport;
  readonly peakHeapMB: number;
  /** Peak of the old generation, the part of the heap the cap applies to. */
  readonly peakOldMB: number;
  readonly maxRssMB: number;
}

// Flat memory as a pass/fail: a day reconciled in a process whose heap cannot hold the day.
describe('reconciliation volume', () => {
  let api: ApiEnvironment;
  const day = cambodiaDay(new Date());
  let next = 0;
  /** The planted day's payments as DynamoDB holds them, in bytes of JSON. */
  let dayJsonBytes = 0;
  /** Peak old generation of the 10,000 run: what the process needs besides the day (modules, one page). */
  let baselineMB = 0;

  beforeAll(async () => {
    api = await startApi({ sandbox: { seed: 5 } });
  });
  afterAll(() => api.stop());

  /** `count` purchases approved at PAYON and SUCCEEDED here, written in bulk. */
  async function plant(count: number, prefix: string): Promise<void> {
    const txIds: string[] = [];
    while (txIds.length < count) {
      const id = `${prefix}${String(next++).padStart(15, '0')}`;
      if (!luhnValid(id)) txIds.push(id);
    }
    api.sandbox.seedApproved({ merchantId: 'C0000143', txIds, amountCents: 1_000 });
    const db = DynamoDBDocumentClient.from(api.dynamo, {
      marshallOptions: { removeUndefinedValues: true },
    });
    const now = new Date();
    const items = txIds.map((txId) => {
      const created = newPayment(
        {
          txId,
          kind: 'purchase',
          paymentMethod: 'CREDIT_DEBIT',
          amount: money(1_000, 'USD'),
          returnUrl: `${RETURN_ORIGIN}/r`,
        },
        now,
      );
      const paid = transition(
        transition(created, { to: 'PENDING', source: 'payon', reason: 'seeded', now }),
        { to: 'SUCCEEDED', source: 'status_pull', reason: 'seeded', now },
      );
      const item = toItem(paid);
      dayJsonBytes += Buffer.byteLength(JSON.stringify(item));
      return item;
    });
    const batches: (typeof items)[] = [];
    for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
    const worker = async () => {
      for (let batch = batches.shift(); batch; batch = batches.shift()) {
        let pending: unknown[] | undefined = batch.map((Item) => ({ PutRequest: { Item } }));
        while (pending && pending.length > 0) {
          const answer: { UnprocessedItems?: Record<string, unknown[]> | undefined } =
            await db.send(
              new BatchWriteCommand({ RequestItems: { [api.tableName]: pending as never } }),
            );
          pending = answer.UnprocessedItems?.[api.tableName];
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  }

  function reconcileInChild(): Promise<ChildResult> {
    const { config } = api.deps;
    return new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          `--max-old-space-size=${HEAP_CAP_MB}`,
          'node_modules/tsx/dist/cli.mjs',
          'test/support/reconcile-child.ts',
        ],
        {
          env: {
            ...process.env,
            STAGE: 'test',
            PAYON_ENVIRONMENT: 'TEST',
            PAYON_BASE_URL: config.payon.baseUrl,
            PAYON_SECRET_ID: config.secrets.merchantSecretId,
            PAYON_TIMEOUT_MS: '30000',
            TABLE_NAME: api.tableName,
            EVENT_BUS_NAME: config.events.busName,
            RECONCILE_DAY: day,
            RECONCILE_DYNAMO_ENDPOINT: inject('dynamoEndpoint'),
            RECONCILE_AWS_ENDPOINT: inject('motoEndpoint'),
            POWERTOOLS_METRICS_DISABLED: 'true',
            POWERTOOLS_LOG_LEVEL: 'SILENT',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
      });
      child.stderr.on('data', (c: Buffer) => {
        err += c.toString();
      });
      child.on('close', (code) => {
        const line = out.trim().split('\n').at(-1) ?? '';
        if (code !== 0) reject(new Error(`child exited ${code}: ${err.slice(-2_000)}`));
        else resolve(JSON.parse(line) as ChildResult);
      });
    });
  }

  it.each([
    [10_000, 10_000],
    [100_000, 90_000],
  ])(
    'reconciles a %i-transaction day (planting %i more) under the heap cap',
    async (total, add) => {
      await plant(add, '7');
      const started = Date.now();
      const { report, peakHeapMB, peakOldMB, maxRssMB } = await reconcileInChild();
      console.log(
        `reconciliation of ${total} transactions (the day's payments alone: ${(dayJsonBytes / 2 ** 20).toFixed(1)} MB of JSON): peak old generation ${peakOldMB} MB (the capped part: cap ${HEAP_CAP_MB} MB), peak heap incl. young generation ${peakHeapMB} MB, max RSS ${maxRssMB} MB, ${((Date.now() - started) / 1_000).toFixed(1)} s`,
      );

      // For `npm run bench`: the same numbers as JSON.
      const benchFile = new URL('../../../.tmp/bench/reconciliation.json', import.meta.url);
      mkdirSync(new URL('.', benchFile), { recursive: true });
      const previous = existsSync(benchFile)
        ? (JSON.parse(readFileSync(benchFile, 'utf8')) as Record<string, unknown>)
        : {};
      writeFileSync(
        benchFile,
        JSON.stringify({
          ...previous,
          [total]: {
            seconds: (Date.now() - started) / 1_000,
            peakOldMB,
            peakHeapMB,
            maxRssMB,
            heapCapMB: HEAP_CAP_MB,
            dayJsonMB: dayJsonBytes / 2 ** 20,
          },
        }),
      );
      expect(report.status).toBe('completed');
      expect(report.counts).toMatchObject({
        payonTransactions: total,
        localPayments: total,
        submitted: total,
        matched: total,
        exceptions: 0,
      });
      // The pass/fail is the child finishing at all: past the cap V8 stops it with "heap out of
      // memory" (the old generation, printed, is what the cap bounds).
      if (total === 10_000) baselineMB = peakOldMB;
      // At 100,000 the day does not fit beside what the process needs anyway, even as compact JSON
      // text (as objects it takes more): holding it would fail under this cap.
      if (total === 100_000) {
        expect(baselineMB).toBeGreaterThan(0);
        expect(baselineMB + dayJsonBytes / 2 ** 20).toBeGreaterThan(HEAP_CAP_MB);
      }
    },
    900_000,
  );
});
