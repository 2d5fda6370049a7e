import { defineBackground } from '#shared/runtime/descriptor.ts';
import { WEBHOOK_RUN_MS } from '#shared/webhooks/deliver.ts';

export const deliverWebhooksFunction = defineBackground({
  function: 'deliver-webhooks',
  trigger: 'schedule',
  summary:
    'Merchant webhooks: fans new outbox events out to the endpoints and attempts what is due (every minute, and whenever an event reaches the bus)',
  // A run stops starting attempts 15 s before its timeout, which is its leases' length.
  timeoutMs: WEBHOOK_RUN_MS,
  // Lists endpoints, reads events awaiting fan-out (list index, `HOOKS`, then BatchGetItem of
  // their envelopes) and due deliveries (sweep index, `HOOK#<endpoint>`, then BatchGetItem), writes deliveries and
  // attempts, opens signing secrets (KMS Decrypt).
  aws: {
    table: 'readWrite',
    syncIndex: true,
    listIndex: true,
    queryTable: true,
    batchRead: true,
    merchantSecret: false,
    webhookSecrets: 'open',
  },
});
