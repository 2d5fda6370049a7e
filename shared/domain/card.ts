/**
 * Card-number helpers: Luhn, masking, and spotting a card number where none belongs (ActiveMerchant
 * style scrubbing), so that free text can never smuggle one into a log or a stored item.
 *
 * @example
 * ```ts
 * luhnValid('4111111111111111');           // true
 * maskPan('4111111111111111');             // '411111******1111'
 * containsCardNumber('order 4111 1111 1111 1111'); // true
 * ```
 */

/** The Luhn check over a string of digits. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** First 6 and last 4 digits, the rest masked. */
export function maskPan(pan: string): string {
  return `${pan.slice(0, 6)}${'*'.repeat(Math.max(0, pan.length - 10))}${pan.slice(-4)}`;
}

/**
 * True when the text holds a run of 13 to 19 digits (single spaces or dashes between them allowed)
 * that passes Luhn: what a card number looks like. Longer runs are not card numbers.
 */
export function containsCardNumber(text: string): boolean {
  for (const match of text.matchAll(/\d(?:[ -]?\d)*/g)) {
    const digits = match[0].replace(/[ -]/g, '');
    if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) return true;
  }
  return false;
}
