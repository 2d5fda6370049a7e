/**
 * What binding and PIN requests carry, validated before anything else happens: card data (Luhn,
 * a future expiry, a CVV of the card's length), PINs, the customer id and the request time. Error
 * reasons never repeat the value they refuse.
 */
import * as z from 'zod';
import { cambodiaDay } from '#shared/domain/business-day.ts';
import { containsCardNumber, luhnValid } from '#shared/domain/card.ts';
import type { BindingMethod } from '#shared/domain/payment-method.ts';
import { InvalidRequestError } from '#shared/errors.ts';

/**
 * How old a binding or PIN request may be, and how far ahead of our clock (ZaloPay: 15 minutes).
 */
export const REQUEST_MAX_AGE_MS = 15 * 60_000;
export const REQUEST_MAX_SKEW_MS = 2 * 60_000;

/**
 * A customer id; one that looks like a card number is refused before it can be echoed or stored.
 */
export const clientId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, _ or -')
  .refine((id) => !containsCardNumber(id), 'must not be a card number');

export const bindingId = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a binding id')
  .refine((id) => !containsCardNumber(id), 'must be a binding id');

/** ISO 8601 with a time zone: when the customer's client made the request. */
export const requestedAt = z.iso.datetime({
  offset: true,
  message: 'must be the time the request was made, ISO 8601 with a time zone',
});

const digits = (value: string) => value.replace(/[ -]/g, '');

/** A 4-6 digit PIN that is not one repeated digit nor a straight run (1234, 987654). */
export const pin = z
  .string()
  .regex(/^\d{4,6}$/, 'must be 4 to 6 digits')
  .refine((p) => !isTrivialPin(p), 'must not be one repeated digit or a straight run of digits');

export function isTrivialPin(p: string): boolean {
  const steps = [...p].slice(1).map((d, i) => Number(d) - Number(p[i]));
  return steps.every((s) => s === 0) || steps.every((s) => s === 1) || steps.every((s) => s === -1);
}

export const card = z
  .object({
    number: z
      .string()
      .max(32, 'must be a card number')
      .refine((n) => /^\d{12,19}$/.test(digits(n)), 'must be 12 to 19 digits')
      .transform(digits),
    cvv: z
      .string()
      .regex(/^\d{3,4}$/, 'must be 3 or 4 digits')
      .optional(),
    /** `YYYY-MM` */
    expiry: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM, such as 2027-12'),
    holderName: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[\p{L} .'-]+$/u, 'must be letters, spaces, dots, apostrophes or dashes')
      .optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    // American Express (34, 37) has a 4-digit CVV; every other card 3.
    if (c.cvv !== undefined && /^\d{3,4}$/.test(c.cvv)) {
      const amex = /^3[47]/.test(c.number);
      if (c.cvv.length !== (amex ? 4 : 3)) {
        ctx.addIssue({
          code: 'custom',
          path: ['cvv'],
          message: `must be ${amex ? 4 : 3} digits for this card`,
        });
      }
    }
  });
export type CardRequest = z.output<typeof card>;

/**
 * PAYON's own cards: 16 digits, BIN 101049, and not Luhn numbers (docs/payon-api.md#test-cards).
 */
export const PAYON_CARD = /^101049\d{10}$/;

/**
 * The card number's check for its payment method: Luhn for credit/debit, PAYON's form for PAYON.
 */
export function cardNumberProblem(
  number: string,
  paymentMethod: BindingMethod,
): string | undefined {
  if (paymentMethod === 'PAYON') {
    return PAYON_CARD.test(number) ? undefined : 'must be a PAYON card number (16 digits, 101049…)';
  }
  return luhnValid(number) ? undefined : 'is not a valid card number (check digit)';
}

/** Refuses a request made too long ago or too far in the future. */
export function checkFresh(at: string, now: Date): void {
  const made = Date.parse(at);
  if (made < now.getTime() - REQUEST_MAX_AGE_MS) {
    throw new InvalidRequestError([
      { field: 'requestedAt', reason: 'is more than 15 minutes old: make a new request' },
    ]);
  }
  if (made > now.getTime() + REQUEST_MAX_SKEW_MS) {
    throw new InvalidRequestError([
      { field: 'requestedAt', reason: 'is in the future: check the client clock' },
    ]);
  }
}

/** Refuses a card whose expiry month has passed (in Cambodia). */
export function checkExpiry(expiry: string, now: Date): void {
  if (expiry < cambodiaDay(now).slice(0, 7)) {
    throw new InvalidRequestError([{ field: 'card.expiry', reason: 'the card has expired' }]);
  }
}
