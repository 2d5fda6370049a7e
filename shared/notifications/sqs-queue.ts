/**
 * The webhook's hand-off to confirmation in AWS: an SQS message naming the stored notification.
 * Apart from ./queue.ts so that the SQS client is bundled with the webhook alone.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { ConfirmQueue } from '#shared/notifications/queue.ts';
import type { BuildContext } from '#shared/runtime/dependencies.ts';
import type { NotificationRef } from '#shared/store/notifications.ts';

export class SqsConfirmQueue implements ConfirmQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string | undefined,
  ) {}

  async enqueue(ref: NotificationRef): Promise<void> {
    if (this.queueUrl === undefined) throw new Error('CONFIRM_QUEUE_URL is not configured');
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify({ txId: ref.txId, id: ref.id }),
      }),
    );
  }
}

/** The webhook's hand-off in AWS (`dependenciesWith({ confirmQueue: sqsConfirmQueue })`). */
export function sqsConfirmQueue({ config, tracer }: BuildContext): ConfirmQueue {
  return new SqsConfirmQueue(
    tracer.captureAWSv3Client(new SQSClient({})),
    config.notifications.confirmQueueUrl,
  );
}
