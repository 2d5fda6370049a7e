import { RUN_LEASE_MS } from '#shared/reconciliation/run.ts';
import { defineBackground } from '#shared/runtime/descriptor.ts';

export const reconcileDayFunction = defineBackground({
  function: 'reconcile-day',
  trigger: 'schedule',
  summary:
    'Daily reconciliation (EventBridge schedule); also run for the day start-reconciliation asks for (a request event on the stage\u2019s bus)',
  // 15 minutes: Lambda's limit, and the lease a running report holds the day for.
  timeoutMs: RUN_LEASE_MS,
  // Pages of PAYON's history joined with batched reads of payments, the day's own payments through
  // the list index (a key range of the day's creation times), exceptions and markers written in batches, heals (which move payments, so it
  // delivers their events) and the `reconciliation.completed` event.
  aws: {
    table: 'readWrite',
    listIndex: true,
    queryTable: true,
    batchTable: true,
    merchantSecret: true,
    publishEvents: true,
  },
});
