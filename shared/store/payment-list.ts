/**
 * `GET /payments`: a merchant's payments, newest first by stored creation time, filtered, in pages.
 * Never a Scan: each request is served by one ordered source (docs/data-model.md, "Listing
 * payments"), chosen by its most selective filter, and every other filter is checked on the
 * payment as stored now (read strongly consistent, 100 a request):
 *
 * | filter | source |
 * |---|---|
 * | `reference` | the reference's lookup rows (`REF#<reference>` / `P#<created>#<txId>`) |
 * | `clientId` | the customer's lookup rows (`CUST#<clientId>` / `PAY#<created>#<txId>`) |
 * | `needsAttention` | the flagged rows (`ATTN` / `P#<created>#<txId>`), which hold only flagged payments |
 * | anything else | the list index `gsi3-list`, its state/kind/method filtered in the Query |
 *
 * A request examines at most {@link MAX_EXAMINED} entries: a page may hold fewer than `limit`
 * payments and still carry a cursor (continue until there is none).
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { attentionOf } from '#shared/domain/attention.ts';
import type { Payment, PaymentKind } from '#shared/domain/payment.ts';
import type { PaymentMethod } from '#shared/domain/payment-method.ts';
import type { PaymentState } from '#shared/domain/payment-state.ts';
import { LOOKUP, TABLE_KEYS } from '#shared/store/table.ts';

export interface PaymentFilter {
  readonly states?: readonly PaymentState[];
  readonly paymentMethod?: PaymentMethod;
  readonly kind?: PaymentKind;
  readonly reference?: string;
  readonly clientId?: string;
  /** Inclusive ISO instant (UTC, as stored). */
  readonly createdFrom?: string;
  /** Exclusive ISO instant (UTC, as stored). */
  readonly createdTo?: string;
  readonly needsAttention?: boolean;
}

export type ListSource = 'reference' | 'customer' | 'attention' | 'list';

/** Entries one request may examine before it answers with what it found and a cursor. */
export const MAX_EXAMINED = 1_000;
const QUERY_PAGE = 100;

/** The source that serves a filter: its most selective key. */
export function sourceOf(filter: PaymentFilter): ListSource {
  if (filter.reference !== undefined) return 'reference';
  if (filter.clientId !== undefined) return 'customer';
  if (filter.needsAttention) return 'attention';
  return 'list';
}

/** Whether the payment, as stored now, matches every filter. */
export function matches(payment: Payment, filter: PaymentFilter): boolean {
  const state = payment.snapshot.state;
  if (filter.states && !filter.states.includes(state)) return false;
  if (filter.paymentMethod && payment.paymentMethod !== filter.paymentMethod) return false;
  if (filter.kind && payment.kind !== filter.kind) return false;
  if (filter.reference !== undefined && payment.reference !== filter.reference) return false;
  if (filter.clientId !== undefined && payment.clientId !== filter.clientId) return false;
  if (filter.createdFrom !== undefined && payment.createdAt < filter.createdFrom) return false;
  if (filter.createdTo !== undefined && payment.createdAt >= filter.createdTo) return false;
  if (filter.needsAttention && attentionOf(payment).length === 0) return false;
  return true;
}

export interface ListPage {
  readonly payments: Payment[];
  /** The sort key of the last entry examined, when there may be more. */
  readonly after: string | undefined;
}

interface SourceQuery {
  readonly IndexName?: string;
  readonly pkName: string;
  readonly skName: string;
  readonly pk: string;
  readonly prefix: string;
  /** The table key of the entry, for ExclusiveStartKey. */
  readonly startKey: (sk: string) => Record<string, string>;
}

function sourceQuery(source: ListSource, filter: PaymentFilter): SourceQuery {
  const row = (pk: string, prefix: string): SourceQuery => ({
    pkName: 'pk',
    skName: 'sk',
    pk,
    prefix,
    startKey: (sk) => ({ pk, sk }),
  });
  switch (source) {
    case 'reference':
      return row(LOOKUP.reference.pk(filter.reference ?? ''), LOOKUP.reference.prefix);
    case 'customer':
      return row(LOOKUP.customer.pk(filter.clientId ?? ''), LOOKUP.customer.prefix);
    case 'attention':
      return row(LOOKUP.attention.pk, LOOKUP.attention.prefix);
    case 'list': {
      const { name, partitionKey, sortKey } = TABLE_KEYS.listIndex;
      return {
        IndexName: name,
        pkName: partitionKey,
        skName: sortKey,
        pk: 'PAY',
        prefix: '',
        startKey: (sk) => ({
          [partitionKey]: 'PAY',
          [sortKey]: sk,
          pk: `PAY#${sk.slice(sk.indexOf('#') + 1)}`,
          sk: 'PAYMENT',
        }),
      };
    }
  }
}

/** The state/kind/method filter evaluated on the list index's projection. */
function indexFilter(filter: PaymentFilter) {
  const parts: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (filter.states && filter.states.length > 0) {
    names['#state'] = 'state';
    const keys = filter.states.map((state, i) => {
      values[`:s${i}`] = state;
      return `:s${i}`;
    });
    parts.push(`#state IN (${keys.join(', ')})`);
  }
  if (filter.kind) {
    names['#kind'] = 'kind';
    values[':kind'] = filter.kind;
    parts.push('#kind = :kind');
  }
  if (filter.paymentMethod) {
    names['#method'] = 'paymentMethod';
    values[':method'] = filter.paymentMethod;
    parts.push('#method = :method');
  }
  return { parts, names, values };
}

/**
 * One page: up to `limit` matching payments, newest first, after the sort key `after` (a previous
 * page's). Reads only Query and BatchGetItem.
 */
export async function listPayments(
  db: DynamoDBDocumentClient,
  store: { getMany(txIds: readonly string[]): Promise<Map<string, Payment>> },
  {
    tableName,
    filter,
    limit,
    after,
  }: {
    readonly tableName: string;
    readonly filter: PaymentFilter;
    readonly limit: number;
    readonly after?: string | undefined;
  },
): Promise<ListPage> {
  const source = sourceOf(filter);
  const q = sourceQuery(source, filter);
  const low = `${q.prefix}${filter.createdFrom ?? '0'}`;
  const high = `${q.prefix}${filter.createdTo ?? '~'}`;
  const onIndex = source === 'list' ? indexFilter(filter) : { parts: [], names: {}, values: {} };
  const found: Payment[] = [];
  let start = after === undefined ? undefined : q.startKey(after);
  let examined = 0;
  let last: string | undefined = after;
  while (examined < MAX_EXAMINED) {
    const answer = await db.send(
      new QueryCommand({
        TableName: tableName,
        ...(q.IndexName ? { IndexName: q.IndexName } : {}),
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :low AND :high',
        ...(onIndex.parts.length > 0 ? { FilterExpression: onIndex.parts.join(' AND ') } : {}),
        ExpressionAttributeNames: { '#pk': q.pkName, '#sk': q.skName, ...onIndex.names },
        ExpressionAttributeValues: { ':pk': q.pk, ':low': low, ':high': high, ...onIndex.values },
        ScanIndexForward: false,
        Limit: Math.min(QUERY_PAGE, MAX_EXAMINED - examined),
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    examined += answer.ScannedCount ?? 0;
    const entries = (answer.Items ?? []).map((item) => ({
      sk: String(item[q.skName]),
      txId: String(item.txId),
    }));
    for (let i = 0; i < entries.length; ) {
      const chunk = entries.slice(i, i + Math.max(limit - found.length, 10));
      const stored = await store.getMany(chunk.map((e) => e.txId));
      for (const entry of chunk) {
        i += 1;
        last = entry.sk;
        const payment = stored.get(entry.txId);
        if (payment && matches(payment, filter)) found.push(payment);
        if (found.length === limit) {
          const more = i < entries.length || answer.LastEvaluatedKey !== undefined;
          return { payments: found, after: more ? last : undefined };
        }
      }
    }
    const next = answer.LastEvaluatedKey as Record<string, unknown> | undefined;
    if (next === undefined) return { payments: found, after: undefined };
    start = next as Record<string, string>;
    last = String(next[q.skName]);
  }
  return { payments: found, after: last };
}
