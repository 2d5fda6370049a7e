import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { InvalidRequestError } from '#shared/errors.ts';
import { confirmNotification } from '#shared/notifications/confirm.ts';
import { readRef } from '#shared/notifications/queue.ts';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import { PAYON_WITH_EVENTS } from '#shared/runtime/aws-parts.ts';
import { backgroundHandler } from '#shared/runtime/background.ts';
import { confirmNotificationFunction } from './background.ts';

/**
 * Confirms pushes the webhook queued (SQS, partial batch responses). A message that fails is
 * retried by SQS and, whatever happens, the notification stays due in the sweep index.
 */
export const handler = backgroundHandler<SQSEvent, SQSBatchResponse>(
  confirmNotificationFunction,
  dependenciesWith(PAYON_WITH_EVENTS),
  async (event, deps) => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        // Its own metrics (disagreed, orphaned, retried) come from confirmNotification.
        await confirmNotification(deps, readRef(record.body));
      } catch (error) {
        if (error instanceof InvalidRequestError) {
          // Not a message this product wrote: retrying cannot help.
          deps.logger.warn('dropped a queue message that names no notification');
          continue;
        }
        deps.logger.error('could not confirm a notification; SQS will retry', { error });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  },
);
