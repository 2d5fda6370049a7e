import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  card,
  cardNumberProblem,
  checkExpiry,
  checkFresh,
  clientId,
  isTrivialPin,
  pin,
} from '#shared/bindings/input.ts';
import { InvalidRequestError } from '#shared/errors.ts';

const now = new Date('2026-11-22T03:00:00Z');

describe('binding and PIN input', () => {
  it('refuses PINs that are one digit repeated or a straight run, and nothing else of 4-6 digits', () => {
    for (const trivial of ['0000', '111111', '1234', '123456', '987654', '3456', '6543']) {
      expect(isTrivialPin(trivial), trivial).toBe(true);
      expect(pin.safeParse(trivial).success).toBe(false);
    }
    for (const fine of ['482916', '730519', '1357', '12346', '1123']) {
      expect(isTrivialPin(fine), fine).toBe(false);
      expect(pin.safeParse(fine).success).toBe(true);
    }
    for (const bad of ['123', '1234567', '12a4', ' 1357', '']) {
      expect(pin.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('checks a card number by its method: Luhn for credit/debit, PAYON form for PAYON cards', () => {
    expect(cardNumberProblem('4111111111111111', 'CREDIT_DEBIT')).toBeUndefined();
    expect(cardNumberProblem('4111111111111112', 'CREDIT_DEBIT')).toBe(
      'is not a valid card number (check digit)',
    );
    expect(cardNumberProblem('1010499900000048', 'PAYON')).toBeUndefined();
    expect(cardNumberProblem('4111111111111111', 'PAYON')).toMatch(/PAYON card number/);
  });

  it('accepts typed spacing in a card number and keeps digits only', () => {
    expect(
      card.parse({ number: '4111 1111-1111 1111', cvv: '123', expiry: '2030-01' }).number,
    ).toBe('4111111111111111');
  });

  it('never echoes a refused value in its reasons (any digits)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{12,19}$/), fc.stringMatching(/^\d{1,5}$/), (n, cvv) => {
        const result = card.safeParse({ number: n, cvv, expiry: '1999-13' });
        const reasons = result.success ? '' : JSON.stringify(result.error.issues);
        return !reasons.includes(n) && (cvv.length < 3 || !reasons.includes(`"${cvv}"`));
      }),
    );
  });

  it('refuses a customer id that is a card number', () => {
    expect(clientId.safeParse('cust-42').success).toBe(true);
    expect(clientId.safeParse('4111111111111111').success).toBe(false);
  });

  it('takes requests up to 15 minutes old and 2 minutes ahead, naming requestedAt otherwise', () => {
    expect(() => checkFresh('2026-11-22T02:45:00Z', now)).not.toThrow();
    expect(() => checkFresh('2026-11-22T10:01:00+07:00', now)).not.toThrow();
    expect(() => checkFresh('2026-11-22T02:44:59Z', now)).toThrow(InvalidRequestError);
    expect(() => checkFresh('2026-11-22T03:02:01Z', now)).toThrow(/requestedAt: is in the future/);
  });

  it('refuses an expired card by the Cambodian month', () => {
    expect(() => checkExpiry('2026-11', now)).not.toThrow();
    expect(() => checkExpiry('2026-10', now)).toThrow(/card.expiry: the card has expired/);
    // 30 Nov 17:30 UTC is already 1 December in Phnom Penh.
    expect(() => checkExpiry('2026-11', new Date('2026-11-30T17:30:00Z'))).toThrow(
      InvalidRequestError,
    );
  });
});
