import { NotFoundError } from '#shared/errors.ts';
import type { Dependencies } from '#shared/runtime/dependencies.ts';
import type { ExceptionRecord, ReconciliationReport } from '#shared/store/reconciliations.ts';

type Deps = Pick<Dependencies, 'reconciliations'>;

/** The latest run's report of `day`; 404 when the day was never reconciled. */
export async function getReconciliation(deps: Deps, day: string): Promise<ReconciliationReport> {
  const report = await deps.reconciliations.report(day);
  if (!report) throw new NotFoundError(`${day} has not been reconciled`);
  return report;
}

/** One page of the latest run's exceptions, in txId order. */
export async function listExceptions(
  deps: Deps,
  day: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<{
  report: ReconciliationReport;
  items: ExceptionRecord[];
  nextCursor: string | undefined;
}> {
  const report = await getReconciliation(deps, day);
  const { items, cursor } = await deps.reconciliations.exceptions({
    day,
    runId: report.runId,
    limit: page.limit,
    cursor: page.cursor,
  });
  return { report, items, nextCursor: cursor };
}
