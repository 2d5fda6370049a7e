/**
 * Transaction ids the product generates for PAYON (DEFAULTS.md): 16 digits, epoch milliseconds (13)
 * followed by a 3-digit sequence, as in PAYON's examples (`1620803885401000`).
 *
 * No id passes the Luhn check, so an id can never be mistaken for a card number (the API refuses
 * card-like ids, and logs may print ids).
 *
 * Within one process ids never repeat. Across concurrent processes (Lambdas) two ids can only
 * meet in the same millisecond; each process starts its sequence at a random point, and the store
 * writes every payment with a condition on its txId, so a collision is retried, never overwritten.
 *
 * @example
 * ```ts
 * const nextTxId = createTxIdGenerator();
 * nextTxId(); // '1763776800000417'
 * ```
 */
import { randomInt } from 'node:crypto';
import { luhnValid } from '#shared/domain/card.ts';

// Assumed (docs/payon-assumptions.md A16).
export function createTxIdGenerator(
  now: () => number = Date.now,
  start: number = randomInt(1_000),
): () => string {
  let lastMs = 0;
  let sequence = start % 1_000;
  let used = 0;
  const next = () => {
    let ms = Math.max(now(), lastMs);
    if (ms === lastMs) {
      used += 1;
      if (used >= 1_000) {
        // A thousand ids in one millisecond: borrow the next one rather than repeat.
        ms += 1;
        used = 0;
      }
    } else {
      used = 0;
    }
    sequence = (sequence + 1) % 1_000;
    lastMs = ms;
    return `${String(ms).padStart(13, '0')}${String(sequence).padStart(3, '0')}`;
  };
  return () => {
    for (;;) {
      const id = next();
      if (!luhnValid(id)) return id;
    }
  };
}
