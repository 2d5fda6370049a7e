import { customerPinView } from '#shared/domain/binding.ts';
import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependencies } from '#shared/runtime/dependencies.ts';
import { setPinVerificationRoute } from './route.ts';
import { setCustomerPinVerification } from './set-pin-verification.ts';

export const handler = apiHandler(
  setPinVerificationRoute,
  dependencies,
  async ({ path, body }, deps) =>
    json(200, customerPinView(await setCustomerPinVerification(deps, { ...path, ...body }))),
);
