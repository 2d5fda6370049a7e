import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeEqual } from '#shared/crypto/constant-time.ts';

describe('safeEqual', () => {
  it.each([
    ['equal strings', 'tok_3f9a1c', 'tok_3f9a1c', true],
    ['strings that differ in the last character', 'tok_3f9a1c', 'tok_3f9a1d', false],
    ['strings of different lengths', 'tok_3f9a1c', 'tok_3f9a1c0', false],
    ['a string and its prefix', 'tok_3f9a1c', 'tok_', false],
    ['two empty strings', '', '', true],
    ['an empty and a non-empty string', '', 'x', false],
    ['equal non-ASCII strings', 'សុខ ចាន់', 'សុខ ចាន់', true],
    ['a lone surrogate and the replacement character', '\uD800', '\uFFFD', false],
  ])('compares %s', (_what, a, b, expected) => {
    // Prepare
    const pair = [a, b] as const;

    // Act
    const result = safeEqual(...pair);

    // Assess
    expect(result).toBe(expected);
  });

  it('agrees with === for any two strings, lone surrogates included', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.string({ unit: 'binary', maxLength: 40 }),
        (a, b) => {
          // Act and Assess
          expect(safeEqual(a, b)).toBe(a === b);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('finds any string equal to a copy of itself', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (a) => {
        // Prepare
        const copy = [...a].join('');

        // Act and Assess
        expect(safeEqual(a, copy)).toBe(true);
      }),
    );
  });
});
