/**
 * Payments in DynamoDB. Every write is conditional: a new payment only if its txId is free, an
 * update only if nobody changed the payment since it was read (`version`). Nothing is ever
 * read-then-written without that condition.
 */
import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type AttentionFlag, attentionOf, sameFlags } from '#shared/domain/attention.ts';
import { DAY_MS, dayStart } from '#shared/domain/business-day.ts';
import type { Currency } from '#shared/domain/money.ts';
import type { Decline, Payment } from '#shared/domain/payment.ts';
import type {
  KnownState,
  MoneyOperation,
  PaymentState,
  StateSnapshot,
} from '#shared/domain/payment-state.ts';
import { ConflictError, ReferenceInUseError } from '#shared/errors.ts';
import { eventFor, type MerchantEvent } from '#shared/events/envelope.ts';
import { batchGet } from '#shared/store/batch-get.ts';
import type { AlsoWrite } from '#shared/store/idempotency.ts';
import { outboxItem } from '#shared/store/outbox.ts';
import { type ListPage, listPayments, type PaymentFilter } from '#shared/store/payment-list.ts';
import {
  createdKey,
  isConditionFailure,
  LOOKUP,
  queryDue,
  TABLE_KEYS,
} from '#shared/store/table.ts';

/** Where committed events go next (the relay delivers them at once; the sweep retries). */
export interface EventOutlet {
  /** Names the deployment in every event. */
  readonly stage: string;
  /** Called after the transition and its outbox item committed; must never throw. */
  committed(event: MerchantEvent): Promise<void>;
}

/** The txId is already taken (another payment, or a concurrent generator in the same ms). */
export class TxIdTakenError extends Error {
  override readonly name = 'TxIdTakenError';
}

const key = (txId: string) => ({ pk: `PAY#${txId}`, sk: 'PAYMENT' });

/**
 * History entries the payment item itself holds: the latest four (a payment's usual life has at
 * most four transitions), so the item stays under 1 KB and each write of it is one unit. Older
 * entries live in pages of their own under the payment's partition (issue 27).
 */
export const INLINE_HISTORY = 4;
/** Entries per history page (`PAYMENT#HIST#<page>`, sorted after the item): well under 1 KB. */
export const HISTORY_PAGE = 4;

/** The key of history page `page` (entries `page × HISTORY_PAGE` onwards) of a payment. */
export const historyPageKey = (txId: string, page: number) => ({
  pk: `PAY#${txId}`,
  sk: `PAYMENT#HIST#${String(page).padStart(6, '0')}`,
});

/** How many of `length` history entries are kept in pages rather than in the item. */
const pagedCount = (length: number) => Math.max(0, length - INLINE_HISTORY);

/**
 * The history pages to write when the paged entries grow from `before` to `after`: each page that
 * gains an entry, with all of its entries (a page's entries never change once written).
 */
function historyPages(p: Payment, before: number, after: number): Record<string, unknown>[] {
  const pages: Record<string, unknown>[] = [];
  if (after <= before) return pages;
  for (let page = Math.floor(before / HISTORY_PAGE); page * HISTORY_PAGE < after; page += 1) {
    const start = page * HISTORY_PAGE;
    pages.push({
      ...historyPageKey(p.txId, page),
      type: 'historyPage',
      txId: p.txId,
      entries: p.history.slice(start, Math.min(start + HISTORY_PAGE, after)),
    });
  }
  return pages;
}

/** The item that holds a merchant reference for its one live payment (`reference_in_use`). */
export const referenceGuardKey = (reference: string) => ({
  pk: LOOKUP.reference.pk(reference),
  sk: 'LIVE',
});

const attentionRowKey = (p: Pick<Payment, 'createdAt' | 'txId'>) => ({
  pk: LOOKUP.attention.pk,
  sk: `${LOOKUP.attention.prefix}${createdKey(p)}`,
});

interface PaymentItem {
  pk: string;
  sk: string;
  type: 'payment';
  txId: string;
  kind: Payment['kind'];
  paymentMethod: Payment['paymentMethod'];
  payDvCd?: string;
  amountMinor: number;
  currency: Currency;
  state: Payment['snapshot']['state'];
  unknownOperation?: MoneyOperation;
  priorState?: KnownState;
  capturedMinor?: number;
  version: number;
  createdAt: string;
  updatedAt: string;
  returnUrl: string;
  reference?: string;
  clientId?: string;
  bindingId?: string;
  checkoutUrl?: string;
  qrString?: string;
  expiresAt?: string;
  approvalNo?: string;
  /** The latest INLINE_HISTORY entries; the older ones are in `historyPaged` entries' pages. */
  history: Payment['history'];
  historyPaged?: number;
  lastDecline?: Decline;
  syncAttempts?: number;
  syncFailures?: number;
  escalatedAt?: string;
  attention?: AttentionFlag[];
  gsi1pk?: string;
  gsi1sk?: string;
  gsi3pk: string;
  gsi3sk: string;
}

export function toItem(p: Payment): PaymentItem {
  const { snapshot } = p;
  const attention = attentionOf(p);
  return {
    ...key(p.txId),
    type: 'payment',
    txId: p.txId,
    kind: p.kind,
    paymentMethod: p.paymentMethod,
    ...(p.payDvCd ? { payDvCd: p.payDvCd } : {}),
    amountMinor: p.amount.minor,
    currency: p.amount.currency,
    state: snapshot.state,
    ...(snapshot.state === 'UNKNOWN'
      ? { unknownOperation: snapshot.operation, priorState: snapshot.priorState }
      : {}),
    ...(p.capturedAmount ? { capturedMinor: p.capturedAmount.minor } : {}),
    version: p.version,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    returnUrl: p.returnUrl,
    ...(p.reference ? { reference: p.reference } : {}),
    ...(p.clientId ? { clientId: p.clientId } : {}),
    ...(p.bindingId ? { bindingId: p.bindingId } : {}),
    ...(p.checkoutUrl ? { checkoutUrl: p.checkoutUrl } : {}),
    ...(p.qrString ? { qrString: p.qrString } : {}),
    ...(p.expiresAt ? { expiresAt: p.expiresAt } : {}),
    ...(p.approvalNo ? { approvalNo: p.approvalNo } : {}),
    history: p.history.slice(pagedCount(p.history.length)),
    ...(pagedCount(p.history.length) > 0 ? { historyPaged: pagedCount(p.history.length) } : {}),
    ...(p.lastDecline ? { lastDecline: withoutUndefined(p.lastDecline) } : {}),
    ...(p.syncAttempts > 0 ? { syncAttempts: p.syncAttempts } : {}),
    ...(p.syncFailures > 0 ? { syncFailures: p.syncFailures } : {}),
    ...(p.escalatedAt ? { escalatedAt: p.escalatedAt } : {}),
    ...(attention.length > 0 ? { attention } : {}),
    ...(p.nextSyncAt ? { gsi1pk: 'SYNC', gsi1sk: `${p.nextSyncAt}#${p.txId}` } : {}),
    gsi3pk: 'PAY',
    gsi3sk: createdKey(p),
  };
}

/**
 * The payment of a stored item; `older` are the entries of its history pages, in order (needed
 * when the item says `historyPaged`: pagesOf). An item whose pages were not given is refused, so a
 * payment is never read, and then written back, with part of its history.
 */
export function fromItem(
  item: Record<string, unknown>,
  older: readonly Payment['history'][number][] = [],
): Payment {
  const i = item as unknown as PaymentItem;
  const paged = i.historyPaged ?? 0;
  if (older.length < paged) {
    throw new Error(`payment ${i.txId}: ${paged} history entries in pages, ${older.length} read`);
  }
  const snapshot: StateSnapshot =
    i.state === 'UNKNOWN'
      ? {
          state: 'UNKNOWN',
          operation: i.unknownOperation ?? 'register',
          priorState: i.priorState ?? 'CREATED',
        }
      : { state: i.state };
  return {
    txId: i.txId,
    kind: i.kind,
    paymentMethod: i.paymentMethod,
    payDvCd: i.payDvCd as Payment['payDvCd'],
    amount: { minor: i.amountMinor, currency: i.currency },
    snapshot,
    capturedAmount:
      i.capturedMinor === undefined ? undefined : { minor: i.capturedMinor, currency: i.currency },
    version: i.version,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
    returnUrl: i.returnUrl,
    reference: i.reference,
    clientId: i.clientId,
    bindingId: i.bindingId,
    checkoutUrl: i.checkoutUrl,
    qrString: i.qrString,
    expiresAt: i.expiresAt,
    approvalNo: i.approvalNo,
    nextSyncAt: i.gsi1sk?.split('#')[0],
    syncAttempts: i.syncAttempts ?? 0,
    syncFailures: i.syncFailures ?? 0,
    escalatedAt: i.escalatedAt,
    lastDecline: i.lastDecline,
    history: [...older.slice(0, paged), ...(i.history ?? [])],
    ...(paged > 0 ? { historyPaged: paged } : {}),
  };
}

/** The keys of the history pages a stored payment item names (none for most payments). */
export function pagesOf(item: Record<string, unknown>): { pk: string; sk: string }[] {
  const paged = Number(item.historyPaged ?? 0);
  const txId = String(item.txId);
  return Array.from({ length: Math.ceil(paged / HISTORY_PAGE) }, (_, page) =>
    historyPageKey(txId, page),
  );
}

/** The entries of `pages` (history page items, any order), oldest first. */
export function pagedEntries(
  pages: readonly Record<string, unknown>[],
): Payment['history'][number][] {
  return [...pages]
    .sort((a, b) => String(a.sk).localeCompare(String(b.sk)))
    .flatMap((page) => (page.entries ?? []) as Payment['history'][number][]);
}

/** States whose payment no longer holds its merchant reference. */
export const RELEASES_REFERENCE: readonly PaymentState[] = ['FAILED', 'EXPIRED', 'CANCELLED'];

/** The rows that find a new payment by its merchant reference and its saved card's customer. */
function lookupRows(p: Payment): Record<string, unknown>[] {
  const row = (pk: string, prefix: string) => ({
    pk,
    sk: `${prefix}${createdKey(p)}`,
    type: 'paymentRow',
    txId: p.txId,
  });
  return [
    ...(p.reference ? [row(LOOKUP.reference.pk(p.reference), LOOKUP.reference.prefix)] : []),
    ...(p.clientId ? [row(LOOKUP.customer.pk(p.clientId), LOOKUP.customer.prefix)] : []),
  ];
}

/** The payment's flags when they differ from the stored version's, else undefined. */
function attentionRow(next: Payment): AttentionFlag[] | undefined {
  const after = attentionOf(next);
  return sameFlags(next.priorAttention ?? [], after) ? undefined : after;
}

const withoutUndefined = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

/**
 * Told of every committed write of a payment (the business metrics, shared/runtime/business-metrics.ts):
 * the payment as written, whether the write created it, its flags before, and its event. Called
 * after the commit; whatever it throws is dropped, so it can never fail or repeat a write.
 */
export type PaymentWriteObserver = (write: {
  readonly payment: Payment;
  readonly created: boolean;
  readonly before: readonly AttentionFlag[];
  readonly event: MerchantEvent | undefined;
}) => void;

export class PaymentStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly events: EventOutlet,
    private readonly observe: PaymentWriteObserver = () => undefined,
  ) {}

  private observed(write: Parameters<PaymentWriteObserver>[0]): void {
    try {
      this.observe(write);
    } catch {
      // Metrics only: the write stands.
    }
  }

  /**
   * Stores a new payment; refuses a txId that is taken. With `holdReference`, the payment also
   * takes its merchant reference's guard, which a live payment may hold only once (the guard of a
   * FAILED, EXPIRED or CANCELLED payment is taken over).
   *
   * With `also`, that write rides in the same transaction (a registration's idempotency claim):
   * its refusal is thrown as it says, before anything else the transaction found.
   *
   * @throws {TxIdTakenError} when the txId is taken.
   * @throws {ReferenceInUseError} when a live payment holds the reference.
   */
  async create(
    payment: Payment,
    {
      holdReference = false,
      also,
    }: { readonly holdReference?: boolean; readonly also?: AlsoWrite | undefined } = {},
  ): Promise<void> {
    const rows = [
      ...lookupRows(payment),
      ...historyPages(payment, 0, pagedCount(payment.history.length)),
    ];
    const reference = holdReference ? payment.reference : undefined;
    if (rows.length === 0 && reference === undefined && also === undefined) {
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: toItem(payment),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        this.observed({ payment, created: true, before: [], event: undefined });
        return;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException)
          throw new TxIdTakenError(payment.txId);
        throw error;
      }
    }
    let heldBy: string | undefined;
    for (let attempt = 0; ; attempt += 1) {
      const guard =
        reference === undefined
          ? []
          : [
              {
                Put: {
                  TableName: this.tableName,
                  Item: {
                    ...referenceGuardKey(reference),
                    type: 'referenceGuard',
                    txId: payment.txId,
                  },
                  ConditionExpression:
                    heldBy === undefined ? 'attribute_not_exists(pk)' : 'txId = :holder',
                  ...(heldBy === undefined
                    ? {}
                    : { ExpressionAttributeValues: { ':holder': heldBy } }),
                },
              },
            ];
      const guardAt = 1 + rows.length;
      const alsoAt = guardAt + guard.length;
      try {
        await this.db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.tableName,
                  Item: toItem(payment),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              ...rows.map((Item) => ({ Put: { TableName: this.tableName, Item } })),
              ...guard,
              ...(also ? [also.item] : []),
            ],
          }),
        );
        also?.committed();
        this.observed({ payment, created: true, before: [], event: undefined });
        return;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        const alsoReason = also ? reasons[alsoAt] : undefined;
        if (also && alsoReason && alsoReason.Code !== 'None') {
          throw also.refused(alsoReason) ?? error;
        }
        if (reasons[0]?.Code === 'ConditionalCheckFailed') throw new TxIdTakenError(payment.txId);
        if (reference === undefined || reasons[guardAt]?.Code !== 'ConditionalCheckFailed')
          throw error;
        const holder = await this.referenceHolder(reference);
        if (holder === undefined || attempt >= 2) throw error;
        const held = await this.get(holder);
        if (held && !RELEASES_REFERENCE.includes(held.snapshot.state)) {
          throw new ReferenceInUseError(reference, holder);
        }
        heldBy = holder;
      }
    }
  }

  /** The txId of the payment holding `reference`'s guard, or undefined. */
  private async referenceHolder(reference: string): Promise<string | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: referenceGuardKey(reference),
        ConsistentRead: true,
      }),
    );
    return typeof Item?.txId === 'string' ? Item.txId : undefined;
  }

  /** The payment, read strongly consistent, or undefined. */
  async get(txId: string): Promise<Payment | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: key(txId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    // Only a payment past INLINE_HISTORY entries has pages: one GetItem each, read after the item
    // (entries never change once paged, so the item's `historyPaged` says how many to take).
    const pages = await Promise.all(
      pagesOf(Item).map(async (Key) => {
        const page = await this.db.send(
          new GetCommand({ TableName: this.tableName, Key, ConsistentRead: true }),
        );
        return page.Item ?? {};
      }),
    );
    return fromItem(Item, pagedEntries(pages));
  }

  /** The payments of stored items, their history pages read (BatchGetItem) where they have any. */
  private async withHistory(items: readonly Record<string, unknown>[]): Promise<Payment[]> {
    const keys = items.flatMap(pagesOf);
    const pages = keys.length === 0 ? [] : await batchGet(this.db, this.tableName, keys);
    return items.map((item) =>
      fromItem(item, pagedEntries(pages.filter((page) => page.pk === item.pk))),
    );
  }

  /**
   * Writes `next` only if the stored payment is still at `next.version - 1`. A transition the
   * merchant is told about (eventFor) is written in one transaction with its outbox item, so the
   * event exists exactly when the transition does; it is then handed to the outlet.
   *
   * With `also`, that write rides in the same transaction (a registration's stored response); when
   * only it is refused, the payment is written without it.
   *
   * @throws {ConflictError} when someone else changed the payment first.
   */
  async update(
    next: Payment,
    { also }: { readonly also?: AlsoWrite | undefined } = {},
  ): Promise<void> {
    const put = {
      TableName: this.tableName,
      Item: toItem(next),
      ConditionExpression: 'attribute_exists(pk) AND version = :expected',
      ExpressionAttributeValues: { ':expected': next.version - 1 },
    };
    const event = eventFor(next, this.events.stage);
    const attention = attentionRow(next);
    // History entries that leave the item go to their pages in the same transaction.
    const pages = historyPages(next, next.historyPaged ?? 0, pagedCount(next.history.length));
    // Unknown flags before (a write not made by a domain change): nothing counts as raised.
    const before = next.priorAttention ?? attentionOf(next);
    const items =
      1 + (event === undefined ? 0 : 1) + (attention === undefined ? 0 : 1) + pages.length;
    try {
      if (items === 1 && also === undefined) {
        await this.db.send(new PutCommand(put));
        this.observed({ payment: next, created: false, before, event });
        return;
      }
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: put },
            ...(event === undefined
              ? []
              : [
                  {
                    Put: {
                      TableName: this.tableName,
                      Item: outboxItem(event, new Date(next.updatedAt)),
                      ConditionExpression: 'attribute_not_exists(pk)',
                    },
                  },
                ]),
            ...(attention === undefined ? [] : [this.attentionWrite(next, attention)]),
            ...pages.map((Item) => ({ Put: { TableName: this.tableName, Item } })),
            ...(also ? [also.item] : []),
          ],
        }),
      );
      also?.committed();
    } catch (error) {
      if (also && error instanceof TransactionCanceledException) {
        const reasons = error.CancellationReasons ?? [];
        const own = reasons.slice(0, items).every((r) => r.Code === undefined || r.Code === 'None');
        const alsoReason = reasons[items];
        if (own && alsoReason && alsoReason.Code !== 'None') {
          const refusal = also.refused(alsoReason);
          if (refusal) throw refusal;
          return this.update(next);
        }
      }
      if (isConditionFailure(error)) {
        throw new ConflictError(
          'payment_state_conflict',
          `payment ${next.txId} was changed by another request; read it again`,
          1,
        );
      }
      throw error;
    }
    this.observed({ payment: next, created: false, before, event });
    if (event) await this.events.committed(event);
  }

  /** The write that puts a payment on the flagged list, or takes it off. */
  private attentionWrite(payment: Payment, flags: readonly AttentionFlag[]) {
    const Key = attentionRowKey(payment);
    return flags.length > 0
      ? {
          Put: {
            TableName: this.tableName,
            Item: { ...Key, type: 'attentionRow', txId: payment.txId, attention: [...flags] },
          },
        }
      : { Delete: { TableName: this.tableName, Key } };
  }

  /**
   * Sweep bookkeeping, not a transition: the probe count, the next probe time (undefined: leave
   * the sweep index) and the escalation mark, only if the payment is still at `seen.version`.
   * Returns false when the payment changed meanwhile (its new state has its own schedule).
   */
  async reschedule(
    seen: Payment,
    next: Pick<Payment, 'syncAttempts' | 'syncFailures' | 'nextSyncAt' | 'escalatedAt'>,
  ): Promise<boolean> {
    const sets = ['syncAttempts = :attempts', 'syncFailures = :failures'];
    const removes: string[] = [];
    const values: Record<string, unknown> = {
      ':attempts': next.syncAttempts,
      ':failures': next.syncFailures,
      ':v': seen.version,
    };
    if (next.nextSyncAt) {
      sets.push('gsi1pk = :sync', 'gsi1sk = :due');
      values[':sync'] = 'SYNC';
      values[':due'] = `${next.nextSyncAt}#${seen.txId}`;
    } else {
      removes.push('gsi1pk', 'gsi1sk');
    }
    if (next.escalatedAt) {
      sets.push('escalatedAt = :escalated');
      values[':escalated'] = next.escalatedAt;
    }
    const before = attentionOf(seen);
    const after = attentionOf({ ...seen, escalatedAt: next.escalatedAt ?? seen.escalatedAt });
    const flagsChanged = !sameFlags(before, after);
    if (flagsChanged) {
      sets.push('attention = :attention');
      values[':attention'] = after;
    }
    const update = {
      TableName: this.tableName,
      Key: key(seen.txId),
      UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
      ConditionExpression: 'version = :v',
      ExpressionAttributeValues: values,
    };
    try {
      if (!flagsChanged) {
        await this.db.send(new UpdateCommand(update));
      } else {
        await this.db.send(
          new TransactWriteCommand({
            TransactItems: [{ Update: update }, this.attentionWrite(seen, after)],
          }),
        );
        this.observed({
          payment: { ...seen, escalatedAt: next.escalatedAt ?? seen.escalatedAt },
          created: false,
          before,
          event: undefined,
        });
      }
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** The stored payments among `txIds` (strongly consistent, 100 a request; shared/store/batch-get.ts). */
  async getMany(txIds: readonly string[]): Promise<Map<string, Payment>> {
    const items = await batchGet(this.db, this.tableName, txIds.map(key));
    return new Map((await this.withHistory(items)).map((p) => [p.txId, p]));
  }

  /**
   * One page of a Cambodian day's payments, in creation order: a key range of the list index (GSI3
   * `PAY`, `<createdAt>#<txId>` within the day's bounds), then the payments themselves, strongly
   * consistent. `cursor` continues a previous page.
   */
  async dayPage(
    day: string,
    limit: number,
    cursor?: Record<string, unknown>,
  ): Promise<{ payments: Payment[]; cursor: Record<string, unknown> | undefined }> {
    const { name, partitionKey, sortKey } = TABLE_KEYS.listIndex;
    const { Items = [], LastEvaluatedKey } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: name,
        // Every `<createdAt>#<txId>` of the day sorts between its first instant and the next day's.
        KeyConditionExpression: '#pk = :pay AND #sk BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#pk': partitionKey, '#sk': sortKey },
        ExpressionAttributeValues: {
          ':pay': 'PAY',
          ':from': dayStart(day).toISOString(),
          ':to': new Date(dayStart(day).getTime() + DAY_MS).toISOString(),
        },
        ProjectionExpression: 'txId',
        Limit: limit,
        ...(cursor ? { ExclusiveStartKey: cursor } : {}),
      }),
    );
    const txIds = Items.map((i) => String(i.txId));
    const stored = await this.getMany(txIds);
    return {
      payments: txIds.flatMap((txId) => {
        const payment = stored.get(txId);
        return payment ? [payment] : [];
      }),
      cursor: LastEvaluatedKey,
    };
  }

  /** A page of the payments matching `filter`, newest first (shared/store/payment-list.ts). */
  list(page: {
    readonly filter: PaymentFilter;
    readonly limit: number;
    readonly after?: string | undefined;
  }): Promise<ListPage> {
    return listPayments(this.db, this, { tableName: this.tableName, ...page });
  }

  /** Payments whose next status probe is due at `now`, oldest first (the status sweep). */
  async dueForSync(now: Date, limit: number): Promise<Payment[]> {
    const items = await queryDue(this.db, {
      tableName: this.tableName,
      partition: 'SYNC',
      now,
      limit,
    });
    return this.withHistory(items);
  }
}
