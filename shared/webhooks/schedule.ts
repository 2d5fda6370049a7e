/**
 * When a failed webhook delivery is tried again, when it is given up, and when its endpoint is
 * disabled: the product's decisions, in one place (docs/webhooks.md, "Retries"). Stripe retries for
 * three days; Hyperswitch about a day on a published schedule. Here: +1 min, +5 min, +30 min, +2 h,
 * +6 h after the attempt that failed, then every 12 h, each wait ±10 % (jitter, so that a thousand
 * deliveries that failed together do not come back together), never later than 72 h after the
 * event (or after a resend). An attempt that fails with no later attempt allowed fails the delivery.
 *
 * @example
 * ```ts
 * nextAttemptAt({ failedAttempts: 1, at, deadline, random: Math.random }); // ~ at + 1 min
 * ```
 */

/** The waits after the 1st, 2nd, … failed attempt; after the last one, every RETRY_EVERY_MS. */
export const RETRY_WAITS_MS: readonly number[] = [
  60_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  6 * 3_600_000,
];
export const RETRY_EVERY_MS = 12 * 3_600_000;

/** How long after its event (or its resend) a delivery is tried. */
export const DELIVERY_WINDOW_MS = 72 * 3_600_000;

/** An endpoint whose attempts have all failed for this long is disabled (until `enable`). */
export const DISABLE_AFTER_MS = 72 * 3_600_000;

/** Each wait is multiplied by a factor in [1 - JITTER, 1 + JITTER]. */
export const JITTER = 0.1;

/** The wait after the `failedAttempts`-th failed attempt (1-based), before jitter. */
export function retryWaitMs(failedAttempts: number): number {
  return RETRY_WAITS_MS[failedAttempts - 1] ?? RETRY_EVERY_MS;
}

/**
 * When to try again after an attempt at `at` failed, the `failedAttempts`-th in a row, or
 * undefined when that time would be past the delivery's deadline (the delivery fails).
 */
export function nextAttemptAt({
  failedAttempts,
  at,
  deadline,
  random,
}: {
  readonly failedAttempts: number;
  readonly at: Date;
  readonly deadline: Date;
  /** Uniform in [0, 1): Math.random in production, a fixed source in tests. */
  readonly random: () => number;
}): Date | undefined {
  const factor = 1 - JITTER + 2 * JITTER * random();
  const next = new Date(at.getTime() + Math.round(retryWaitMs(failedAttempts) * factor));
  return next.getTime() > deadline.getTime() ? undefined : next;
}

/** Whether an endpoint failing since `failingSince` is disabled by a failure at `now`. */
export function shouldDisable(failingSince: string | undefined, now: Date): boolean {
  return failingSince !== undefined && now.getTime() - Date.parse(failingSince) >= DISABLE_AFTER_MS;
}
