import { bindingView } from '#shared/domain/binding.ts';
import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import { PAYON_WITH_EVENTS } from '#shared/runtime/aws-parts.ts';
import { unbindBindingRoute } from './route.ts';
import { unbindBinding } from './unbind-binding.ts';

export const handler = apiHandler(
  unbindBindingRoute,
  dependenciesWith(PAYON_WITH_EVENTS),
  async ({ path, body }, deps) =>
    json(200, bindingView(await unbindBinding(deps, { ...path, requestedAt: body.requestedAt }))),
);
