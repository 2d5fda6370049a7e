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

/** 13–19 digits in a row, or printed the way cards are: 4-4-4-4(-1..3) or 4-6-5, by spaces or dashes. */
const CARD_LIKE = [
  /(?<!\d)\d{13,19}(?!\d)/g,
  /(?<!\d)(?<!\d[ -])\d{4}([ -])\d{4}\1\d{4}\1\d{1,4}(?:\1\d{1,3})?(?!\d)(?![ -]\d)/g,
  /(?<!\d)(?<!\d[ -])\d{4}([ -])\d{6}\1\d{4,5}(?!\d)(?![ -]\d)/g,
];

const UUID = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/g;

/**
 * Whether [start, end) lies inside a UUID of `text`: a UUID's digit-only groups can read as a
 * grouped card number (`6f9c3979-5100-4815-9452-ba98…`: 3979-5100-4815-9452 passes Luhn), which
 * once made one random Idempotency-Key in ~5,000 a "card".
 */
function insideUuid(text: string, start: number, end: number): boolean {
  for (const uuid of text.matchAll(UUID)) {
    if (start >= uuid.index && end <= uuid.index + uuid[0].length) return true;
  }
  return false;
}

function isCard(text: string, match: string, at: number): boolean {
  const digits = match.replace(/[ -]/g, '');
  return (
    digits.length >= 13 &&
    digits.length <= 19 &&
    luhnValid(digits) &&
    !insideUuid(text, at, at + match.length)
  );
}

/**
 * True when the text holds what looks like a card number: digits in a row or in card grouping
 * (not the groups of a UUID) that pass Luhn.
 */
export function containsCardNumber(text: string): boolean {
  return CARD_LIKE.some((pattern) =>
    [...text.matchAll(pattern)].some((match) => isCard(text, match[0], match.index)),
  );
}

/**
 * The text with every card-like number (as {@link containsCardNumber} sees them) masked.
 *
 * @example
 * ```ts
 * maskCardNumbers('card 4111 1111 1111 1111 declined'); // 'card 411111******1111 declined'
 * ```
 */
export function maskCardNumbers(text: string): string {
  return CARD_LIKE.reduce(
    (current, pattern) =>
      current.replace(pattern, (match: string, ...rest: unknown[]) => {
        // replace() passes the groups, then the offset, then the whole string.
        const at = rest.at(-2) as number;
        return isCard(current, match, at) ? maskPan(match.replace(/[ -]/g, '')) : match;
      }),
    text,
  );
}
