import type { ScheduledEvent } from 'aws-lambda';
import { ConflictError } from '#shared/errors.ts';
import { reconcileDay } from '#shared/reconciliation/run.ts';
import { dayToReconcile, type ReconcileRequest } from '#shared/reconciliation/starter.ts';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import { PAYON_WITH_EVENTS } from '#shared/runtime/aws-parts.ts';
import { backgroundHandler } from '#shared/runtime/background.ts';
import type { ReconciliationReport } from '#shared/store/reconciliations.ts';
import { reconcileDayFunction } from './background.ts';

/**
 * Reconciles one Cambodian business day: daily from the EventBridge schedule (the day before), or
 * the day the API names (`POST /reconciliations`: the bus's rule hands over its `{ day }`). A day already being
 * reconciled is left to that run.
 */
export const handler = backgroundHandler<
  ScheduledEvent | ReconcileRequest,
  ReconciliationReport | undefined
>(reconcileDayFunction, dependenciesWith(PAYON_WITH_EVENTS), async (event, deps) => {
  const day = dayToReconcile(event, deps.clock());
  try {
    const report = await reconcileDay(deps, day, {
      batchSize: deps.config.reconciliation.batchSize,
    });
    deps.logger.info('reconciliation done', { day, runId: report.runId, ...report.counts });
    return report;
  } catch (error) {
    if (error instanceof ConflictError && error.code === 'reconciliation_running') {
      deps.logger.warn('reconciliation already running; this invocation stops', { day });
      return undefined;
    }
    throw error;
  }
});
