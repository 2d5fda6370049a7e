import { attentionOf } from '#shared/domain/attention.ts';
import {
  acknowledgeByOperator,
  type Payment,
  type Resolution,
  resolveByOperator,
} from '#shared/domain/payment.ts';
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
  verdict: { readonly outcome: Resolution | 'acknowledged'; readonly reason: string },
): Promise<Payment> {
  const { outcome, reason } = verdict;
  const payment = await loadPayment(deps, txId);
  const { snapshot } = payment;
  if (outcome === 'acknowledged') return acknowledge(deps, payment, reason);
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

/**
 * An operator acknowledged what a flagged payment needed (shipped a late confirmation, checked an
 * amount mismatch or a disagreeing push with PAYON): its flags end; nothing is sent to PAYON.
 */
async function acknowledge(deps: ResolveDeps, payment: Payment, reason: string): Promise<Payment> {
  const flags = attentionOf(payment);
  let acknowledged: Payment;
  try {
    acknowledged = acknowledgeByOperator(payment, { reason: reason.trim(), now: deps.clock() });
  } catch (error) {
    throw new ConflictError(
      'payment_state_conflict',
      error instanceof Error ? error.message : 'nothing to acknowledge',
    );
  }
  await deps.payments.update(acknowledged);
  count(deps.metrics, 'payments.resolvedByOperator');
  deps.logger.warn('an operator acknowledged a payment that needed attention', {
    txId: payment.txId,
    flags,
  });
  return acknowledged;
}
