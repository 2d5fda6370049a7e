import { customerPinView } from '#shared/domain/binding.ts';
import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import { PAYON_WITH_EVENTS } from '#shared/runtime/aws-parts.ts';
import { setPinVerificationRoute } from './route.ts';
import { setCustomerPinVerification } from './set-pin-verification.ts';

export const handler = apiHandler(
  setPinVerificationRoute,
  dependenciesWith(PAYON_WITH_EVENTS),
  async ({ path, body }, deps) =>
    json(200, customerPinView(await setCustomerPinVerification(deps, { ...path, ...body }))),
);
