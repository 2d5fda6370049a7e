import { checkFresh } from '#shared/bindings/input.ts';
import { rateLimit, unbind } from '#shared/bindings/service.ts';
import { bindingView } from '#shared/domain/binding.ts';
import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependencies } from '#shared/runtime/dependencies.ts';
import { unbindBindingSchemas } from './schema.ts';

/** Soft-unbinds a saved card: the product never charges it again (PAYON has no unbind). */
export const handler = apiHandler(
  { operation: 'unbind-binding', schemas: unbindBindingSchemas, idempotent: true },
  dependencies,
  async ({ path, body }, deps) => {
    checkFresh(body.requestedAt, deps.clock());
    await rateLimit(deps, path.clientId);
    return json(200, bindingView(await unbind(deps, path.clientId, path.bindingId)));
  },
);
