import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependencies } from '#shared/runtime/dependencies.ts';
import { customerBindings } from './list-bindings.ts';
import { listBindingsRoute } from './route.ts';

export const handler = apiHandler(listBindingsRoute, dependencies, async ({ path }, deps) =>
  json(200, await customerBindings(deps, path.clientId)),
);
