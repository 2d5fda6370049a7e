import * as z from 'zod';
import { clientId, pin, requestedAt } from '#shared/bindings/input.ts';

/** POST /customers/{clientId}/pin {"pin":"482916","requestedAt":"…"} */
export const createBindingPinSchemas = {
  path: z.object({ clientId }).strict(),
  body: z.object({ pin, requestedAt }).strict(),
};
