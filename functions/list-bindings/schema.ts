import * as z from 'zod';
import { clientId } from '#shared/bindings/input.ts';

/** GET /customers/{clientId}/bindings */
export const listBindingsSchemas = {
  path: z.object({ clientId }).strict(),
};
