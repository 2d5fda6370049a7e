import * as z from 'zod';
import { bindingId, clientId, requestedAt } from '#shared/bindings/input.ts';

/** POST /customers/{clientId}/bindings/{bindingId}/unbind {"requestedAt":"…"} */
export const unbindBindingSchemas = {
  path: z.object({ clientId, bindingId }).strict(),
  body: z.object({ requestedAt }).strict(),
};
