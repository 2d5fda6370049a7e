/**
 * One Cambodian business day's reconciliation in DynamoDB, written as it runs so that nothing of
 * the day is held in memory: the report of the latest run (`RECON#<day>` / `REPORT`), one item per
 * exception (`EXC#<runId>#<txId>`, so a rerun never mixes with an older run's) and one marker per
 * txId PAYON's history showed (`SEEN#<txId>`, so local payments PAYON did not show are found by
 * streaming the local day afterwards). Kept 400 days (markers 35).
 *
 * One run per day at a time: a run starts with a conditional write that fails while another run's
 * report says `running` and is younger than the function's timeout (a crashed run does not block
 * the day for longer than that). The finished report and its merchant event are one transaction.
 */

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '#shared/errors.ts';
import type { ReconciliationEvent } from '#shared/events/envelope.ts';
import type { WalkEnd } from '#shared/payon/orders-walk.ts';
import type { DifferenceKind } from '#shared/reconciliation/compare.ts';
import { batchGet } from '#shared/store/batch-get.ts';
import { outboxItem } from '#shared/store/outbox.ts';

export const REPORT_RETENTION_SECONDS = 400 * 24 * 3_600;
export const SEEN_RETENTION_SECONDS = 35 * 24 * 3_600;

export interface ExceptionRecord {
  readonly txId: string;
  readonly difference: DifferenceKind;
  readonly detail: string;
  readonly payonCode?: string;
  readonly localState?: string;
  readonly amountMinor?: number;
  readonly currency?: string;
}

export interface ReconciliationCounts {
  payonTransactions: number;
  localPayments: number;
  submitted: number;
  matched: number;
  healed: number;
  pending: number;
  exceptions: number;
  /** Transactions PAYON's reconciliation or status did not answer for (refused, unreachable). */
  unanswered: number;
  byDifference: Partial<Record<DifferenceKind, number>>;
  /** Sum of the day's approved PAYON amounts, in minor units per currency. */
  payonApprovedMinor: Record<string, number>;
  /** Sum of the amounts the exceptions concern, in minor units per currency. */
  exceptionMinor: Record<string, number>;
}

export interface ReconciliationReport {
  readonly day: string;
  readonly runId: string;
  readonly status: 'running' | 'completed' | 'failed';
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly counts: ReconciliationCounts;
  /**
   * How far PAYON's order history was read: pages, and why the walk stopped. Anything but `end`
   * or `empty_page` is also a `history_incomplete` exception of the run.
   */
  readonly walk?: { readonly pagesRead: number; readonly stoppedBy: WalkEnd | 'unreadable' };
}

/** One run of one day's reconciliation: what its exceptions and seen-set are kept under. */
export interface RunKey {
  readonly day: string;
  readonly runId: string;
}

const pk = (day: string) => `RECON#${day}`;
const exceptionPrefix = (runId: string) => `EXC#${runId}#`;

export class ReconciliationStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Starts a run: writes its `running` report unless another run of the day is running and
   * started less than `leaseMs` ago (then `ConflictError` 'reconciliation_running').
   */
  async begin(report: ReconciliationReport, now: Date, leaseMs: number): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.#reportItem(report, now),
          ConditionExpression: 'attribute_not_exists(pk) OR #s <> :running OR startedAt < :stale',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':running': 'running',
            ':stale': new Date(now.getTime() - leaseMs).toISOString(),
          },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      throw new ConflictError(
        'reconciliation_running',
        `a reconciliation of ${report.day} is already running; its report shows when it is done`,
        60,
      );
    }
  }

  /** Saves a run's report (a failed run; tests). Only the run that began the report writes it. */
  async saveReport(report: ReconciliationReport, now: Date): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: this.#reportItem(report, now),
        ConditionExpression: 'attribute_not_exists(pk) OR runId = :run',
        ExpressionAttributeValues: { ':run': report.runId },
      }),
    );
  }

  /** Saves the finished report and its merchant event's outbox item in one transaction. */
  async complete(
    report: ReconciliationReport,
    event: ReconciliationEvent,
    now: Date,
  ): Promise<void> {
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: this.#reportItem(report, now),
              ConditionExpression: 'runId = :run',
              ExpressionAttributeValues: { ':run': report.runId },
            },
          },
          {
            Put: {
              TableName: this.tableName,
              Item: outboxItem(event, now),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
  }

  #reportItem(report: ReconciliationReport, now: Date): Record<string, unknown> {
    return {
      pk: pk(report.day),
      sk: 'REPORT',
      type: 'reconciliation',
      ...report,
      ttl: Math.floor(now.getTime() / 1_000) + REPORT_RETENTION_SECONDS,
    };
  }

  async report(day: string): Promise<ReconciliationReport | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: pk(day), sk: 'REPORT' },
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, type: _type, ttl: _ttl, ...report } = Item;
    return report as ReconciliationReport;
  }

  async addExceptions({
    day,
    runId,
    exceptions,
    now,
  }: RunKey & { readonly exceptions: readonly ExceptionRecord[]; readonly now: Date }) {
    await this.#write(
      exceptions.map((e) => ({
        pk: pk(day),
        sk: `${exceptionPrefix(runId)}${e.txId}`,
        type: 'reconciliation-exception',
        runId,
        ...e,
        ttl: Math.floor(now.getTime() / 1_000) + REPORT_RETENTION_SECONDS,
      })),
    );
  }

  /** One page of a run's exceptions, in txId order; `cursor` continues where the last page ended. */
  async exceptions({
    day,
    runId,
    limit,
    cursor,
  }: RunKey & { readonly limit: number; readonly cursor?: string | undefined }): Promise<{
    items: ExceptionRecord[];
    cursor: string | undefined;
  }> {
    const { Items = [], LastEvaluatedKey } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :exc)',
        ExpressionAttributeValues: { ':pk': pk(day), ':exc': exceptionPrefix(runId) },
        Limit: limit,
        ConsistentRead: true,
        ...(cursor
          ? { ExclusiveStartKey: { pk: pk(day), sk: `${exceptionPrefix(runId)}${cursor}` } }
          : {}),
      }),
    );
    return {
      items: Items.map(
        ({ pk: _pk, sk: _sk, type: _t, ttl: _ttl, runId: _r, ...e }) => e as ExceptionRecord,
      ),
      cursor: LastEvaluatedKey
        ? String(LastEvaluatedKey.sk).slice(exceptionPrefix(runId).length)
        : undefined,
    };
  }

  async markSeen({
    day,
    runId,
    txIds,
    now,
  }: RunKey & { readonly txIds: readonly string[]; readonly now: Date }): Promise<void> {
    const ttl = Math.floor(now.getTime() / 1_000) + SEEN_RETENTION_SECONDS;
    await this.#write(txIds.map((txId) => ({ pk: pk(day), sk: `SEEN#${txId}`, runId, ttl })));
  }

  /**
   * Which of `txIds` PAYON's history showed in this run (shared/store/batch-get.ts: bounded
   * retries with backoff; a read that cannot finish throws, never answers "not seen").
   */
  async seen(day: string, runId: string, txIds: readonly string[]): Promise<Set<string>> {
    const items = await batchGet(
      this.db,
      this.tableName,
      txIds.map((txId) => ({ pk: pk(day), sk: `SEEN#${txId}` })),
    );
    return new Set(items.filter((i) => i.runId === runId).map((i) => String(i.sk).slice(5)));
  }

  async #write(items: readonly Record<string, unknown>[]): Promise<void> {
    for (let start = 0; start < items.length; start += 25) {
      let requests: unknown[] | undefined = items
        .slice(start, start + 25)
        .map((Item) => ({ PutRequest: { Item } }));
      while (requests && requests.length > 0) {
        const answer: { UnprocessedItems?: Record<string, unknown[]> | undefined } =
          await this.db.send(
            new BatchWriteCommand({
              RequestItems: { [this.tableName]: requests as never },
            }),
          );
        requests = answer.UnprocessedItems?.[this.tableName];
      }
    }
  }
}
