import * as z from 'zod';
import { clientId, requestedAt } from '#shared/bindings/input.ts';
import { customerPinViewSchema } from '#shared/domain/binding.ts';
import { defineRoute, PAYON_ERRORS } from '#shared/runtime/descriptor.ts';

/** POST /customers/{clientId}/pin-verification {"enabled":true,"requestedAt":"…"} */
export const setPinVerificationSchemas = {
  path: z.object({ clientId }).strict(),
  body: z.object({ enabled: z.boolean(), requestedAt }).strict(),
};

export const setPinVerificationRoute = defineRoute({
  function: 'set-pin-verification',
  method: 'POST',
  path: '/customers/{clientId}/pin-verification',
  access: 'merchant',
  idempotent: true,
  schemas: setPinVerificationSchemas,
  doc: {
    readme: "turn PAYON's passcode check on or off",
    summary: "Turn PAYON's passcode check on or off for the customer",
    status: 200,
    tag: 'Saved cards',
    response: customerPinViewSchema,
    responseExample: {
      clientId: 'cust-1001',
      pinSet: true,
      pinVerification: true,
    },
    errors: [429, ...PAYON_ERRORS],
    example: { enabled: true, requestedAt: '2026-11-22T10:15:00+07:00' },
  },
  // PAYON's PIN toggle, the customer's PIN settings and rate counter, and their events.
  aws: { table: 'readWrite', merchantSecret: true, publishEvents: true },
});
