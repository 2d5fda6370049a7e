import { checkFresh } from '#shared/bindings/input.ts';
import { rateLimit, setPinVerification } from '#shared/bindings/service.ts';
import { customerPinView } from '#shared/domain/binding.ts';
import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependencies } from '#shared/runtime/dependencies.ts';
import { setPinVerificationSchemas } from './schema.ts';

/** Turns PAYON's PIN verification of saved-card payments on or off for a customer. */
export const handler = apiHandler(
  { operation: 'set-pin-verification', schemas: setPinVerificationSchemas, idempotent: true },
  dependencies,
  async ({ path, body }, deps) => {
    checkFresh(body.requestedAt, deps.clock());
    await rateLimit(deps, path.clientId);
    const customer = await setPinVerification(deps, path.clientId, body.enabled);
    return json(200, customerPinView(customer));
  },
);
