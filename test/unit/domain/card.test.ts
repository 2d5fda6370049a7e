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

  it.each([
    ['4111.1111.1111.1111', true],
    ['4111/1111/1111/1111', true],
    ['pan_4111_1111_1111_1111', true],
    ['4111  1111  1111  1111', true],
    ['4111-1111.1111/1111', true],
    ['4111 - 1111 - 1111 - 1111', true],
    ['４１１１１１１１１１１１１１１１', true],
    ['４１１１ １１１１ １１１１ １１１１', true],
    ['order 123 4111 1111 1111 1111', true],
    ['2223000048400011', true],
    ['1010490000000005', luhnValid('1010490000000005')],
    ['7111111111111117', false],
    ['2026-12-01 20:30:15.123', false],
    ['ORD-2026-000123', false],
    ['+855 12 345 678', false],
    ['+49 1512 3456789', false],
  ])('one detector: %j is a card number: %s', (text, found) => {
    expect(containsCardNumber(text)).toBe(found);
  });

  it('masks a card number in any separator form, leaving no run of its digits', () => {
    for (const [form, masked] of [
      ['4111.1111.1111.1111', 'card 411111******1111 declined'],
      ['pan_4111_1111_1111_1111', 'card pan_411111******1111 declined'],
      ['４１１１１１１１１１１１１１１１', 'card 411111******1111 declined'],
      ['4111  1111-1111/1111', 'card 411111******1111 declined'],
    ]) {
      expect(maskCardNumbers(`card ${form} declined`)).toBe(masked);
    }
  });

  const SCHEME_PREFIXES = ['3', '4', '5', '6', '2221', '2500', '2720', '101049'];
  const SEPARATORS = ['', '.', '/', '_', '-', ' ', '  ', ' - ', ':', ',', '|', '\t', '+', '#'];
  const fullWidth = (text: string) =>
    text.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));

  /** A Luhn-valid number of `length` digits starting with `prefix`. */
  const cardNumber = fc
    .record({
      prefix: fc.constantFrom(...SCHEME_PREFIXES),
      length: fc.integer({ min: 13, max: 19 }),
      body: fc.stringMatching(/^\d{18}$/),
    })
    .map(({ prefix, length, body }) => {
      const head = `${prefix}${body}`.slice(0, length - 1);
      const check = [...Array(10).keys()].find((d) => luhnValid(`${head}${d}`)) ?? 0;
      return `${head}${check}`;
    });

  it('finds every scheme-prefixed Luhn-valid number, however it is grouped and separated', () => {
    fc.assert(
      fc.property(
        cardNumber,
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 19 }),
        fc.array(fc.constantFrom(...SEPARATORS), { minLength: 18, maxLength: 18 }),
        fc.boolean(),
        fc.string({ maxLength: 10 }).map((t) => t.replace(/[\p{L}\p{N}]/gu, '')),
        (digits, sizes, separators, wide, around) => {
          let written = '';
          let at = 0;
          for (const [i, size] of sizes.entries()) {
            if (at >= digits.length) break;
            written += (at > 0 ? separators[i] : '') + digits.slice(at, at + size);
            at += size;
          }
          written += digits.slice(at);
          const text = `${around} ${wide ? fullWidth(written) : written} ${around}`;
          expect(containsCardNumber(text)).toBe(true);
          const masked = maskCardNumbers(text);
          expect(masked.replace(/\D/g, '')).not.toContain(digits);
          expect(masked).not.toContain(written);
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('leaves ordinary input alone: timestamps, UUIDs, order numbers, phone numbers', () => {
    const pad = (n: number, w: number) => String(n).padStart(w, '0');
    const timestamp = fc
      .date({
        min: new Date('2000-01-01T00:00:00Z'),
        max: new Date('2099-12-31T23:59:59Z'),
        noInvalidDate: true,
      })
      .chain((d) =>
        fc.constantFrom(
          d.toISOString(),
          d.toISOString().replace('T', ' ').replace('Z', ''),
          `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}${pad(d.getUTCHours(), 2)}${pad(d.getUTCMinutes(), 2)}${pad(d.getUTCSeconds(), 2)}`,
        ),
      );
    const orderNumber = fc
      .tuple(fc.integer({ min: 2000, max: 2099 }), fc.integer({ min: 0, max: 999_999 }))
      .map(([y, n]) => `ORD-${y}-${pad(n, 6)}`);
    const phone = fc
      .tuple(
        fc.stringMatching(/^[1-9]\d{0,2}$/),
        fc.array(fc.stringMatching(/^\d{2,4}$/), { minLength: 1, maxLength: 4 }),
        fc.constantFrom(' ', '-', ''),
      )
      .map(([cc, parts, sep]) => `+${cc} ${parts.join(sep)}`)
      .filter((p) => p.replace(/\D/g, '').length <= 15);
    fc.assert(
      fc.property(fc.oneof(timestamp, fc.uuid(), orderNumber, phone), (text) => {
        expect(containsCardNumber(text)).toBe(false);
        expect(maskCardNumbers(text)).toBe(text);
      }),
      { numRuns: 20_000 },
    );
  });
});
