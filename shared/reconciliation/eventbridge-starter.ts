/**
 * The reconciliation starter in AWS: a request event on the stage's bus, which a rule of its own
 * (source and detail type below) hands to the reconcile-day function as `{ day }`. EventBridge
 * delivers it at least once, retried as the daily schedule's target is; a run of a day already
 * running stops, and a rerun of a day is safe. Apart from ./starter.ts so that the EventBridge
 * client is bundled only with the functions that use it (docs/performance.md, "Cold start": the
 * Lambda client this replaces was 70 KB of start-reconciliation's bundle).
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  RECONCILE_REQUEST,
  type ReconcileRequest,
  type ReconciliationStarter,
} from '#shared/reconciliation/starter.ts';
import type { BuildContext } from '#shared/runtime/assemble.ts';

/** start-reconciliation's starter in AWS (`dependenciesWith({ reconciliationStarter: … })`). */
export function eventBridgeReconciliationStarter({
  config,
  tracer,
  overrides,
}: BuildContext): ReconciliationStarter {
  return new EventBridgeReconciliationStarter(
    overrides.eventBridge ?? tracer.captureAWSv3Client(new EventBridgeClient({})),
    config.events.busName,
  );
}

export class EventBridgeReconciliationStarter implements ReconciliationStarter {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async start(day: string): Promise<void> {
    const request: ReconcileRequest = { day };
    const answer = await this.client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.busName,
            Source: RECONCILE_REQUEST.source,
            DetailType: RECONCILE_REQUEST.detailType,
            Detail: JSON.stringify(request),
          },
        ],
      }),
    );
    const entry = answer.Entries?.[0];
    if ((answer.FailedEntryCount ?? 0) > 0 || !entry?.EventId) {
      throw new Error(
        `EventBridge did not take the reconciliation request (${entry?.ErrorCode ?? 'no entry'})`,
      );
    }
  }
}
