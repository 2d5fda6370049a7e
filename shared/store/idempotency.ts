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
import {
  type AttributeValue,
  type CancellationReason,
  ConditionalCheckFailedException,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type TransactWriteCommandInput,
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

/** One item of a TransactWriteItems call. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * A write that rides in another store's transaction (issue 27: a registration's idempotency claim
 * with its CREATED payment, its stored response with the PENDING one): the item, what to do once
 * the transaction committed, and what its refusal means.
 */
export interface AlsoWrite {
  readonly item: TransactItem;
  committed(): void;
  /** The error its refusal is (the transaction fails with it), or undefined: write without it. */
  refused(reason: CancellationReason): Error | undefined;
}

/** A request's first and last writes, carried by the business function's own transactions. */
export interface WritesWith<T> {
  /** The claim, with the request's first effect. */
  first(): AlsoWrite;
  /** The stored answer of `result`, with its last effect; undefined once it cannot be. */
  last(result: T): AlsoWrite | undefined;
}

/** The key was not claimable: what the claim found instead (a replay, one in flight, a reuse). */
export class IdempotencyRefusedError extends Error {
  override readonly name = 'IdempotencyRefusedError';
  constructor(readonly result: Exclude<ClaimResult, { outcome: 'claimed' }>) {
    super(`the Idempotency-Key could not be claimed (${result.outcome})`);
  }
}

/** What a stored record says, whichever way it was read (marshalled or not). */
interface RecordView {
  readonly fingerprint: string | undefined;
  readonly status: string | undefined;
  readonly response: string | undefined;
  readonly lockUntil: number | undefined;
  readonly ttl: number | undefined;
}

function fromMarshalled(item: Record<string, AttributeValue> | undefined): RecordView {
  const i = item ?? {};
  const n = (v: AttributeValue | undefined) => (v?.N === undefined ? undefined : Number(v.N));
  return {
    fingerprint: i.fingerprint?.S,
    status: i.status?.S,
    response: i.response?.S,
    lockUntil: n(i.lockUntil),
    ttl: n(i.ttl),
  };
}

/** A record that refused a claim: a replay, another request holding it, or another request's key. */
function refusal(
  old: RecordView,
  fingerprint: string,
  nowMs: number,
): Exclude<ClaimResult, { outcome: 'claimed' }> {
  if (old.fingerprint !== fingerprint) return { outcome: 'mismatch' };
  if (old.status === 'COMPLETED' && old.response !== undefined) {
    return { outcome: 'replay', response: JSON.parse(old.response) as StoredResponse };
  }
  const lockUntil = old.lockUntil ?? nowMs;
  return {
    outcome: 'in_progress',
    retryAfterSeconds: Math.max(1, Math.ceil((lockUntil - nowMs) / 1_000)),
  };
}

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
    claim: { readonly fingerprint: string; readonly lockMs: number; readonly now: Date },
  ): Promise<ClaimResult> {
    const { Put } = this.claimWrite(recordKey, claim);
    try {
      await this.db.send(new PutCommand(Put));
      return { outcome: 'claimed' };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return refusal(
        fromMarshalled(error.Item as Record<string, AttributeValue> | undefined),
        claim.fingerprint,
        claim.now.getTime(),
      );
    }
  }

  /** The claim as a transaction item (the conditional Put {@link claim} sends alone). */
  claimWrite(
    recordKey: IdempotencyRecordKey,
    {
      fingerprint,
      lockMs,
      now,
    }: { readonly fingerprint: string; readonly lockMs: number; readonly now: Date },
  ) {
    const nowMs = now.getTime();
    return {
      Put: {
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
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
      },
    };
  }

  /**
   * What a claim refused inside a transaction found (the reason's old item), as {@link claim}
   * reads it; a transaction conflict on the record is a request in flight.
   */
  refusedClaim(
    reason: CancellationReason,
    fingerprint: string,
    now: Date,
  ): Exclude<ClaimResult, { outcome: 'claimed' }> {
    if (reason.Code !== 'ConditionalCheckFailed') {
      return { outcome: 'in_progress', retryAfterSeconds: 1 };
    }
    return refusal(fromMarshalled(reason.Item), fingerprint, now.getTime());
  }

  /**
   * The record as it stands for a request that has not claimed it (strongly consistent read, no
   * write): what a claim would find, or `absent` when a claim would succeed.
   */
  async peek(
    recordKey: IdempotencyRecordKey,
    fingerprint: string,
    now: Date,
  ): Promise<Exclude<ClaimResult, { outcome: 'claimed' }> | { readonly outcome: 'absent' }> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: key(recordKey), ConsistentRead: true }),
    );
    const nowMs = now.getTime();
    const view: RecordView | undefined = Item && {
      fingerprint: typeof Item.fingerprint === 'string' ? Item.fingerprint : undefined,
      status: typeof Item.status === 'string' ? Item.status : undefined,
      response: typeof Item.response === 'string' ? Item.response : undefined,
      lockUntil: typeof Item.lockUntil === 'number' ? Item.lockUntil : undefined,
      ttl: typeof Item.ttl === 'number' ? Item.ttl : undefined,
    };
    const claimable =
      view === undefined ||
      (view.ttl ?? 0) < Math.floor(nowMs / 1_000) ||
      (view.status === 'IN_PROGRESS' && (view.lockUntil ?? 0) < nowMs);
    return claimable ? { outcome: 'absent' } : refusal(view, fingerprint, nowMs);
  }

  /** Stores the response of the request that holds the key. */
  async complete(
    recordKey: IdempotencyRecordKey,
    fingerprint: string,
    response: StoredResponse,
  ): Promise<void> {
    await this.db.send(
      new UpdateCommand(this.completeWrite(recordKey, fingerprint, response).Update),
    );
  }

  /** The completion as a transaction item (the conditional Update {@link complete} sends alone). */
  completeWrite(recordKey: IdempotencyRecordKey, fingerprint: string, response: StoredResponse) {
    return {
      Update: {
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
      },
    };
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

/**
 * A request's hold on its Idempotency-Key when the business function writes the claim and the
 * answer in its own transactions (a registration: two round trips instead of four). Until the
 * claim commits nothing is held; the API wiring (shared/http/api.ts) finishes whatever the
 * business function did not: a claim it never wrote, an answer it could not store.
 */
export class IdempotencyHold {
  #state: 'unclaimed' | 'claimed' | 'completed' = 'unclaimed';
  #stored: StoredResponse | undefined;

  constructor(
    private readonly store: IdempotencyStore,
    readonly key: IdempotencyRecordKey,
    readonly fingerprint: string,
    /** When the Lambda's time runs out (ms since the epoch): the claim's lock ends there. */
    private readonly deadlineMs: number,
    private readonly clock: () => Date,
  ) {}

  get state(): 'unclaimed' | 'claimed' | 'completed' {
    return this.#state;
  }

  /** The answer stored with the business function's last write, once it was. */
  get stored(): StoredResponse | undefined {
    return this.#stored;
  }

  /** The lock a claim made now takes: until the deadline, at least a second. */
  lockMs(now: Date): number {
    return Math.max(1_000, this.deadlineMs - now.getTime());
  }

  /** Marks the key claimed by a write the wiring made itself. */
  claimedAlone(): void {
    this.#state = 'claimed';
  }

  /** The claim and the answer, for a business function whose result `answer` turns into a response. */
  answeringWith<T>(answer: (result: T) => StoredResponse): WritesWith<T> {
    return {
      first: () => {
        const now = this.clock();
        return {
          item: this.store.claimWrite(this.key, {
            fingerprint: this.fingerprint,
            lockMs: this.lockMs(now),
            now,
          }),
          committed: () => {
            this.#state = 'claimed';
          },
          refused: (reason) =>
            new IdempotencyRefusedError(this.store.refusedClaim(reason, this.fingerprint, now)),
        };
      },
      last: (result) => {
        if (this.#state !== 'claimed') return undefined;
        const response = answer(result);
        return {
          item: this.store.completeWrite(this.key, this.fingerprint, response),
          committed: () => {
            this.#state = 'completed';
            this.#stored = response;
          },
          // The record is no longer ours to complete: the write goes on without it, and the
          // wiring reports the answer unsaved (as a failed complete() is).
          refused: () => undefined,
        };
      },
    };
  }
}
