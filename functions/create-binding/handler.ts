import { createPinEncryptor } from '#shared/crypto/rsa.ts';
import { bindingView } from '#shared/domain/binding.ts';
import { paymentView } from '#shared/domain/payment.ts';
import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import { PAYON_WITH_EVENTS } from '#shared/runtime/aws-parts.ts';
import { createBindingFlow } from './create-binding.ts';
import { createBindingRoute } from './route.ts';

export const handler = apiHandler(
  createBindingRoute,
  // It sends PINs: the one kind of function that carries the RSA layer (node-forge).
  dependenciesWith({
    ...PAYON_WITH_EVENTS,
    pinEncryption: createPinEncryptor,
  }),
  async ({ path, body }, deps) => {
    const result = await createBindingFlow(deps, { ...body, clientId: path.clientId });
    return json(
      201,
      {
        binding: bindingView(result.binding),
        deactivated: result.deactivated.map(bindingView),
        ...(result.payment ? { payment: paymentView(result.payment) } : {}),
        ...(result.paymentError ? { payment: null, paymentError: result.paymentError } : {}),
      },
      { location: `/customers/${path.clientId}/bindings` },
    );
  },
);
