import { checkFresh } from '#shared/bindings/input.ts';
import { createPin, rateLimit } from '#shared/bindings/service.ts';
import { createPinEncryptor } from '#shared/crypto/rsa.ts';
import { customerPinView } from '#shared/domain/binding.ts';
import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependenciesWith } from '#shared/runtime/dependencies.ts';
import { createBindingPinSchemas } from './schema.ts';

/** Sets the customer's saved-card passcode at PAYON, RSA-encrypted; the PIN is never kept. */
export const handler = apiHandler(
  {
    operation: 'create-binding-pin',
    schemas: createBindingPinSchemas,
    idempotent: true,
    sensitive: true,
  },
  // It sends PINs: the one kind of function that carries the RSA layer (node-forge).
  dependenciesWith({ pinEncryption: createPinEncryptor }),
  async ({ path, body }, deps) => {
    checkFresh(body.requestedAt, deps.clock());
    await rateLimit(deps, path.clientId);
    const customer = await createPin(deps, path.clientId, body.pin);
    return json(200, customerPinView(customer));
  },
);
