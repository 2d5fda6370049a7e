import { listBindings } from '#shared/bindings/service.ts';
import { bindingView } from '#shared/domain/binding.ts';
import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependencies } from '#shared/runtime/dependencies.ts';
import { listBindingsSchemas } from './schema.ts';

const DAY_MS = 86_400_000;

/** The customer's saved cards, checked against PAYON's list, with PIN verification and age. */
export const handler = apiHandler(
  { operation: 'list-bindings', schemas: listBindingsSchemas, idempotent: false },
  dependencies,
  async ({ path }, deps) => {
    const { bindings, pinVerification } = await listBindings(deps, path.clientId);
    const now = deps.clock().getTime();
    return json(200, {
      clientId: path.clientId,
      pinVerification: pinVerification ?? null,
      items: bindings.map((b) => ({
        ...bindingView(b),
        ageDays: Math.floor((now - Date.parse(b.createdAt)) / DAY_MS),
      })),
    });
  },
);
