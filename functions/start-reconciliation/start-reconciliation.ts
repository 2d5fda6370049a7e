import * as z from 'zod';
import { ConflictError, InvalidRequestError } from '#shared/errors.ts';
import { RUN_LEASE_MS } from '#shared/reconciliation/run.ts';
import { dayProblem, type ReconciliationStarter } from '#shared/reconciliation/starter.ts';
import type { Dependencies } from '#shared/runtime/dependencies.ts';

export type StartDeps = Pick<Dependencies, 'reconciliations' | 'clock'> & {
  readonly reconciliationStarter: ReconciliationStarter;
};

/** `POST /reconciliations` (202): openapi.json's `ReconciliationAccepted`. */
export const reconciliationAcceptedSchema = z
  .object({
    day: z.string(),
    status: z.literal('accepted'),
    /** Where the day's report is (also the `location` header). */
    report: z.string(),
  })
  .meta({ id: 'ReconciliationAccepted', description: 'A reconciliation run asked for' });

/**
 * Asks for a run of `day` (a Cambodian business day up to today). Refused while a run of that day
 * is running; the run itself checks again, so two requests racing here still make one run.
 */
export async function startReconciliation(
  deps: StartDeps,
  day: string,
): Promise<z.output<typeof reconciliationAcceptedSchema>> {
  const now = deps.clock();
  const problem = dayProblem(day, now);
  if (problem) throw new InvalidRequestError([{ field: 'day', reason: problem }]);
  const current = await deps.reconciliations.report(day);
  if (
    current?.status === 'running' &&
    Date.parse(current.startedAt) > now.getTime() - RUN_LEASE_MS
  ) {
    throw new ConflictError(
      'reconciliation_running',
      `a reconciliation of ${day} is already running; its report shows when it is done`,
      60,
    );
  }
  await deps.reconciliationStarter.start(day);
  return { day, status: 'accepted', report: `/reconciliations/${day}` };
}
