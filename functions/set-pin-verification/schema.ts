import * as z from 'zod';
import { clientId, requestedAt } from '#shared/bindings/input.ts';

/** POST /customers/{clientId}/pin-verification {"enabled":true,"requestedAt":"…"} */
export const setPinVerificationSchemas = {
  path: z.object({ clientId }).strict(),
  body: z.object({ enabled: z.boolean(), requestedAt }).strict(),
};
