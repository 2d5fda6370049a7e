import { type Payment, type Resolution, resolveByOperator } from '#shared/domain/payment.ts';
import { ConflictError } from '#shared/errors.ts';
import { loadPayment } from '#shared/payments/money-moves.ts';
import type { Dependencies } from '#shared/runtime/dependencies.ts';
import { count } from '#shared/runtime/metrics.ts';

export type ResolveDeps = Pick<Dependencies, 'payments' | 'clock' | 'logger' | 'metrics'>;

/**
 * An operator's verdict on an UNKNOWN money move (docs/payon-assumptions.md A49: what the product
 * cannot settle from PAYON's evidence is escalated, and settled by a person): `happened` takes the
 * move's done state, `did_not_happen` the state before it. Nothing is sent to PAYON; the history
 * keeps the operator's reason and the transition's event says `resolvedBy: "operator"`.
 */
export async function resolvePayment(
  deps: ResolveDeps,
  txId: string,
  verdict: { readonly outcome: Resolution; readonly reason: string },
): Promise<Payment> {
  const { outcome, reason } = verdict;
  const payment = await loadPayment(deps, txId);
  const { snapshot } = payment;
  if (snapshot.state !== 'UNKNOWN') {
    throw new ConflictError(
      'payment_state_conflict',
      `only a payment whose outcome is UNKNOWN is resolved by an operator; payment ${txId} is ${snapshot.state}`,
    );
  }
  const resolved = resolveByOperator(payment, {
    outcome,
    reason: reason.trim(),
    now: deps.clock(),
  });
  await deps.payments.update(resolved);
  count(deps.metrics, 'payments.resolvedByOperator');
  // The audit line: what was resolved and how; the reason stays in the payment's history.
  deps.logger.warn('an operator resolved an unknown outcome', {
    txId,
    operation: snapshot.operation,
    outcome,
    to: resolved.snapshot.state,
  });
  return resolved;
}
