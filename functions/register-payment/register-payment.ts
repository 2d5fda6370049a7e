/**
 * Registering a payment: stored first (CREATED), then registered at PAYON, then PENDING with its
 * checkout. A refusal is FAILED; an unanswered call is UNKNOWN and never sent again.
 */
import { usableBinding } from '#shared/bindings/service.ts';
import type { Money } from '#shared/domain/money.ts';
import {
  markUnknown,
  newPayment,
  type Payment,
  type PaymentKind,
  transition,
} from '#shared/domain/payment.ts';
import {
  OutcomeUnknownError,
  PayonRejectedError,
  PayonUnavailableError,
  ServiceUnavailableError,
  UnprocessableError,
} from '#shared/errors.ts';
import type { PayDvCd, PaymentMethod } from '#shared/payon/types.ts';
import type { Dependencies } from '#shared/runtime/dependencies.ts';
import { TxIdTakenError } from '#shared/store/payments.ts';

export type RegisterDeps = Pick<
  Dependencies,
  'payon' | 'payments' | 'bindings' | 'clock' | 'nextTxId' | 'config'
>;

export interface RegisterPaymentInput {
  readonly kind: PaymentKind;
  readonly amount: Money;
  readonly paymentMethod: PaymentMethod;
  readonly payDvCd?: PayDvCd;
  readonly returnUrl: string;
  readonly reference?: string;
  readonly clientId?: string;
  readonly bindingId?: string;
}

/** The returnUrl must be on an origin the merchant configured (no open redirect through us). */
export function checkReturnUrl(returnUrl: string, allowed: readonly string[]): void {
  const origin = new URL(returnUrl).origin;
  if (!allowed.includes(origin)) {
    throw new UnprocessableError(
      'return_url_not_allowed',
      `returnUrl must be on one of the configured origins (RETURN_URL_ORIGINS); ${origin} is not`,
    );
  }
}

async function storeNew(deps: RegisterDeps, input: RegisterPaymentInput): Promise<Payment> {
  for (let attempt = 0; ; attempt += 1) {
    const payment = newPayment({ ...input, txId: deps.nextTxId() }, deps.clock());
    try {
      await deps.payments.create(payment);
      return payment;
    } catch (error) {
      if (!(error instanceof TxIdTakenError) || attempt >= 4) throw error;
    }
  }
}

class RecordingFailedError extends Error {
  readonly unknown: OutcomeUnknownError;

  constructor(txId: string, cause: unknown) {
    super('registered at PAYON, not recorded');
    this.unknown = new OutcomeUnknownError(
      `payment ${txId} was registered at PAYON but could not be recorded; it stays UNKNOWN until PAYON confirms (GET /payments/${txId}?sync=true)`,
      '/pg/order/register',
      { cause },
      502,
    );
  }
}

// Assumed (docs/payon-assumptions.md A30, A31): return-URL origins, 15-minute expiry.
export async function registerPayment(
  deps: RegisterDeps,
  input: RegisterPaymentInput,
): Promise<Payment> {
  checkReturnUrl(input.returnUrl, deps.config.payments.returnUrlOrigins);
  // A saved card is charged only while its binding is active here (PAYON has no unbind).
  if (input.bindingId !== undefined) {
    await usableBinding(deps, input.clientId ?? '', input.bindingId);
  }
  await deps.payon.prepare(); // a secret problem must stop us before a payment is stored
  const created = await storeNew(deps, input);
  try {
    const order = await deps.payon.registerOrder({
      txId: created.txId,
      kind: input.kind,
      amount: input.amount,
      paymentMethod: input.paymentMethod,
      ...(input.payDvCd ? { payDvCd: input.payDvCd } : {}),
      ...(input.clientId ? { clientId: input.clientId } : {}),
      ...(input.bindingId ? { bindingId: input.bindingId } : {}),
    });
    const now = deps.clock();
    const expiresAt =
      order.expiresAt ?? new Date(now.getTime() + deps.config.payments.orderExpiryMinutes * 60_000);
    const pending = transition(created, 'PENDING', 'payon', 'registered at PAYON', now, {
      checkoutUrl: order.checkoutUrl,
      qrString: order.qrString,
      expiresAt: expiresAt.toISOString(),
    });
    try {
      await deps.payments.update(pending);
    } catch (storeError) {
      // PAYON has the order but we could not record it: answer a final "unknown" (so the
      // Idempotency-Key is not freed and a retry cannot register a second order); the stored
      // CREATED payment is settled by a status pull after its grace period.
      throw new RecordingFailedError(created.txId, storeError);
    }
    return pending;
  } catch (error) {
    if (error instanceof RecordingFailedError) throw error.unknown;
    const now = deps.clock();
    if (error instanceof PayonRejectedError && !error.afterRetry) {
      await deps.payments.update(
        transition(
          created,
          'FAILED',
          'payon',
          `PAYON refused the registration (${error.payonCode})`,
          now,
        ),
      );
      throw error;
    }
    const credentials =
      error instanceof ServiceUnavailableError && error.code === 'payon_credentials_rejected';
    if ((error instanceof PayonUnavailableError && !error.mayHaveMovedMoney) || credentials) {
      // Nothing was processed: no connection, or PAYON refused our token before anything else.
      const why = credentials ? 'PAYON refused our credentials' : 'PAYON could not be reached';
      await deps.payments.update(transition(created, 'FAILED', 'payon', why, now));
      throw error;
    }
    if (
      error instanceof OutcomeUnknownError ||
      error instanceof PayonUnavailableError ||
      error instanceof PayonRejectedError // refused on the retry after a 401 (DEFAULTS.md)
    ) {
      await deps.payments.update(markUnknown(created, 'register', error.message, now));
      throw new OutcomeUnknownError(
        `the registration of payment ${created.txId} has an unknown outcome; it is UNKNOWN until PAYON confirms (GET /payments/${created.txId}?sync=true)`,
        error.path,
        { cause: error },
        error instanceof OutcomeUnknownError ? error.statusCode : 502,
      );
    }
    throw error;
  }
}
