import * as z from 'zod';
import { clientId } from '#shared/bindings/input.ts';
import { defineRoute } from '#shared/runtime/descriptor.ts';

/** GET /customers/{clientId}/bindings */
export const listBindingsSchemas = {
  path: z.object({ clientId }).strict(),
};

export const listBindingsRoute = defineRoute({
  function: 'list-bindings',
  method: 'GET',
  path: '/customers/{clientId}/bindings',
  access: 'merchant',
  idempotent: false,
  schemas: listBindingsSchemas,
  doc: {
    readme:
      "the customer's saved cards: status (`active` / `deactivated` / `unbound`), PIN verification, age",
    summary: "The customer's saved cards with status, PIN verification and age",
    status: 200,
    tag: 'Saved cards',
  },
  // PAYON's binding list, the customer's bindings (by Query on the customer's partition), and the
  // events of bindings PAYON no longer lists.
  aws: {
    table: 'readWrite',
    queryTable: true,
    merchantSecret: true,
    publishEvents: true,
  },
});
