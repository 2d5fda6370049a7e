import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { containsCardNumber, luhnValid, maskCardNumbers, maskPan } from '#shared/domain/card.ts';

describe('card numbers', () => {
  it.each([
    ['4111111111111111', true],
    ['5204730000001003', true],
    ['4111111111111112', false],
    ['41111111111111x1', false],
    ['', false],
  ])('Luhn of %s is %s', (digits, valid) => {
    expect(luhnValid(digits)).toBe(valid);
  });

  it('masks all but the first 6 and last 4 digits', () => {
    expect(maskPan('4111111111111111')).toBe('411111******1111');
    expect(maskPan('5204730000001003')).toBe('520473******1003');
  });

  it.each([
    ['order 4111111111111111', true],
    ['order 4111 1111 1111 1111', true],
    ['ref-4111-1111-1111-1111-x', true],
    ['order 42', false],
    ['17637000000000011763', false],
    ['phone 855964444781', false],
    ['12345678-1234-4123-8123-123456789012', false],
    ['4111-1111-1111-1111', true],
    ['3782 822463 10005', true],
  ])('spots a card number in %j: %s', (text, found) => {
    expect(containsCardNumber(text)).toBe(found);
  });

  it('masks every card-like number in a text and leaves the rest', () => {
    expect(maskCardNumbers('card 4111 1111 1111 1111 and 4111111111111111, order 42')).toBe(
      'card 411111******1111 and 411111******1111, order 42',
    );
    expect(maskCardNumbers('12345678-1234-4123-8123-123456789012')).toBe(
      '12345678-1234-4123-8123-123456789012',
    );
  });

  it('never takes a UUID for a card number, whatever its hex digits are', () => {
    // Found in CI: 3979-5100-4815-9452 inside this UUID passes Luhn in card grouping.
    expect(containsCardNumber('6f9c3979-5100-4815-9452-ba98a4788eb8')).toBe(false);
    expect(containsCardNumber('6f9c3979-5100-4815-9452-7a98a4788eb8')).toBe(false);
    fc.assert(
      fc.property(fc.uuid(), (uuid) => {
        expect(containsCardNumber(uuid)).toBe(false);
      }),
      { numRuns: 50_000 },
    );
    expect(maskCardNumbers('key 6f9c3979-5100-4815-9452-ba98a4788eb8')).toBe(
      'key 6f9c3979-5100-4815-9452-ba98a4788eb8',
    );
    // Next to a UUID, a card number is still one.
    expect(
      containsCardNumber('6f9c3979-5100-4815-9452-ba98a4788eb8 card 4111-1111-1111-1111'),
    ).toBe(true);
  });

  it('never takes an all-digit UUID for a card number', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{8}-\d{4}-\d{4}-\d{4}-\d{12}$/), (uuid) => {
        expect(containsCardNumber(uuid)).toBe(false);
      }),
    );
  });

  it('finds any Luhn-valid 16-digit run hidden in text', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 10 }),
        fc.string({ maxLength: 10 }),
        fc.stringMatching(/^\d{15}$/),
        (a, b, body) => {
          const check = [...Array(10).keys()].find((d) => luhnValid(`${body}${d}`)) ?? 0;
          expect(
            containsCardNumber(`${a.replace(/\d/g, '')} ${body}${check} ${b.replace(/\d/g, '')}`),
          ).toBe(true);
        },
      ),
    );
  });
});
