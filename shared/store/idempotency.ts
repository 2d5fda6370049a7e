/**
 * Idempotency-Key records (Stripe, Adyen and Powertools semantics; docs/security.md
 * "Idempotency-Keys"), in DynamoDB.
 *
 * - The first request with a key claims it with a conditional PutItem (IN_PROGRESS, locked until
 *   the Lambda's remaining time runs out), so of concurrent duplicates exactly one proceeds.
 * - Its response is stored with the record; a replay gets it back byte for byte.
 * - The same key with another request (method, path or body) is refused (422).
 * - While the first is running, a duplicate gets 409 with Retry-After.
 * - Records expire after the configured TTL (DynamoDB TTL, and checked on read since TTL deletion
 *   lags); an IN_PROGRESS record whose lock has run out (a Lambda that died) may be claimed again.
 * - A record is keyed by an HMAC of the Idempotency-Key ({@link idempotencyRecordKey}), never the
 *   key as sent: a key may be anything printable, a card number included, and none is ever stored.
 *
 * @example
 * ```ts
 * const recordKey = idempotencyRecordKey(await secrets.idempotencySecret(), header);
 * const claim = await store.claim(recordKey, { fingerprint, lockMs, now: new Date() });
 * ```
 */
import { createHmac } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';

export interface StoredResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export type ClaimResult =
  | { readonly outcome: 'claimed' }
  | { readonly outcome: 'replay'; readonly response: StoredResponse }
  | { readonly outcome: 'in_progress'; readonly retryAfterSeconds: number }
  | { readonly outcome: 'mismatch' };

declare const recordKeyBrand: unique symbol;

/** What a record is keyed by: an HMAC of an Idempotency-Key, never the key itself. */
export type IdempotencyRecordKey = string & { readonly [recordKeyBrand]: true };

/**
 * HMAC-SHA256 of the Idempotency-Key with the merchant secret's `idempotencySecret`, in hex: the
 * only form of a key that reaches DynamoDB. Keyed, so a stored key cannot be brute-forced back to a
 * key that happened to be a card number; the same secret always gives the same record.
 */
export function idempotencyRecordKey(
  idempotencySecret: string,
  idempotencyKey: string,
): IdempotencyRecordKey {
  return createHmac('sha256', idempotencySecret)
    .update(idempotencyKey, 'utf8')
    .digest('hex') as IdempotencyRecordKey;
}

const key = (recordKey: IdempotencyRecordKey) => ({ pk: `IDEM#${recordKey}`, sk: 'IDEM' });

export class IdempotencyStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly ttlSeconds: number,
  ) {}

  /**
   * Claims the record of a key for a request whose fingerprint is `fingerprint`, for `lockMs`.
   * One conditional write; on refusal the existing record comes back with it (no second read).
   */
  async claim(
    recordKey: IdempotencyRecordKey,
    {
      fingerprint,
      lockMs,
      now,
    }: { readonly fingerprint: string; readonly lockMs: number; readonly now: Date },
  ): Promise<ClaimResult> {
    const nowMs = now.getTime();
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...key(recordKey),
            type: 'idempotency',
            status: 'IN_PROGRESS',
            fingerprint,
            lockUntil: nowMs + lockMs,
            createdAt: now.toISOString(),
            ttl: Math.floor(nowMs / 1_000) + this.ttlSeconds,
          },
          ConditionExpression:
            'attribute_not_exists(pk) OR #ttl < :nowSeconds OR (#status = :inProgress AND lockUntil < :nowMs)',
          ExpressionAttributeNames: { '#ttl': 'ttl', '#status': 'status' },
          ExpressionAttributeValues: {
            ':nowSeconds': Math.floor(nowMs / 1_000),
            ':nowMs': nowMs,
            ':inProgress': 'IN_PROGRESS',
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { outcome: 'claimed' };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const old = (error.Item ?? {}) as Record<string, { S?: string; N?: string }>;
      if (old.fingerprint?.S !== fingerprint) return { outcome: 'mismatch' };
      if (old.status?.S === 'COMPLETED' && old.response?.S !== undefined) {
        return { outcome: 'replay', response: JSON.parse(old.response.S) as StoredResponse };
      }
      const lockUntil = Number(old.lockUntil?.N ?? nowMs);
      return {
        outcome: 'in_progress',
        retryAfterSeconds: Math.max(1, Math.ceil((lockUntil - nowMs) / 1_000)),
      };
    }
  }

  /** Stores the response of the request that holds the key. */
  async complete(
    recordKey: IdempotencyRecordKey,
    fingerprint: string,
    response: StoredResponse,
  ): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key(recordKey),
        UpdateExpression: 'SET #status = :completed, #response = :response REMOVE lockUntil',
        ConditionExpression: 'fingerprint = :fingerprint AND #status = :inProgress',
        ExpressionAttributeNames: { '#status': 'status', '#response': 'response' },
        ExpressionAttributeValues: {
          ':completed': 'COMPLETED',
          ':response': JSON.stringify(response),
          ':fingerprint': fingerprint,
          ':inProgress': 'IN_PROGRESS',
        },
      }),
    );
  }

  /** Frees the key when nothing was done (invalid input, a conflict): the caller may retry. */
  async release(recordKey: IdempotencyRecordKey, fingerprint: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: key(recordKey),
          ConditionExpression: 'fingerprint = :fingerprint AND #status = :inProgress',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':fingerprint': fingerprint, ':inProgress': 'IN_PROGRESS' },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
