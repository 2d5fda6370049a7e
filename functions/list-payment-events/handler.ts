import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import { webhookStore } from '#shared/store/webhooks.ts';
import { listPaymentEvents } from './list-payment-events.ts';
import { listPaymentEventsRoute } from './route.ts';

export const handler = apiHandler(
  listPaymentEventsRoute,
  dependenciesWith({ webhooks: webhookStore }),
  async ({ path }, deps) => json(200, await listPaymentEvents(deps, path.id)),
);
