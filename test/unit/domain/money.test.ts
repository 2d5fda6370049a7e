import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addMoney,
  compareMoney,
  isCurrency,
  MoneyError,
  money,
  moneyEquals,
  parseDecimal,
  parsePayonAmount,
  subtractMoney,
  toWireAmount,
} from '#shared/domain/money.ts';

describe('money', () => {
  it.each([
    ['1', 100],
    ['1.5', 150],
    ['2.30', 230],
    ['0.05', 5],
    ['0', 0],
    ['007.10', 710],
    ['1.000', 100],
    ['90071992547409.91', 9_007_199_254_740_991],
  ])('parses the decimal %s as %i minor units', (text, minor) => {
    expect(parseDecimal(text, 'USD')).toEqual({ minor, currency: 'USD' });
  });

  it.each([
    ['', 'amount must be a non-negative decimal number such as "12.50"'],
    ['-1', 'amount must be a non-negative decimal number such as "12.50"'],
    ['1.', 'amount must be a non-negative decimal number such as "12.50"'],
    ['.5', 'amount must be a non-negative decimal number such as "12.50"'],
    ['1e3', 'amount must be a non-negative decimal number such as "12.50"'],
    ['1,00', 'amount must be a non-negative decimal number such as "12.50"'],
    [' 1', 'amount must be a non-negative decimal number such as "12.50"'],
    ['1.001', 'amount has more than 2 decimal places'],
    ['0.005', 'amount has more than 2 decimal places'],
    ['90071992547409.92', 'amount is too large'],
  ])('refuses the decimal %j: %s', (text, message) => {
    expect(() => parseDecimal(text, 'USD')).toThrow(new MoneyError(message));
  });

  it('reads PAYON response numbers exactly as their JSON text', () => {
    // The documented examples: `1.00`, `2`, `1`, `2.3`.
    const parsed = JSON.parse('[1.00, 2, 1, 2.3, 0.1, 19.99, 1234567.89]') as number[];
    expect(parsed.map((n) => parsePayonAmount(n, 'USD').minor)).toEqual([
      100, 200, 100, 230, 10, 1999, 123_456_789,
    ]);
  });

  it('reads PAYON string amounts with surrounding blanks', () => {
    expect(parsePayonAmount(' 1 ', 'USD').minor).toBe(100);
    expect(parsePayonAmount('2.30', 'KHR')).toEqual({ minor: 230, currency: 'KHR' });
  });

  it.each([
    [Number.NaN, 'amount is not a finite number'],
    [Number.POSITIVE_INFINITY, 'amount is not a finite number'],
    [1e21, 'amount cannot be represented exactly'],
    [1e-7, 'amount cannot be represented exactly'],
    [1234567890123456, 'amount cannot be represented exactly'],
    [0.125, 'amount has more than 2 decimal places'],
    [-1, 'amount must be a non-negative decimal number such as "12.50"'],
    [null, 'amount must be a number or a decimal string'],
    [true, 'amount must be a number or a decimal string'],
  ])('refuses the PAYON amount %s rather than rounding it', (value, message) => {
    expect(() => parsePayonAmount(value, 'USD')).toThrow(new MoneyError(message));
  });

  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [50, '0.50'],
    [100, '1.00'],
    [230, '2.30'],
    [123_456_789, '1234567.89'],
  ])('writes %i minor units on the wire as %s', (minor, wire) => {
    expect(toWireAmount(money(minor, 'USD'))).toBe(wire);
  });

  it('round-trips every amount through the wire form exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (minor) => {
        const amount = money(minor, 'USD');
        expect(parseDecimal(toWireAmount(amount), 'USD')).toEqual(amount);
      }),
    );
  });

  it('reads any two-decimal number PAYON could send as exactly its cents', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999_999 }), (cents) => {
        const asJson = JSON.parse(
          `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
        );
        expect(parsePayonAmount(asJson, 'USD').minor).toBe(cents);
      }),
    );
  });

  it.each([[-1], [1.5], [Number.MAX_SAFE_INTEGER + 1], [Number.NaN]])(
    'refuses %s minor units',
    (minor) => {
      expect(() => money(minor, 'USD')).toThrow(MoneyError);
    },
  );

  it('refuses a currency it does not know', () => {
    expect(isCurrency('usd')).toBe(false);
    expect(isCurrency('USD')).toBe(true);
    expect(() => money(1, 'EUR' as 'USD')).toThrow(new MoneyError('unsupported currency'));
  });

  it('compares, adds and subtracts within one currency', () => {
    const one = money(100, 'USD');
    const two = money(200, 'USD');
    expect(compareMoney(one, two)).toBe(-1);
    expect(compareMoney(two, one)).toBe(1);
    expect(compareMoney(one, money(100, 'USD'))).toBe(0);
    expect(addMoney(one, two)).toEqual(money(300, 'USD'));
    expect(subtractMoney(two, one)).toEqual(one);
    expect(moneyEquals(one, money(100, 'USD'))).toBe(true);
    expect(moneyEquals(one, money(100, 'KHR'))).toBe(false);
  });

  it('refuses to mix currencies or go below zero', () => {
    expect(() => compareMoney(money(1, 'USD'), money(1, 'KHR'))).toThrow(
      new MoneyError('cannot combine USD with KHR'),
    );
    expect(() => addMoney(money(1, 'USD'), money(1, 'KHR'))).toThrow(MoneyError);
    expect(() => subtractMoney(money(1, 'USD'), money(2, 'USD'))).toThrow(
      new MoneyError('result would be negative'),
    );
  });
});
