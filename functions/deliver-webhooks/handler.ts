import type { Context } from 'aws-lambda';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import { backgroundHandler } from '#shared/runtime/background.ts';
import { webhookStore } from '#shared/store/webhooks.ts';
import { deliverWebhooks, type WebhookRunReport } from '#shared/webhooks/deliver.ts';
import { kmsSecretSealer } from '#shared/webhooks/kms-sealer.ts';
import { systemWebhookNet } from '#shared/webhooks/net.ts';
import { deliverWebhooksFunction } from './background.ts';

/**
 * Merchant webhooks, run by an EventBridge schedule every minute and by a rule on the merchant bus
 * whenever an event reaches it (the event itself is not read: the outbox is the source).
 */
export const handler = backgroundHandler<unknown, WebhookRunReport>(
  deliverWebhooksFunction,
  // It opens signing secrets: one of the functions that carry the KMS client.
  dependenciesWith({
    webhooks: webhookStore,
    webhookSealer: kmsSecretSealer,
    webhookNet: systemWebhookNet(),
  }),
  async (_event, deps, context: Context) => {
    const report = await deliverWebhooks(deps, {
      remainingMs: () => context.getRemainingTimeInMillis(),
      holder: context.awsRequestId,
    });
    if (report.attempted > 0 || report.fannedOut > 0 || report.errors > 0) {
      deps.logger.info('webhooks run done', { ...report });
    }
    return report;
  },
);
