import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import { PAYON_WITH_EVENTS } from '#shared/runtime/aws-parts.ts';
import { customerBindings } from './list-bindings.ts';
import { listBindingsRoute } from './route.ts';

export const handler = apiHandler(
  listBindingsRoute,
  dependenciesWith(PAYON_WITH_EVENTS),
  async ({ path }, deps) => json(200, await customerBindings(deps, path.clientId)),
);
