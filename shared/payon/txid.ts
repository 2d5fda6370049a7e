/**
 * Transaction ids the product generates for PAYON (docs/payon-assumptions.md A16): 16 digits,
 * shaped like PAYON's examples (`1620803885401000`) but not guessable. The customer's browser
 * carries the txId on the public return route, so knowing one must not reveal the next: a
 * configured leading digit (one per stage sharing a PAYON terminal), then 15 digits from a CSPRNG.
 * Uniqueness comes from the store's conditional write (a taken id is drawn again); ordering by time
 * comes from the stored creation time, never from the txId.
 *
 * No id passes the Luhn check, so an id can never be mistaken for a card number (the API refuses
 * card-like ids, and logs may print ids).
 *
 * @example
 * ```ts
 * const nextTxId = createTxIdGenerator({ leadingDigit: 1 });
 * nextTxId(); // '1830372918465021' (random)
 * ```
 */
import { randomInt } from 'node:crypto';
import { luhnValid } from '#shared/domain/card.ts';

export interface TxIdOptions {
  /** 1–9: distinguishes the stages that share one PAYON terminal (TXID_LEADING_DIGIT). */
  readonly leadingDigit: number;
  /** A uniform integer in [0, max): node:crypto's CSPRNG unless a test replaces it. */
  readonly random?: (max: number) => number;
}

/** 10^15: the 15 random digits after the leading one (safe integer range). */
const SPACE = 1_000_000_000_000_000;

// Assumed (docs/payon-assumptions.md A16).
export function createTxIdGenerator(options: TxIdOptions): () => string {
  const { leadingDigit } = options;
  if (!Number.isInteger(leadingDigit) || leadingDigit < 1 || leadingDigit > 9) {
    throw new RangeError('the txId leading digit must be 1 to 9');
  }
  // randomInt takes at most 2^48 - 1 as its range: two draws make the 15 digits.
  const random = options.random ?? ((max: number) => randomInt(max));
  const draw = () => random(1_000_000_000) * 1_000_000 + random(1_000_000);
  return () => {
    for (;;) {
      const digits = String(draw() % SPACE).padStart(15, '0');
      const id = `${leadingDigit}${digits}`;
      if (!luhnValid(id)) return id;
    }
  };
}
