import { createPinEncryptor } from '#shared/crypto/rsa.ts';
import { customerPinView } from '#shared/domain/binding.ts';
import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import { PAYON_WITH_EVENTS } from '#shared/runtime/aws-parts.ts';
import { createBindingPin } from './create-binding-pin.ts';
import { createBindingPinRoute } from './route.ts';

export const handler = apiHandler(
  createBindingPinRoute,
  // It sends PINs: the one kind of function that carries the RSA layer (node-forge).
  dependenciesWith({
    ...PAYON_WITH_EVENTS,
    pinEncryption: createPinEncryptor,
  }),
  async ({ path, body }, deps) =>
    json(200, customerPinView(await createBindingPin(deps, { ...path, ...body }))),
);
