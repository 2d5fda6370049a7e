import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import {
  eventBridgePublisher,
  payonGateway,
  secretsManagerSecrets,
} from '#shared/runtime/aws-parts.ts';
import { customerBindings } from './list-bindings.ts';
import { listBindingsRoute } from './route.ts';

export const handler = apiHandler(
  listBindingsRoute,
  dependenciesWith({
    secrets: secretsManagerSecrets,
    payon: payonGateway,
    publisher: eventBridgePublisher,
  }),
  async ({ path }, deps) => json(200, await customerBindings(deps, path.clientId)),
);
