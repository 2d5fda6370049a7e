import * as z from 'zod';
import { clientId } from '#shared/bindings/input.ts';
import { defineRoute, PAYON_ERRORS } from '#shared/runtime/descriptor.ts';
import { customerBindingsSchema } from './list-bindings.ts';

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
    response: customerBindingsSchema,
    responseExample: {
      clientId: 'cust-1001',
      pinVerification: true,
      items: [
        {
          id: 'b3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
          clientId: 'cust-1001',
          paymentMethod: 'CREDIT_DEBIT',
          maskedPan: '411111******1111',
          expiry: '2030-12',
          status: 'active',
          statusReason: null,
          createdAt: '2026-11-22T03:15:00.412Z',
          updatedAt: '2026-11-22T03:15:00.412Z',
          ageDays: 12,
        },
      ],
    },
    errors: [...PAYON_ERRORS],
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
