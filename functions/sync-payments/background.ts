import { SWEEP_LEASE_MS } from '#shared/payments/sweep.ts';
import { defineBackground } from '#shared/runtime/descriptor.ts';

export const syncPaymentsFunction = defineBackground({
  function: 'sync-payments',
  trigger: 'schedule',
  summary: 'The status sweep, every minute (EventBridge schedule)',
  // A run stops starting work 10 s before its timeout, which is the sweep lease's length.
  timeoutMs: SWEEP_LEASE_MS,
  // Queries what is due (the sweep index's keys, then BatchGetItem of the items), probes PAYON,
  // transitions, redelivers events.
  aws: {
    table: 'readWrite',
    syncIndex: true,
    batchRead: true,
    merchantSecret: true,
    publishEvents: true,
  },
});
