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

// Assumed (docs/payon-assumptions.md A57): what counts as a card number in free text.
/**
 * One detector for every check and every masker. A card number is 13–19 digits that
 * - are written in groups with at most one separator between consecutive groups: any one character
 *   that is neither a letter nor a digit (`4111.1111.1111.1111`, `pan_4111_…`, mixed separators), or
 *   a short run of spaces around at most one such character (`4111  1111`, `4111 - 1111`);
 * - may be any Unicode decimal digits that fold to ASCII (full-width `４１１１…`);
 * - start with a card scheme's prefix (2221–2720, 3, 4, 5, 6, or PAYON's 101049) and pass Luhn.
 * Groups start and end a candidate, so digits written before a card number do not hide it. Not a
 * card: the digit groups of a UUID, and an international phone number (a `+` then at most 15
 * digits, E.164), so that timestamps, UUIDs, order numbers and phone numbers pass.
 */
const GAP = /^(?:[^\p{L}\p{N}\s]|\s{1,2}|\s?[^\p{L}\p{N}\s]\s?)$/u;

/** Zero of each decimal-digit block NFKC does not fold to ASCII (Arabic-Indic, Devanagari, …). */
const DIGIT_ZEROS = [
  0x660, 0x6f0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0xe50,
];

function digitOf(char: string): string | undefined {
  if (char >= '0' && char <= '9') return char;
  if (!/\p{Nd}/u.test(char)) return undefined;
  const folded = char.normalize('NFKC');
  if (folded.length === 1 && folded >= '0' && folded <= '9') return folded;
  const code = char.codePointAt(0) ?? 0;
  const zero = DIGIT_ZEROS.find((z) => code >= z && code <= z + 9);
  return zero === undefined ? undefined : String(code - zero);
}

interface Group {
  readonly start: number;
  readonly end: number;
  readonly digits: string;
}

/** Maximal runs of digits, in order, with their positions (UTF-16 offsets). */
function digitGroups(text: string): Group[] {
  const groups: Group[] = [];
  let current: { start: number; end: number; digits: string } | undefined;
  let at = 0;
  for (const char of text) {
    const digit = digitOf(char);
    if (digit === undefined) {
      if (current) groups.push(current);
      current = undefined;
    } else if (current) {
      current.digits += digit;
      current.end = at + char.length;
    } else {
      current = { start: at, end: at + char.length, digits: digit };
    }
    at += char.length;
  }
  if (current) groups.push(current);
  return groups;
}

function schemePrefix(digits: string): boolean {
  const first4 = Number(digits.slice(0, 4));
  return /^[3-6]/.test(digits) || (first4 >= 2221 && first4 <= 2720) || digits.startsWith('101049');
}

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

/** An E.164 phone number: `+`, then the run's digits, at most 15. */
function phoneNumber(text: string, run: readonly Group[]): boolean {
  const first = run[0];
  if (first === undefined || text[first.start - 1] !== '+') return false;
  return run.reduce((n, g) => n + g.digits.length, 0) <= 15;
}

interface Span {
  readonly start: number;
  readonly end: number;
  readonly digits: string;
}

/** Fewer than 13 digits of any script: no card number can be in it (the common case, checked once). */
function tooFewDigits(text: string): boolean {
  return (text.match(/\p{Nd}/gu)?.length ?? 0) < 13;
}

/** Every card number in `text`, as spans that do not overlap (the longest from each start). */
function cardSpans(text: string): Span[] {
  if (tooFewDigits(text)) return [];
  const groups = digitGroups(text);
  // Runs: groups joined by one separator each.
  const runs: Group[][] = [];
  for (const group of groups) {
    const run = runs.at(-1);
    const last = run?.at(-1);
    if (run && last && GAP.test(text.slice(last.end, group.start))) run.push(group);
    else runs.push([group]);
  }
  const spans: Span[] = [];
  for (const run of runs) {
    if (phoneNumber(text, run)) continue;
    let covered = -1;
    for (let i = 0; i < run.length; i += 1) {
      let found: Span | undefined;
      let digits = '';
      for (let j = i; j < run.length; j += 1) {
        digits += run[j]?.digits ?? '';
        if (digits.length > 19) break;
        const start = run[i]?.start ?? 0;
        const end = run[j]?.end ?? 0;
        if (
          digits.length >= 13 &&
          start > covered &&
          schemePrefix(digits) &&
          luhnValid(digits) &&
          !insideUuid(text, start, end)
        ) {
          found = { start, end, digits };
        }
      }
      if (found) {
        spans.push(found);
        covered = found.end;
      }
    }
  }
  return spans;
}

/**
 * True when the text holds what reads as a card number (see the rules above): digits in groups,
 * a scheme's prefix, Luhn.
 */
export function containsCardNumber(text: string): boolean {
  return cardSpans(text).length > 0;
}

/**
 * The text with every card number (as {@link containsCardNumber} sees them) masked: first 6 and
 * last 4 digits, in ASCII, the separators dropped.
 *
 * @example
 * ```ts
 * maskCardNumbers('card 4111 1111 1111 1111 declined'); // 'card 411111******1111 declined'
 * ```
 */
export function maskCardNumbers(text: string): string {
  let out = '';
  let at = 0;
  for (const span of cardSpans(text)) {
    out += text.slice(at, span.start) + maskPan(span.digits);
    at = span.end;
  }
  return out + text.slice(at);
}

/** Integer digits from which a JSON number could be a card number (13) or lose digits (unsafe). */
const CARD_DIGITS_MIN = 13;

function maskValue(value: unknown): unknown {
  if (typeof value === 'string') return maskCardNumbers(value);
  if (typeof value === 'number') {
    // Past 2^53 the decoded number is not the digits that were sent: keep none of them.
    if (!Number.isSafeInteger(value) && Math.abs(value) >= 2 ** 53) return '[number not kept]';
    const text = String(value);
    return text.replace(/\D/g, '').length >= CARD_DIGITS_MIN && containsCardNumber(text)
      ? maskCardNumbers(text)
      : value;
  }
  if (Array.isArray(value)) return value.map(maskValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [maskCardNumbers(key), maskValue(inner)]),
    );
  }
  return value;
}

/**
 * A JSON text as it may be kept: decoded first (so `\u0034111…` escapes and numbers are seen as
 * the digits they are), every key and value masked, encoded again. Text that is not JSON is kept
 * masked as text.
 *
 * @example
 * ```ts
 * maskedJson('{"pan":"\\u00341111111111111111"}'); // '{"pan":"411111******1111"}'
 * ```
 */
export function maskedJson(text: string): string {
  let decoded: unknown;
  try {
    decoded = JSON.parse(text);
  } catch {
    return maskCardNumbers(text);
  }
  return JSON.stringify(maskValue(decoded));
}
