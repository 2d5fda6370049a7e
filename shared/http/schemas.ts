/**
 * Request pieces shared by the API's zod schemas. Amounts travel as exact decimal strings
 * (`"12.50"`), never JSON numbers, so no client's float formatting can change a price.
 */
import * as z from 'zod';
import { containsCardNumber } from '#shared/domain/card.ts';
import { CURRENCIES, type Currency, type Money, parseDecimal } from '#shared/domain/money.ts';

/**
 * A payment id: the 16-digit txId the product generated (4–16 letters or digits accepted). The
 * product never generates a Luhn-valid id, so one that looks like a card number is refused before
 * it can reach a log line or a stored item.
 */
export const paymentId = z
  .string()
  .regex(/^[A-Za-z0-9]{4,16}$/, 'must be a payment id')
  .refine((id) => !containsCardNumber(id), 'must be a payment id');

export const paymentPath = z.object({ id: paymentId }).strict();

/** `{ "value": "12.50", "currency": "USD" }` → Money; every problem named by its field. */
export const moneyInput = z
  .object({
    value: z
      .string()
      .regex(
        /^\d{1,13}(\.\d{1,2})?$/,
        'must be a decimal string with at most 2 decimals, such as "12.50"',
      ),
    currency: z.enum(CURRENCIES as [Currency, ...Currency[]]),
  })
  .strict()
  .transform((m): Money => parseDecimal(m.value, m.currency));

export const positiveMoney = moneyInput.refine((m) => m.minor > 0, {
  message: 'must be greater than zero',
  path: ['value'],
});

/** The text and its percent-decoded form (`%34111…` hides a card number from a plain search). */
function decodedForms(text: string): string[] {
  try {
    return [text, decodeURIComponent(text)];
  } catch {
    return [text];
  }
}

/**
 * Where the customer's browser goes after paying (its origin is checked against the allowlist).
 * A card number anywhere in it (path, query, fragment, percent-encoded or not) is refused: the URL
 * is stored and sent back to the browser.
 */
export const returnUrl = z
  .url({ protocol: /^https?$/ })
  .max(2_000)
  .refine(
    (url) => !decodedForms(url).some((form) => containsCardNumber(form)),
    'must not contain a card number',
  );

/** The merchant's own reference for a payment: printable ASCII, never card data. */
export const paymentReference = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\x20-\x7e]+$/, 'must be printable ASCII')
  .refine((r) => !containsCardNumber(r), 'must not contain a card number');

/** A Cambodian business day, `yyyy-MM-dd` (the reconciliation routes). */
export const reconciliationDay = z.iso.date('must be a date such as 2026-11-21');

// Response pieces: what the views answer, described once for openapi.json and the typed client.

/**
 * An amount as every view answers it: a decimal string with exactly the currency's decimals
 * (`toWireAmount`) and the currency.
 */
export const amountSchema = z
  .object({
    value: z.string().regex(/^\d+\.\d{2}$/),
    currency: z.enum(CURRENCIES as [Currency, ...Currency[]]),
  })
  .meta({ id: 'Amount', description: 'A decimal string with the currency\'s decimals ("12.50")' });

/** An instant as the views answer it (`Date#toISOString`, UTC). */
export const instant = z.string().meta({ format: 'date-time' });
