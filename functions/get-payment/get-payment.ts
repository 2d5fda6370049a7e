import type { Payment } from '#shared/domain/payment.ts';
import { ConflictError } from '#shared/errors.ts';
import { loadPayment } from '#shared/payments/money-moves.ts';
import { type SyncDeps, syncPayment } from '#shared/payments/sync.ts';
import type { Dependencies } from '#shared/runtime/dependencies.ts';

/**
 * The payment as stored; with `sync`, PAYON is asked first when it may know more. A failed read
 * of PAYON changes nothing and is reported as such.
 */
export async function getPayment(
  deps: SyncDeps & Pick<Dependencies, 'payments'>,
  txId: string,
  sync: boolean,
): Promise<Payment> {
  const payment = await loadPayment(deps, txId);
  if (!sync) return payment;
  try {
    return (await syncPayment(deps, payment)).payment;
  } catch (error) {
    // Another writer (the sweep, a push) moved it meanwhile: its version is the answer.
    if (error instanceof ConflictError) return loadPayment(deps, txId);
    throw error;
  }
}
