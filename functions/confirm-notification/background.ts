import { defineBackground } from '#shared/runtime/descriptor.ts';

export const confirmNotificationFunction = defineBackground({
  function: 'confirm-notification',
  trigger: 'queue',
  summary: 'Confirms a stored push; fed by the SQS queue the webhook writes to',
  // Confirms a queued push: status pull, transition, event.
  aws: {
    table: 'readWrite',
    merchantSecret: true,
    publishEvents: true,
    consumeConfirmQueue: true,
  },
});
