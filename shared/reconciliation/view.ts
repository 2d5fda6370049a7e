/**
 * What the API shows of a reconciliation: the report with amounts as decimal strings (like every
 * amount the API returns), and its exceptions as JSON or CSV. CSV cells that a spreadsheet would
 * run as a formula are quoted with a leading apostrophe (PAYON's messages are not ours to trust).
 */
import { isCurrency, money, toWireAmount } from '#shared/domain/money.ts';
import { DIFFERENCE_KINDS } from '#shared/reconciliation/compare.ts';
import type { ExceptionRecord, ReconciliationReport } from '#shared/store/reconciliations.ts';

export interface AmountView {
  readonly value: string;
  readonly currency: string;
}

const amounts = (byCurrency: Record<string, number>): AmountView[] =>
  Object.entries(byCurrency)
    .filter(([currency]) => isCurrency(currency))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, minor]) => ({
      value: toWireAmount(money(minor, currency as 'USD')),
      currency,
    }));

export function reconciliationView(report: ReconciliationReport) {
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

export function exceptionView(e: ExceptionRecord) {
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
