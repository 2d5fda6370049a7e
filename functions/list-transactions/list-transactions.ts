import { toWireAmount } from '#shared/domain/money.ts';
import { CAMBODIA_OFFSET_MS } from '#shared/payon/dates.ts';
import type { Dependencies } from '#shared/runtime/dependencies.ts';

export interface ListTransactionsInput {
  /** Cambodian days, `yyyy-MM-dd`, inclusive. */
  readonly from: string;
  readonly to: string;
  readonly page: number;
  readonly limit: number;
  readonly kind?: 'purchase' | 'preauth';
}

const startOfCambodianDay = (day: string) =>
  new Date(Date.parse(`${day}T00:00:00Z`) - CAMBODIA_OFFSET_MS);

/** One page of PAYON's order history, in the API's shape (amounts as decimal strings). */
export async function listTransactions(
  deps: Pick<Dependencies, 'payon' | 'payments'>,
  input: ListTransactionsInput,
) {
  const orders = await deps.payon.listOrders({
    from: startOfCambodianDay(input.from),
    to: startOfCambodianDay(input.to),
    index: input.page,
    limit: input.limit,
    ...(input.kind ? { kind: input.kind } : {}),
  });
  return {
    page: input.page,
    limit: input.limit,
    hasMore: orders.length === input.limit,
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
