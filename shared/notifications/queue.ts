/**
 * The hand-off from the webhook to the confirmation function: an SQS message naming the stored
 * notification (never its body). If the hand-off fails the notification is still stored and due in
 * the sweep index, so it is confirmed a minute later instead of at once.
 */
import type { SQSEvent } from 'aws-lambda';
import { InvalidRequestError } from '#shared/errors.ts';
import type { NotificationRef } from '#shared/store/notifications.ts';

export interface ConfirmQueue {
  enqueue(ref: NotificationRef): Promise<void>;
}

const REF = /^[A-Za-z0-9_-]{1,64}$/;

/** The notification an SQS message names; throws for a message this product did not write. */
export function readRef(body: string): NotificationRef {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new InvalidRequestError([{ field: 'body', reason: 'is not valid JSON' }]);
  }
  const { txId, id } = (parsed ?? {}) as Record<string, unknown>;
  if (typeof txId !== 'string' || !REF.test(txId) || typeof id !== 'string' || !REF.test(id)) {
    throw new InvalidRequestError([{ field: 'body', reason: 'must name a notification' }]);
  }
  return { txId, id };
}

/** The SQS event Lambda hands the confirmation function for these messages (local runtime, tests). */
export function sqsEvent(refs: readonly NotificationRef[]): SQSEvent {
  return {
    Records: refs.map((ref, index) => ({
      messageId: `local-${Date.now()}-${index}`,
      receiptHandle: 'local',
      body: JSON.stringify(ref),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.now()),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:local:000000000000:confirm-notifications',
      awsRegion: 'local',
    })),
  };
}
