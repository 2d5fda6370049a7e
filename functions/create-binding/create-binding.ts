import * as z from 'zod';
import { type CardRequest, checkExpiry, checkFresh } from '#shared/bindings/input.ts';
import { type BindingDeps, createBinding, rateLimit } from '#shared/bindings/service.ts';
import { type Binding, bindingViewSchema } from '#shared/domain/binding.ts';
import type { Money } from '#shared/domain/money.ts';
import type { Payment, PaymentKind } from '#shared/domain/payment.ts';
import { paymentViewSchema } from '#shared/domain/payment-view.ts';
import { AppError } from '#shared/errors.ts';
import { type RegisterDeps, registerPayment } from '#shared/payments/registration.ts';

export interface CreateBindingInput {
  readonly clientId: string;
  readonly paymentMethod: 'PAYON' | 'CREDIT_DEBIT';
  readonly card: CardRequest;
  readonly phone?: string | undefined;
  readonly email?: string | undefined;
  readonly pin?: string | undefined;
  readonly payonPin?: string | undefined;
  readonly requestedAt: string;
  readonly payment?:
    | {
        readonly kind: PaymentKind;
        readonly amount: Money;
        readonly returnUrl: string;
        readonly reference?: string | undefined;
      }
    | undefined;
}

export interface CreateBindingResult {
  readonly binding: Binding;
  readonly deactivated: Binding[];
  /** Bind-and-pay: the payment registered with the new binding, or why it could not be. */
  readonly payment?: Payment;
  readonly paymentError?: { readonly code: string; readonly message: string };
}

/**
 * `POST /customers/{clientId}/bindings` (201): openapi.json's `BindingCreated`. With `payment`, the
 * payment registered, or `payment: null` and why it could not be (the binding stays saved).
 */
export const bindingCreatedSchema = z
  .object({
    binding: bindingViewSchema,
    /** Older bindings of the same card, which PAYON deactivated. */
    deactivated: z.array(bindingViewSchema),
    payment: paymentViewSchema.nullable().exactOptional(),
    paymentError: z.object({ code: z.string(), message: z.string() }).exactOptional(),
  })
  .meta({ id: 'BindingCreated', description: 'A saved card, and the payment made with it' });

/**
 * Saves a card (fresh request, under the customer's rate limit); with `payment`, registers a
 * payment with the new binding in the same call (ZaloPay's BIND_AND_PAY). A payment PAYON refuses
 * leaves the binding saved: the answer says so.
 */
export async function createBindingFlow(
  deps: BindingDeps & RegisterDeps,
  input: CreateBindingInput,
): Promise<CreateBindingResult> {
  const now = deps.clock();
  checkFresh(input.requestedAt, now);
  checkExpiry(input.card.expiry, now);
  await rateLimit(deps, input.clientId);
  const { binding, deactivated } = await createBinding(deps, {
    clientId: input.clientId,
    paymentMethod: input.paymentMethod,
    card: input.card,
    ...(input.phone ? { phone: input.phone } : {}),
    ...(input.email ? { email: input.email } : {}),
    ...(input.pin ? { pin: input.pin } : {}),
    ...(input.payonPin ? { payonPin: input.payonPin } : {}),
  });
  if (!input.payment) return { binding, deactivated };
  try {
    const payment = await registerPayment(deps, {
      kind: input.payment.kind,
      amount: input.payment.amount,
      paymentMethod: input.paymentMethod,
      returnUrl: input.payment.returnUrl,
      ...(input.payment.reference ? { reference: input.payment.reference } : {}),
      clientId: input.clientId,
      bindingId: binding.bindingId,
    });
    return { binding, deactivated, payment };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return {
      binding,
      deactivated,
      paymentError: { code: error.code, message: error.message },
    };
  }
}
