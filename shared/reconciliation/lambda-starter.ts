/**
 * The reconciliation starter in AWS: an asynchronous invoke of the reconcile-day function. Apart
 * from ./starter.ts so that the Lambda client is bundled with start-reconciliation alone.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ConfigurationError } from '#shared/errors.ts';
import type { ReconcileRequest, ReconciliationStarter } from '#shared/reconciliation/starter.ts';
import type { BuildContext } from '#shared/runtime/dependencies.ts';

/** start-reconciliation's starter in AWS (`dependenciesWith({ reconciliationStarter: … })`). */
export function lambdaReconciliationStarter({
  config,
  tracer,
}: BuildContext): ReconciliationStarter {
  return new LambdaReconciliationStarter(
    tracer.captureAWSv3Client(new LambdaClient({})),
    config.reconciliation.functionName,
  );
}

export class LambdaReconciliationStarter implements ReconciliationStarter {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string | undefined,
  ) {}

  async start(day: string): Promise<void> {
    if (this.functionName === undefined) {
      throw new ConfigurationError('RECONCILE_FUNCTION_NAME is not configured');
    }
    const request: ReconcileRequest = { day };
    const answer = await this.client.send(
      new InvokeCommand({
        FunctionName: this.functionName,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify(request)),
      }),
    );
    if (answer.StatusCode !== 202) {
      throw new Error(`Lambda did not accept the reconciliation run (HTTP ${answer.StatusCode})`);
    }
  }
}
