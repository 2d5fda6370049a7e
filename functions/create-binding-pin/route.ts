import * as z from 'zod';
import { clientId, pin, requestedAt } from '#shared/bindings/input.ts';
import { customerPinViewSchema } from '#shared/domain/binding.ts';
import { defineRoute, PAYON_ERRORS } from '#shared/runtime/descriptor.ts';

/** POST /customers/{clientId}/pin {"pin":"482916","requestedAt":"…"} */
export const createBindingPinSchemas = {
  path: z.object({ clientId }).strict(),
  body: z.object({ pin, requestedAt }).strict(),
};

export const createBindingPinRoute = defineRoute({
  function: 'create-binding-pin',
  method: 'POST',
  path: '/customers/{clientId}/pin',
  access: 'merchant',
  idempotent: true,
  sensitive: true,
  schemas: createBindingPinSchemas,
  doc: {
    readme: "set the customer's saved-card passcode (RSA-encrypted for PAYON, never kept)",
    summary: "Set the customer's saved-card passcode (RSA-encrypted for PAYON)",
    status: 200,
    tag: 'Saved cards',
    response: customerPinViewSchema,
    responseExample: {
      clientId: 'cust-1001',
      pinSet: true,
      pinVerification: null,
    },
    errors: [429, ...PAYON_ERRORS],
    example: { pin: '482916', requestedAt: '2026-11-22T10:15:00+07:00' },
  },
  // PAYON's PIN call, the customer's PIN settings and rate counter, and their events.
  aws: { table: 'readWrite', merchantSecret: true, publishEvents: true },
});
