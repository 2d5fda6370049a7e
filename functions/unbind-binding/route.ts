import * as z from 'zod';
import { bindingId, clientId, requestedAt } from '#shared/bindings/input.ts';
import { defineRoute } from '#shared/runtime/descriptor.ts';

/** POST /customers/{clientId}/bindings/{bindingId}/unbind {"requestedAt":"…"} */
export const unbindBindingSchemas = {
  path: z.object({ clientId, bindingId }).strict(),
  body: z.object({ requestedAt }).strict(),
};

export const unbindBindingRoute = defineRoute({
  function: 'unbind-binding',
  method: 'POST',
  path: '/customers/{clientId}/bindings/{bindingId}/unbind',
  access: 'merchant',
  idempotent: true,
  schemas: unbindBindingSchemas,
  doc: {
    readme: 'soft-unbind (PAYON has none): the card is refused from then on',
    summary: 'Soft-unbind a saved card: it is never charged again',
    status: 200,
    tag: 'Saved cards',
    example: { requestedAt: '2026-11-22T10:15:00+07:00' },
  },
  // The customer's bindings (by Query on the customer's partition), PAYON's PIN toggle when the
  // last one goes, and the binding's event.
  aws: {
    table: 'readWrite',
    queryTable: true,
    merchantSecret: true,
    publishEvents: true,
  },
});
