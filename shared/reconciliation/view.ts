/**
 * What the API shows of a reconciliation: the report with amounts as decimal strings (like every
 * amount the API returns), and its exceptions as JSON or CSV. CSV cells that a spreadsheet would
 * run as a formula are quoted with a leading apostrophe (PAYON's messages are not ours to trust).
 */
import * as z from 'zod';
import { isCurrency, money, toWireAmount } from '#shared/domain/money.ts';
import { amountSchema, instant } from '#shared/http/schemas.ts';
import { DIFFERENCE_KINDS, type DifferenceKind } from '#shared/reconciliation/compare.ts';
import type { ExceptionRecord, ReconciliationReport } from '#shared/store/reconciliations.ts';

export type AmountView = z.output<typeof amountSchema>;

const DIFFERENCES = Object.keys(DIFFERENCE_KINDS) as [DifferenceKind, ...DifferenceKind[]];
const count = z.number().int();

/** `GET /reconciliations/{day}`: openapi.json's `ReconciliationReport`. */
export const reconciliationViewSchema = z
  .object({
    day: z.string(),
    runId: z.string(),
    status: z.enum(['running', 'completed', 'failed']),
    startedAt: instant,
    finishedAt: instant.exactOptional(),
    counts: z.object({
      payonTransactions: count,
      localPayments: count,
      submitted: count,
      matched: count,
      healed: count,
      pending: count,
      exceptions: count,
      /** Transactions PAYON's reconciliation or status did not answer for. */
      unanswered: count,
      byDifference: z.partialRecord(z.enum(DIFFERENCES), count),
    }),
    /** How far PAYON's order history was read, and why the walk stopped. */
    history: z
      .object({
        pagesRead: count,
        stoppedBy: z.enum([
          'end',
          'empty_page',
          'repeated_page',
          'page_limit',
          'time_limit',
          'unreadable',
        ]),
      })
      .exactOptional(),
    amounts: z.object({
      payonApproved: z.array(amountSchema),
      inExceptions: z.array(amountSchema),
    }),
  })
  .meta({ id: 'ReconciliationReport', description: "A day's latest reconciliation run" });

export type ReconciliationView = z.output<typeof reconciliationViewSchema>;

/** One difference of a run: openapi.json's `ReconciliationException`. */
export const exceptionViewSchema = z
  .object({
    txId: z.string(),
    difference: z.enum(DIFFERENCES),
    /** What the difference means, in words. */
    reason: z.string(),
    detail: z.string(),
    payonCode: z.string().exactOptional(),
    /** The payment's state, when the product has the payment. */
    localState: z.string().exactOptional(),
    amount: amountSchema.exactOptional(),
  })
  .meta({ id: 'ReconciliationException', description: 'One difference a run found' });

/** `GET /reconciliations/{day}/exceptions` as JSON: openapi.json's `ReconciliationExceptions`. */
export const exceptionsPageSchema = z
  .object({
    day: z.string(),
    runId: z.string(),
    status: z.enum(['running', 'completed', 'failed']),
    items: z.array(exceptionViewSchema),
    /** The next page's `cursor`, while there is one. */
    nextCursor: z.string().exactOptional(),
  })
  .meta({ id: 'ReconciliationExceptions', description: "A page of a run's differences" });

const amounts = (byCurrency: Record<string, number>): AmountView[] =>
  Object.entries(byCurrency)
    .filter(([currency]) => isCurrency(currency))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, minor]) => ({
      value: toWireAmount(money(minor, currency as 'USD')),
      currency: currency as 'USD',
    }));

export function reconciliationView(report: ReconciliationReport): ReconciliationView {
  const { payonApprovedMinor, exceptionMinor, ...counts } = report.counts;
  return {
    day: report.day,
    runId: report.runId,
    status: report.status,
    startedAt: report.startedAt,
    ...(report.finishedAt ? { finishedAt: report.finishedAt } : {}),
    counts,
    ...(report.walk ? { history: report.walk } : {}),
    amounts: {
      payonApproved: amounts(payonApprovedMinor),
      inExceptions: amounts(exceptionMinor ?? {}),
    },
  };
}

export function exceptionView(e: ExceptionRecord): z.output<typeof exceptionViewSchema> {
  return {
    txId: e.txId,
    difference: e.difference,
    reason: DIFFERENCE_KINDS[e.difference],
    detail: e.detail,
    ...(e.payonCode ? { payonCode: e.payonCode } : {}),
    ...(e.localState ? { localState: e.localState } : {}),
    ...(e.amountMinor !== undefined && e.currency && isCurrency(e.currency)
      ? { amount: { value: toWireAmount(money(e.amountMinor, e.currency)), currency: e.currency } }
      : {}),
  };
}

export const CSV_COLUMNS = [
  'txId',
  'difference',
  'reason',
  'detail',
  'payonCode',
  'localState',
  'amount',
  'currency',
] as const;

/** One CSV field (RFC 4180 quoting; formula-looking text defused). */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n']/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The CSV lines of a page of exceptions; `header` adds the column names first. */
export function exceptionsCsv(items: readonly ExceptionRecord[], header: boolean): string {
  const rows = items.map((e) => {
    const view = exceptionView(e);
    return [
      view.txId,
      view.difference,
      view.reason,
      view.detail,
      view.payonCode ?? '',
      view.localState ?? '',
      view.amount?.value ?? '',
      view.amount?.currency ?? '',
    ];
  });
  const lines = (header ? [[...CSV_COLUMNS], ...rows] : rows).map((r) => r.map(csvField).join(','));
  return lines.map((line) => `${line}\r\n`).join('');
}
