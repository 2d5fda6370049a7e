import * as z from 'zod';
import { clientId, requestedAt } from '#shared/bindings/input.ts';
import { defineRoute } from '#shared/runtime/descriptor.ts';

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
    example: { enabled: true, requestedAt: '2026-11-22T10:15:00+07:00' },
  },
  // PAYON's PIN toggle, the customer's PIN settings and rate counter, and their events.
  aws: { table: 'readWrite', merchantSecret: true, publishEvents: true },
});
