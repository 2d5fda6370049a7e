/**
 * What AWS runs around the functions, done on one machine: the SQS hand-off from the webhook to
 * the confirmation function (in process, with the same SQS event shape), the EventBridge schedule
 * of the sweep (a timer), the asynchronous invoke of reconcile-day (in process, not awaited by the
 * API), and a place merchant events land (an EventBridge bus on moto with a rule
 * into an SQS queue, read back and printed).
 */

import { randomUUID } from 'node:crypto';
import {
  CreateEventBusCommand,
  type EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, ScheduledEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lambdaContext } from '#local/runtime/apigw.ts';
import { EVENT_SOURCE, type MerchantEvent } from '#shared/events/envelope.ts';
import { type ConfirmQueue, sqsEvent } from '#shared/notifications/queue.ts';
import type { SweepReport } from '#shared/payments/sweep.ts';
import type { ReconcileRequest, ReconciliationStarter } from '#shared/reconciliation/starter.ts';
import type { NotificationRef } from '#shared/store/notifications.ts';

type ConfirmHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** The webhook's hand-off, delivered to the confirmation handler right after the webhook answers. */
export class InProcessConfirmQueue implements ConfirmQueue {
  #handler: ConfirmHandler | undefined;
  readonly #pending = new Set<Promise<void>>();
  /** Messages the handler reported failed (SQS would redeliver them; the sweep takes them here). */
  failures = 0;
  /** Set to make every hand-off fail (fault tests: the queue is down). */
  down = false;

  attach(handler: ConfirmHandler): void {
    this.#handler = handler;
  }

  async enqueue(ref: NotificationRef): Promise<void> {
    if (this.down) throw new Error('the confirmation queue is unavailable');
    const handler = this.#handler;
    if (handler === undefined) throw new Error('no confirmation handler attached');
    const run = (async () => {
      await new Promise((resolve) => setImmediate(resolve));
      const result = await handler(sqsEvent([ref]), lambdaContext('confirm-notification'));
      this.failures += result.batchItemFailures.length;
    })()
      .catch(() => {
        this.failures += 1;
      })
      .finally(() => this.#pending.delete(run));
    this.#pending.add(run);
  }

  /** Resolves when every hand-off so far has been handled. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }
}

type ReconcileHandler = (event: ReconcileRequest, context: Context) => Promise<unknown>;

/** `POST /reconciliations`' asynchronous invoke: the run starts after the API answered. */
export class InProcessReconciliationStarter implements ReconciliationStarter {
  #handler: ReconcileHandler | undefined;
  readonly #pending = new Set<Promise<void>>();
  /** Runs that ended in an error (Lambda would retry them twice). */
  failures = 0;

  constructor(private readonly onError: (error: unknown) => void = () => undefined) {}

  attach(handler: ReconcileHandler): void {
    this.#handler = handler;
  }

  async start(day: string): Promise<void> {
    const handler = this.#handler;
    if (handler === undefined) throw new Error('no reconcile-day handler attached');
    const run = (async () => {
      await new Promise((resolve) => setImmediate(resolve));
      await handler({ day }, lambdaContext('reconcile-day', 900_000));
    })()
      .catch((error: unknown) => {
        this.failures += 1;
        this.onError(error);
      })
      .finally(() => this.#pending.delete(run));
    this.#pending.add(run);
  }

  /** Resolves when every run started so far has ended. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }
}

/** Runs `tick` every `intervalMs`, one run at a time, until stopped. */
export function startTimer(
  intervalMs: number,
  tick: () => Promise<void>,
): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const timer = setInterval(() => {
    running = running.then(() => (stopped ? undefined : tick().catch(() => undefined)));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

/** The counts of a sweep run's report that the summary reads. */
export interface SweepCounts {
  readonly events: Pick<SweepReport['events'], 'delivered' | 'failed' | 'errors'>;
  readonly notifications: Pick<SweepReport['notifications'], 'confirmed' | 'failed'>;
  readonly payments: Pick<
    SweepReport['payments'],
    'changed' | 'expired' | 'escalated' | 'unreachable' | 'refused' | 'failed' | 'conflicts'
  >;
}

/** What a sweep run did that is worth a line, with the words that say it. */
const NOTEWORTHY: readonly [string, (report: SweepCounts) => number][] = [
  ['payments changed', (r) => r.payments.changed],
  ['expired', (r) => r.payments.expired],
  ['escalated', (r) => r.payments.escalated],
  ['PAYON unreachable', (r) => r.payments.unreachable],
  ['refused', (r) => r.payments.refused],
  ['probes failed', (r) => r.payments.failed],
  ['conflicts', (r) => r.payments.conflicts],
  ['events delivered', (r) => r.events.delivered],
  ['events failed', (r) => r.events.failed + r.events.errors],
  ['pushes confirmed', (r) => r.notifications.confirmed],
  ['pushes failed', (r) => r.notifications.failed],
];

/**
 * The sweep's console output. In AWS it runs once a minute; locally it may run every second, so
 * its runs are added up and one line is printed when something happened, then none until a
 * minute's worth of runs has passed. Counted in runs rather than read off a clock, so a test can
 * count lines for a number of runs.
 */
export class SweepSummary {
  readonly #runsPerLine: number;
  readonly #print: (line: string) => void;
  readonly #counts = new Map<string, number>();
  /** Runs since the last line (or the start). */
  #runs = 0;
  #printed = false;

  constructor(intervalMs: number, print: (line: string) => void) {
    this.#runsPerLine = Math.max(1, Math.ceil(60_000 / intervalMs));
    this.#print = print;
  }

  /** One run's report, or `undefined` for a run that threw. */
  add(report: SweepCounts | undefined): void {
    this.#runs += 1;
    const found: [string, number][] = report
      ? NOTEWORTHY.map(([words, count]) => [words, count(report)])
      : [['runs failed', 1]];
    for (const [words, count] of found) {
      if (count > 0) this.#counts.set(words, (this.#counts.get(words) ?? 0) + count);
    }
    // The first line comes at once; each later one a minute's worth of runs after the last.
    if (this.#counts.size === 0 || (this.#printed && this.#runs < this.#runsPerLine)) return;
    const parts = [...this.#counts].map(([words, count]) => `${words} ${count}`);
    const runs = `${this.#runs} run${this.#runs === 1 ? '' : 's'}`;
    this.#print(`  [sweep] ${parts.join(', ')} (${runs})`);
    this.#counts.clear();
    this.#runs = 0;
    this.#printed = true;
  }
}

/** Runs `tick` every day at `hourUtc`:00 UTC, until stopped. */
export function startDailyAt(
  hourUtc: number,
  tick: () => Promise<void>,
): { stop(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = () => {
    const now = new Date();
    const next = new Date(now);
    next.setUTCHours(hourUtc, 0, 0, 0);
    if (next <= now) next.setUTCDate(next.getUTCDate() + 1);
    timer = setTimeout(() => {
      if (stopped) return;
      void tick()
        .catch(() => undefined)
        .finally(schedule);
    }, next.getTime() - now.getTime());
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/**
 * An EventBridge bus with one rule sending every merchant event to an SQS queue, so what was
 * published can be read back (moto routes PutEvents to rule targets as AWS does).
 */
export async function createEventTap(
  eventBridge: EventBridgeClient,
  sqs: SQSClient,
  name: string,
): Promise<{ busName: string; queueUrl: string }> {
  await eventBridge.send(new CreateEventBusCommand({ Name: name }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-tap` }));
  if (!QueueUrl) throw new Error('SQS returned no queue URL');
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  await eventBridge.send(
    new PutRuleCommand({
      Name: `${name}-all`,
      EventBusName: name,
      EventPattern: JSON.stringify({ source: [EVENT_SOURCE] }),
    }),
  );
  await eventBridge.send(
    new PutTargetsCommand({
      Rule: `${name}-all`,
      EventBusName: name,
      Targets: [{ Id: 'tap', Arn: Attributes?.QueueArn }],
    }),
  );
  return { busName: name, queueUrl: QueueUrl };
}

/** Reads (and deletes) what the tap queue holds: the envelopes EventBridge delivered. */
export async function readTap(sqs: SQSClient, queueUrl: string): Promise<MerchantEvent[]> {
  const events: MerchantEvent[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
      }),
    );
    if (Messages.length === 0) return events;
    for (const message of Messages) {
      const envelope = JSON.parse(message.Body ?? '{}') as { detail?: MerchantEvent };
      if (envelope.detail) events.push(envelope.detail);
    }
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
}

/** The event an EventBridge schedule hands the sweep. */
export function scheduledEvent(at: Date = new Date()): ScheduledEvent {
  return {
    id: randomUUID(),
    version: '0',
    account: '000000000000',
    time: at.toISOString(),
    region: 'ap-southeast-1',
    resources: [],
    source: 'aws.events',
    'detail-type': 'Scheduled Event',
    detail: {},
  };
}
