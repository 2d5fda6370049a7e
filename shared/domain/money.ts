/**
 * Money in integer minor units. No floating point is used for arithmetic anywhere: amounts are
 * parsed from their decimal text digit by digit and stored as safe integers of minor units.
 *
 * PAYON spells amounts three ways (docs/payon-api.md#conventions): request strings (`"1"`),
 * response numbers (`1.00`, `2.3`) and, by the product's decision, two-decimal strings on the wire
 * (`"2.30"`).
 *
 * @example
 * ```ts
 * const price = parseDecimal('2.30', 'USD'); // { minor: 230, currency: 'USD' }
 * toWireAmount(price);                       // '2.30'
 * ```
 */

/** ISO 4217 currencies the product knows, with their minor-unit exponent. */
export const CURRENCY_EXPONENTS = { USD: 2, KHR: 2 } as const;
export type Currency = keyof typeof CURRENCY_EXPONENTS;
export const CURRENCIES = Object.keys(CURRENCY_EXPONENTS) as readonly Currency[];

export interface Money {
  /** Non-negative whole number of minor units (cents for USD). */
  readonly minor: number;
  readonly currency: Currency;
}

/** Thrown for any amount that cannot be represented exactly. The message never echoes secrets. */
export class MoneyError extends RangeError {
  override readonly name = 'MoneyError';
}

/** Narrows an unknown string to a known currency, case-sensitively (PAYON sends `"USD"`). */
export function isCurrency(value: unknown): value is Currency {
  return typeof value === 'string' && Object.hasOwn(CURRENCY_EXPONENTS, value);
}

/**
 * Builds a money value from minor units.
 *
 * @example
 * ```ts
 * money(100, 'USD'); // one dollar
 * ```
 */
export function money(minor: number, currency: Currency): Money {
  if (!Number.isSafeInteger(minor) || minor < 0) {
    throw new MoneyError(`amount must be a whole, non-negative number of minor units`);
  }
  if (!isCurrency(currency)) {
    throw new MoneyError(`unsupported currency`);
  }
  return { minor, currency };
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * Parses a decimal amount in major units (`"1"`, `"1.5"`, `"2.30"`) exactly. Digits past the
 * currency's exponent are accepted only when they are zeros (`"1.000"`); anything else that would
 * need rounding is refused.
 *
 * @example
 * ```ts
 * parseDecimal('1', 'USD').minor;    // 100
 * parseDecimal('0.05', 'USD').minor; // 5
 * ```
 */
export function parseDecimal(text: string, currency: Currency): Money {
  const match = DECIMAL.exec(text);
  if (!match) {
    throw new MoneyError(`amount must be a non-negative decimal number such as "12.50"`);
  }
  const exponent = CURRENCY_EXPONENTS[currency];
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  if (/[^0]/.test(fraction.slice(exponent))) {
    throw new MoneyError(`amount has more than ${exponent} decimal places`);
  }
  const digits = (whole + fraction.slice(0, exponent).padEnd(exponent, '0')).replace(
    /^0+(?=\d)/,
    '',
  );
  const minor = Number(digits);
  if (!Number.isSafeInteger(minor)) {
    throw new MoneyError(`amount is too large`);
  }
  return { minor, currency };
}

/**
 * Parses an amount as PAYON returns it: a JSON number (`1.00` arrives as `1`, `2.3` as `2.3`) or a
 * string. A number is read through its shortest round-trip decimal text, which is exactly the JSON
 * text PAYON sent for any amount of up to 15 significant digits; larger or exponent forms are
 * refused rather than rounded.
 *
 * @example
 * ```ts
 * parsePayonAmount(2.3, 'USD').minor;    // 230
 * parsePayonAmount('1.00', 'USD').minor; // 100
 * ```
 */
export function parsePayonAmount(value: unknown, currency: Currency): Money {
  if (typeof value === 'string') {
    return parseDecimal(value.trim(), currency);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new MoneyError('amount is not a finite number');
    }
    const text = String(value);
    if (/e/i.test(text) || text.replace(/\D/g, '').replace(/^0+/, '').length > 15) {
      throw new MoneyError('amount cannot be represented exactly');
    }
    return parseDecimal(text, currency);
  }
  throw new MoneyError('amount must be a number or a decimal string');
}

// Assumed (docs/payon-assumptions.md A7).
/**
 * The wire form decided on (docs/payon-assumptions.md A7): a decimal string with exactly the
 * currency's decimals.
 *
 * @example
 * ```ts
 * toWireAmount(money(5, 'USD')); // '0.05'
 * ```
 */
export function toWireAmount(amount: Money): string {
  const exponent = CURRENCY_EXPONENTS[amount.currency];
  const digits = String(amount.minor).padStart(exponent + 1, '0');
  return `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    throw new MoneyError(`cannot combine ${a.currency} with ${b.currency}`);
  }
}

/** Compares two amounts of the same currency: negative, zero or positive. */
export function compareMoney(a: Money, b: Money): number {
  sameCurrency(a, b);
  return Math.sign(a.minor - b.minor);
}

/** True when both amounts have the same currency and the same number of minor units. */
export function moneyEquals(a: Money, b: Money): boolean {
  return a.currency === b.currency && a.minor === b.minor;
}

/** Adds two amounts of the same currency. */
export function addMoney(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return money(a.minor + b.minor, a.currency);
}

/** Subtracts `b` from `a`; refuses a negative result. */
export function subtractMoney(a: Money, b: Money): Money {
  sameCurrency(a, b);
  if (b.minor > a.minor) {
    throw new MoneyError('result would be negative');
  }
  return money(a.minor - b.minor, a.currency);
}
