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
import type { PayDvCd, PaymentMethod } from '#shared/domain/payment-method.ts';
import {
  ConflictError,
  CurrencyNotSupportedError,
  OutcomeUnknownError,
  PayonRejectedError,
  type PayonUnavailableError,
  ServiceUnavailableError,
  UnprocessableError,
} from '#shared/errors.ts';
import { isCredentialsRejected, payonOutcome } from '#shared/payon/outcome.ts';
import type { Dependencies } from '#shared/runtime/dependencies.ts';
import type { WritesWith } from '#shared/store/idempotency.ts';
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
  /** Register even when a live payment holds `reference` (docs/payon-assumptions.md A60). */
  readonly allowDuplicateReference?: boolean;
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

async function storeNew(
  deps: RegisterDeps,
  input: RegisterPaymentInput,
  writes: WritesWith<Payment> | undefined,
): Promise<Payment> {
  for (let attempt = 0; ; attempt += 1) {
    const { allowDuplicateReference, ...fields } = input;
    const payment = newPayment({ ...fields, txId: deps.nextTxId() }, deps.clock());
    try {
      await deps.payments.create(payment, {
        holdReference: !allowDuplicateReference,
        also: writes?.first(),
      });
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
      { path: '/pg/order/register', cause, statusCode: 502 },
    );
  }
}

/**
 * Runs a write of what PAYON answered; a store failure then becomes {@link RecordingFailedError}
 * (answered 502 `outcome_unknown`, never a bare 500): the stored CREATED payment is settled by a
 * status pull after its grace period, and a retry with the same key cannot register twice.
 */
async function recorded<T>(txId: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw new RecordingFailedError(txId, error);
  }
}

/** PAYON refused (nothing happened): that is the answer, even if it could not be recorded. */
function unlessRecordingFailed(error: unknown): void {
  if (!(error instanceof RecordingFailedError)) throw error;
}

/**
 * PENDING with its checkout. A sync that wrote first (the registration ran past its grace) left
 * it CREATED or UNKNOWN: the checkout is written on top; one that found it paid wins as it is.
 */
async function savePending(
  deps: RegisterDeps,
  created: Payment,
  {
    checkout,
    now,
    writes,
  }: {
    readonly checkout: Pick<Payment, 'checkoutUrl' | 'qrString' | 'expiresAt'>;
    readonly now: Date;
    readonly writes: WritesWith<Payment> | undefined;
  },
): Promise<Payment> {
  // The first probe stays where CREATED put it (a minute after the registration began, not after
  // PAYON answered): the sweep index's keys do not change, so the PENDING write does not rewrite
  // that index (4 write units a registration in its transaction; issue 27). PAYON's answer takes
  // about a second, its timeout at most a few: the probe comes that much sooner, which is harmless.
  const pending = transition(created, {
    to: 'PENDING',
    source: 'payon',
    reason: 'registered at PAYON',
    now,
    changes: { ...checkout, nextSyncAt: created.nextSyncAt },
  });
  try {
    await deps.payments.update(pending, { also: writes?.last(pending) });
    return pending;
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
  }
  const current = (await deps.payments.get(created.txId)) ?? created;
  const { snapshot } = current;
  if (
    snapshot.state === 'CREATED' ||
    (snapshot.state === 'UNKNOWN' && snapshot.operation === 'register')
  ) {
    const next = transition(current, {
      to: 'PENDING',
      source: 'payon',
      reason: 'registered at PAYON',
      now,
      changes: {
        ...checkout,
        ...(snapshot.state === 'CREATED' ? { nextSyncAt: current.nextSyncAt } : {}),
      },
    });
    await deps.payments.update(next, { also: writes?.last(next) });
    return next;
  }
  return current;
}

// Assumed (docs/payon-assumptions.md A30, A31): return-URL origins, 15-minute expiry.
/**
 * With `writes` (the request's Idempotency-Key hold), the key's claim is written in the
 * transaction that stores the CREATED payment, and its answer in the one that stores it PENDING:
 * two DynamoDB round trips in all (issue 27).
 */
export async function registerPayment(
  deps: RegisterDeps,
  input: RegisterPaymentInput,
  writes?: WritesWith<Payment>,
): Promise<Payment> {
  const { currencies } = deps.config.payments;
  if (!currencies.includes(input.amount.currency)) {
    throw new CurrencyNotSupportedError(input.amount.currency, currencies);
  }
  checkReturnUrl(input.returnUrl, deps.config.payments.returnUrlOrigins);
  // A saved card is charged only while its binding is active here (PAYON has no unbind).
  if (input.bindingId !== undefined) {
    await usableBinding(deps, input.clientId ?? '', input.bindingId);
  }
  await deps.payon.prepare(); // a secret problem must stop us before a payment is stored
  const created = await storeNew(deps, input, writes);
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
    const checkout = {
      checkoutUrl: order.checkoutUrl,
      qrString: order.qrString,
      expiresAt: expiresAt.toISOString(),
    };
    return await recorded(created.txId, () =>
      savePending(deps, created, { checkout, now, writes }),
    );
  } catch (error) {
    if (error instanceof RecordingFailedError) throw error.unknown;
    const now = deps.clock();
    const outcome = payonOutcome(error);
    if (outcome === 'refused' || outcome === 'not_sent') {
      // Nothing was processed: PAYON refused it, or no connection.
      const why =
        error instanceof PayonRejectedError
          ? `PAYON refused the registration (${error.payonCode})`
          : 'PAYON could not be reached';
      await recorded(created.txId, () =>
        deps.payments.update(
          transition(created, { to: 'FAILED', source: 'payon', reason: why, now }),
        ),
      ).catch(unlessRecordingFailed);
      throw error;
    }
    if (outcome === 'unknown') {
      // Also a refusal answered to the retry after a 401 (docs/payon-assumptions.md A51). If this
      // write fails too, the payment stays CREATED: the sweep asks PAYON after its grace.
      const reason = error instanceof Error ? error.message : 'unknown outcome';
      await deps.payments
        .update(markUnknown(created, { operation: 'register', reason, now }))
        .catch(() => undefined);
      if (isCredentialsRejected(error)) {
        // 401 twice: the secret is wrong; PAYON may still have registered the order (A51).
        throw new ServiceUnavailableError(
          'payon_credentials_rejected',
          `${error.message}. Payment ${created.txId} is UNKNOWN until PAYON confirms whether the order was registered`,
        );
      }
      const fault = error as OutcomeUnknownError | PayonUnavailableError | PayonRejectedError;
      throw new OutcomeUnknownError(
        `the registration of payment ${created.txId} has an unknown outcome; it is UNKNOWN until PAYON confirms (GET /payments/${created.txId}?sync=true)`,
        {
          path: fault.path,
          cause: error,
          statusCode: error instanceof OutcomeUnknownError ? error.statusCode : 502,
        },
      );
    }
    throw error;
  }
}
