import * as z from 'zod';
import { dayStart } from '#shared/domain/business-day.ts';
import { toWireAmount } from '#shared/domain/money.ts';
import { amountSchema, instant } from '#shared/http/schemas.ts';
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

/** `GET /transactions`: openapi.json's `TransactionsPage`. */
export const transactionsPageSchema = z
  .object({
    page: z.number().int(),
    limit: z.number().int(),
    /** The page was full: the next one may hold more. */
    hasMore: z.boolean(),
    items: z.array(
      z.object({
        id: z.string(),
        /** `unknown` for a transaction type PAYON did not say. */
        kind: z.enum(['purchase', 'preauth', 'unknown']),
        amount: amountSchema,
        /** The Cambodian day of the transaction, `yyyy-MM-dd`. */
        day: z.string(),
        approved: z.boolean(),
        resultCode: z.string().nullable(),
        /** PAYON's `settleYn` / `cancelYn` / `refundYn`; null when it cannot tell. */
        settled: z.boolean().nullable(),
        cancelled: z.boolean().nullable(),
        refunded: z.boolean().nullable(),
        approvalNo: z.string().nullable(),
        approvedAt: instant.nullable(),
      }),
    ),
  })
  .meta({ id: 'TransactionsPage', description: "A page of PAYON's order history" });

/** One page of PAYON's order history, in the API's shape (amounts as decimal strings). */
export async function listTransactions(
  deps: Pick<Dependencies, 'payon' | 'payments'>,
  input: ListTransactionsInput,
): Promise<z.output<typeof transactionsPageSchema>> {
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
