import * as z from 'zod';
import { bindingId, clientId, requestedAt } from '#shared/bindings/input.ts';
import { bindingViewSchema } from '#shared/domain/binding.ts';
import { defineRoute, PAYON_ERRORS } from '#shared/runtime/descriptor.ts';

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
    response: bindingViewSchema,
    responseExample: {
      id: 'b3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
      clientId: 'cust-1001',
      paymentMethod: 'CREDIT_DEBIT',
      maskedPan: '411111******1111',
      expiry: '2030-12',
      status: 'unbound',
      statusReason: 'unbound by the merchant',
      createdAt: '2026-11-22T03:15:00.412Z',
      updatedAt: '2026-12-04T08:00:00.000Z',
    },
    errors: [404, 409, 429, ...PAYON_ERRORS],
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
