/**
 * The system the model test drives: one `startApi()` (the real handlers, DynamoDB Local, moto and
 * a PAYON sandbox) per sandbox profile, reused by every run of that profile with fresh payments.
 * One clock for both sides: the product's clock is the sandbox's, so advancing the sandbox clock
 * moves PAYON's expiry and the product's schedule together.
 */
import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { mulberry32 } from '#local/payon-sandbox/prng.ts';
import { PROFILE_NAMES, type ProfileName } from '#local/payon-sandbox/profiles.ts';
import type { MerchantEvent } from '#shared/events/envelope.ts';
import type { EventPublisher } from '#shared/events/publisher.ts';
import { pagedEntries, pagesOf } from '#shared/store/payments.ts';
import { type ApiEnvironment, startApi } from '#test/support/api.ts';

/** The sandbox's answer profiles (docs/sandbox.md#profiles). */
export type Profile = ProfileName;
export const ALL_PROFILES: readonly Profile[] = PROFILE_NAMES;

/**
 * The product's PAYON timeout in the model test: 1.5 s (as the integration tests), or 600 ms in the
 * soak (MODEL_FULL_RATES), where the ambiguous profile answers one request in five late and the
 * wait, not the work, would set the pace. A late answer or a fault's timeout is 200 ms past it.
 */
export const PAYON_TIMEOUT_MS = process.env.MODEL_FULL_RATES === '1' ? 600 : 1_500;
export const LATE_MS = PAYON_TIMEOUT_MS + 200;

/** Profiles where the docs leave room: the end state may be "cannot tell" (escalated). */
export const LENIENT: ReadonlySet<Profile> = new Set(['ambiguous', 'hostile']);

/** Log lines the handlers wrote (Powertools writes JSON lines to stdout), captured, not printed. */
export class LogCapture {
  private lines: string[] = [];
  private readonly originals = new Map<NodeJS.WriteStream, NodeJS.WriteStream['write']>();
  total = 0;

  /** Captures JSON log lines on stdout and stderr (WARN and ERROR go to stderr). */
  start(): void {
    for (const stream of [process.stdout, process.stderr]) {
      if (this.originals.has(stream)) continue;
      const original = stream.write.bind(stream) as NodeJS.WriteStream['write'];
      this.originals.set(stream, original);
      const capture = (chunk: unknown, ...rest: unknown[]): boolean => {
        const text =
          typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString();
        if (text.startsWith('{') && text.includes('"level"')) {
          for (const line of text.split('\n')) if (line.trim() !== '') this.lines.push(line);
          return true;
        }
        return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
      };
      stream.write = capture as NodeJS.WriteStream['write'];
    }
  }

  /** The lines written since the last call. */
  take(): string[] {
    const taken = this.lines;
    this.lines = [];
    this.total += taken.length;
    return taken;
  }

  stop(): void {
    for (const [stream, original] of this.originals) stream.write = original;
    this.originals.clear();
  }
}

export interface Harness {
  readonly profile: Profile;
  readonly api: ApiEnvironment;
  readonly logs: LogCapture;
  /** Events the bus accepted (the outbox is what the checker reads; this is delivery). */
  readonly published: MerchantEvent[];
  now(): number;
  advance(ms: number): void;
  /** Waits for the sandbox's pushes and their confirmations. */
  settlePushes(): Promise<void>;
  /** Raw items by key (strongly consistent), unmarshalled; missing keys are left out. */
  getItems(keys: readonly { pk: string; sk: string }[]): Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}

export async function startHarness(
  profile: Profile,
  seed: number,
  fullRates = false,
): Promise<Harness> {
  const logs = new LogCapture();
  logs.start();
  // The checker reads log lines for card data: the handlers log at INFO here (the integration
  // project's SILENT would make that check vacuous). The logger is made per startApi.
  const previousLevel = process.env.POWERTOOLS_LOG_LEVEL;
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  const published: MerchantEvent[] = [];
  // The bus refuses a seeded tenth of the batches, so the outbox has to redeliver.
  const busRng = mulberry32(seed ^ 0x5bd1e995);
  const bus: EventPublisher = {
    async publish(events) {
      if (busRng.next() < 0.1) {
        return { delivered: [], failed: new Map(events.map((e) => [e.id, 'Throttled (model)'])) };
      }
      published.push(...events);
      return { delivered: events.map((e) => e.id), failed: new Map() };
    },
  };
  let api: ApiEnvironment | undefined;
  api = await startApi({
    // Late answers just past the product's 1.5 s timeout, late pushes soon: the same cases, a
    // shorter wait; and (the CI budget) fewer late answers unless the soak asks for the default.
    sandbox: {
      seed,
      profile,
      ambiguity: { lateAnswerMs: LATE_MS - 100, ...(fullRates ? {} : { lateAnswers: 0.04 }) },
      hostility: { latePushMs: 300 },
    },
    webhook: true,
    eventTap: false,
    env: { PAYON_TIMEOUT_MS: String(PAYON_TIMEOUT_MS) },
    clock: () => new Date(api ? api.sandbox.now() : Date.now()),
    publisher: () => bus,
  });
  if (previousLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
  else process.env.POWERTOOLS_LOG_LEVEL = previousLevel;
  const env = api;
  return {
    profile,
    api: env,
    logs,
    published,
    now: () => env.sandbox.now(),
    advance: (ms) => env.sandbox.advanceClock(ms),
    async settlePushes() {
      for (let round = 0; round < 3; round += 1) {
        await env.sandbox.pushesSettled();
        await env.settle();
      }
    },
    async getItems(keys) {
      const found = await batchRead(keys);
      // A payment past INLINE_HISTORY transitions keeps its older history in pages: the checker
      // reads the whole history, as every reader of a payment does.
      return withHistoryPages(found, await batchRead(found.flatMap(pagesOf)));
    },
    async stop() {
      await env.stop();
      logs.stop();
    },
  };

  async function batchRead(keys: readonly { pk: string; sk: string }[]) {
    const found: Record<string, unknown>[] = [];
    for (let start = 0; start < keys.length; start += 100) {
      let pending: Record<string, AttributeValue>[] | undefined = keys
        .slice(start, start + 100)
        .map((k) => ({ pk: { S: k.pk }, sk: { S: k.sk } }));
      while (pending && pending.length > 0) {
        const answer: BatchGetItemCommandOutput = await env.dynamo.send(
          new BatchGetItemCommand({
            RequestItems: { [env.tableName]: { Keys: pending, ConsistentRead: true } },
          }),
        );
        for (const item of answer.Responses?.[env.tableName] ?? []) found.push(unmarshall(item));
        pending = answer.UnprocessedKeys?.[env.tableName]?.Keys;
      }
    }
    return found;
  }
}

/**
 * Payment items with their whole history: the entries of their history pages (among `pages`, any
 * other items ignored) put before the ones the item holds, as the payment store reads them.
 */
export function withHistoryPages(
  items: readonly Record<string, unknown>[],
  pages: readonly Record<string, unknown>[],
): Record<string, unknown>[] {
  return items.map((item) =>
    item.historyPaged === undefined
      ? item
      : {
          ...item,
          history: [
            ...pagedEntries(
              pages.filter((p) => p.pk === item.pk && p.type === 'historyPage'),
            ).slice(0, Number(item.historyPaged)),
            ...((item.history ?? []) as unknown[]),
          ],
        },
  );
}
