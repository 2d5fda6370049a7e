import { bindingView } from '#shared/domain/binding.ts';
import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependencies } from '#shared/runtime/dependencies.ts';
import { unbindBindingRoute } from './route.ts';
import { unbindBinding } from './unbind-binding.ts';

export const handler = apiHandler(unbindBindingRoute, dependencies, async ({ path, body }, deps) =>
  json(200, bindingView(await unbindBinding(deps, { ...path, requestedAt: body.requestedAt }))),
);
