import { dayStart } from '#shared/domain/business-day.ts';
import { toWireAmount } from '#shared/domain/money.ts';
import { atLocalTime } from '#shared/payon/answers.ts';
import type { Dependencies } from '#shared/runtime/dependencies.ts';

export interface ListTransactionsInput {
  /** Cambodian days, `yyyy-MM-dd`, inclusive. */
  readonly from: string;
  readonly to: string;
  readonly page: number;
  readonly limit: number;
  readonly kind?: 'purchase' | 'preauth';
}

/** One page of PAYON's order history, in the API's shape (amounts as decimal strings). */
export async function listTransactions(
  deps: Pick<Dependencies, 'payon' | 'payments'>,
  input: ListTransactionsInput,
) {
  const rows = await deps.payon.listOrders({
    from: dayStart(input.from),
    to: dayStart(input.to),
    index: input.page,
    limit: input.limit,
    ...(input.kind ? { kind: input.kind } : {}),
  });
  // PAYON's 12-hour times are read against each payment's own creation time
  // (docs/payon-assumptions.md A18): one batched read of the page's payments. Rows stay as
  // PAYON listed them.
  const payments = await deps.payments.getMany([...new Set(rows.map((o) => o.txId))]);
  const orders = rows.map((o) => {
    const payment = payments.get(o.txId);
    return atLocalTime(o, payment ? new Date(payment.createdAt) : undefined);
  });
  return {
    page: input.page,
    limit: input.limit,
    hasMore: rows.length === input.limit,
    items: orders.map((o) => ({
      id: o.txId,
      kind: o.kind,
      amount: { value: toWireAmount(o.amount), currency: o.amount.currency },
      day: o.day,
      approved: o.signal === 'confirmed',
      resultCode: o.resultCode ?? null,
      settled: o.settled ?? null,
      cancelled: o.cancelled ?? null,
      refunded: o.refunded ?? null,
      approvalNo: o.approvalNo ?? null,
      approvedAt: o.approvedAt?.toISOString() ?? null,
    })),
  };
}
