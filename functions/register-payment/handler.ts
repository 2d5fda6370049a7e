import { type Payment, paymentView } from '#shared/domain/payment.ts';
import { apiHandler } from '#shared/http/api.ts';
import { json } from '#shared/http/responses.ts';
import { registerPayment } from '#shared/payments/registration.ts';
import { dependenciesWith } from '#shared/runtime/assemble.ts';
import { PAYON_WITH_EVENTS } from '#shared/runtime/aws-parts.ts';
import { registerPaymentRoute } from './route.ts';

const answer = (payment: Payment) =>
  json(201, paymentView(payment), { location: `/payments/${payment.txId}` });

// The Idempotency-Key's claim and answer ride in the registration's own two transactions.
export const handler = apiHandler(
  registerPaymentRoute,
  dependenciesWith(PAYON_WITH_EVENTS),
  async ({ body, idempotency }, deps) => {
    const payment = await registerPayment(
      deps,
      {
        kind: body.kind,
        amount: body.amount,
        paymentMethod: body.paymentMethod,
        returnUrl: body.returnUrl,
        ...(body.payDvCd ? { payDvCd: body.payDvCd } : {}),
        ...(body.reference ? { reference: body.reference } : {}),
        ...(body.allowDuplicateReference ? { allowDuplicateReference: true } : {}),
        ...(body.savedCard
          ? { clientId: body.savedCard.clientId, bindingId: body.savedCard.bindingId }
          : {}),
      },
      idempotency?.answeringWith(answer),
    );
    return answer(payment);
  },
);
