import type { ScheduledEvent } from 'aws-lambda';
import { runSweep, type SweepReport } from '#shared/payments/sweep.ts';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import { PAYON_WITH_EVENTS } from '#shared/runtime/aws-parts.ts';
import { backgroundHandler } from '#shared/runtime/background.ts';
import { syncPaymentsFunction } from './background.ts';

/** The status sweep, run by an EventBridge schedule every minute. */
export const handler = backgroundHandler<ScheduledEvent, SweepReport>(
  syncPaymentsFunction,
  dependenciesWith(PAYON_WITH_EVENTS),
  async (_event, deps, context) => {
    const report = await runSweep(deps, {
      remainingMs: () => context.getRemainingTimeInMillis(),
      holder: context.awsRequestId,
    });
    deps.logger.info('sweep done', { ...report });
    return report;
  },
);
