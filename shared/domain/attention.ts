/**
 * What about a payment needs a person (docs/payon-assumptions.md A59): the attention flags, each a
 * pure function of the stored payment, so a flag is set in the same write that creates its
 * condition and cleared in the one that ends it. `GET /payments?needsAttention=true` lists the
 * flagged payments from a partition that holds only them (shared/store/payments.ts).
 *
 * A flag ends when the payment reaches a state PAYON's evidence agrees with, or when an operator
 * acknowledges it (`POST /payments/{id}/resolve` with `"outcome":"acknowledged"`).
 */
import type { PaymentState } from '#shared/domain/payment-state.ts';

export const ATTENTION_FLAGS = [
  /** One of our money moves has no answer yet (UNKNOWN). */
  'unknown_outcome',
  /** The status schedule ended without PAYON settling it: an operator must (alarmed). */
  'escalated',
  /** PAYON declined an attempt; the customer may still pay on the same checkout. */
  'declined_attempt',
  /** PAYON confirmed another amount or currency than the payment's. */
  'amount_mismatch',
  /** A push said the opposite of what PAYON's status shows for a settled payment. */
  'push_disagreed',
  /** PAYON confirmed a payment the product had concluded unpaid: ship the order or refund it. */
  'late_confirmation',
] as const;
export type AttentionFlag = (typeof ATTENTION_FLAGS)[number];

/** A finding recorded in the history without a change of state (`from` = `to`). */
export type AttentionChange = Extract<AttentionFlag, 'amount_mismatch' | 'push_disagreed'>;

/** A history entry as far as attention reads it (`HistoryEntry` of ./payment.ts). */
interface Entry {
  readonly from: PaymentState;
  readonly to: PaymentState;
  readonly change?: string | undefined;
}

/** The parts of a payment (`Payment` of ./payment.ts) its attention depends on. */
export interface Watched {
  readonly snapshot: { readonly state: PaymentState };
  readonly escalatedAt: string | undefined;
  readonly lastDecline: object | undefined;
  readonly history: readonly Entry[];
}

const PAID: readonly PaymentState[] = ['AUTHORIZED', 'SUCCEEDED'];
const CONCLUDED_UNPAID: readonly PaymentState[] = ['FAILED', 'EXPIRED'];

/** The entries since the payment last changed state (or since an operator acknowledged it). */
function sinceLastSettling(history: readonly Entry[]): readonly Entry[] {
  for (let i = history.length - 1; i >= 0; i -= 1) {
    const entry = history[i] as Entry;
    if (entry.change === 'acknowledged') return history.slice(i + 1);
    if (entry.from !== entry.to) return history.slice(i);
  }
  return history;
}

/** The payment's attention flags, in {@link ATTENTION_FLAGS} order; empty when nothing is wrong. */
export function attentionOf(payment: Watched): AttentionFlag[] {
  const state = payment.snapshot.state;
  const recent = sinceLastSettling(payment.history);
  const noted = (change: AttentionChange) => recent.some((h) => h.change === change);
  const late = recent.find((h) => h.from !== h.to);
  const flags: Record<AttentionFlag, boolean> = {
    unknown_outcome: state === 'UNKNOWN',
    escalated:
      payment.escalatedAt !== undefined &&
      (state === 'UNKNOWN' || state === 'CREATED' || state === 'PENDING'),
    declined_attempt: state === 'PENDING' && payment.lastDecline !== undefined,
    amount_mismatch: noted('amount_mismatch'),
    push_disagreed: noted('push_disagreed'),
    late_confirmation:
      PAID.includes(state) &&
      late !== undefined &&
      CONCLUDED_UNPAID.includes(late.from) &&
      PAID.includes(late.to),
  };
  return ATTENTION_FLAGS.filter((flag) => flags[flag]);
}

/** Whether two flag lists hold the same flags. */
export function sameFlags(a: readonly AttentionFlag[], b: readonly AttentionFlag[]): boolean {
  return a.length === b.length && a.every((flag) => b.includes(flag));
}
