/**
 * When the status sweep asks PAYON about a payment it has not heard from (Hyperswitch PSync;
 * docs/payon-assumptions.md A36): +60 s after the payment starts waiting, then every 5 minutes five
 * times, then hourly until 24 hours have passed. Then a payment that was never confirmed and is
 * past its expiry is EXPIRED (A36); an unanswered capture, cancel or refund goes to an operator (an
 * alarm) and is still asked every 6 hours, since only PAYON can settle it.
 */
import type { Payment } from '#shared/domain/payment.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Delays after the 1st, 2nd, ... probe (the first probe is FIRST_SYNC_DELAY_MS after the payment
 * started waiting): 5 × 5 min, then hourly; the probes end 24 h after the start.
 */
export const PROBE_DELAYS_MS: readonly number[] = [
  ...Array.from({ length: 5 }, () => 5 * MINUTE),
  ...Array.from({ length: 23 }, () => HOUR),
];

/** How often an escalated money move is still asked. */
export const ESCALATED_PROBE_MS = 6 * HOUR;

/** The wait before the next probe after `attempts` probes, or undefined when the schedule is over. */
export function nextProbeDelayMs(attempts: number): number | undefined {
  return attempts >= 1 ? PROBE_DELAYS_MS[attempts - 1] : undefined;
}

/** The probe schedule's total span from the first probe (a little under 24 h). */
export const SCHEDULE_SPAN_MS = PROBE_DELAYS_MS.reduce((a, b) => a + b, 0);

/** When the payment's order stops being payable: its PAYON expiry, or creation + the configured expiry. */
export function expiryOf(payment: Payment, orderExpiryMinutes: number): Date {
  return payment.expiresAt
    ? new Date(payment.expiresAt)
    : new Date(new Date(payment.createdAt).getTime() + orderExpiryMinutes * MINUTE);
}
