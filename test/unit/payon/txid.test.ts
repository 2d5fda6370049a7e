import { describe, expect, it } from 'vitest';
import { luhnValid } from '#shared/domain/card.ts';
import { createTxIdGenerator } from '#shared/payon/txid.ts';

// docs/payon-assumptions.md A16: 16 digits like PAYON's examples, a leading digit per stage, 15
// digits from a CSPRNG (the browser carries the txId on a public route), never Luhn-valid.
describe('txId generation', () => {
  it('writes the stage digit and 15 digits drawn from the random source', () => {
    const draws = [123_456_789, 654_321];
    const next = createTxIdGenerator({ leadingDigit: 7, random: () => draws.shift() ?? 0 });
    expect(next()).toBe('7123456789654321');
  });

  it('draws again instead of returning a Luhn-valid id', () => {
    // 4111111111111111 is Luhn-valid: its draw is refused, the next one kept.
    const draws = [111_111_111, 111_111, 0, 12];
    const next = createTxIdGenerator({ leadingDigit: 4, random: () => draws.shift() ?? 0 });
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(next()).toBe('4000000000000012');
  });

  it('refuses a leading digit outside 1-9', () => {
    for (const leadingDigit of [0, 10, 1.5]) {
      expect(() => createTxIdGenerator({ leadingDigit })).toThrow(RangeError);
    }
  });

  it('makes ids that reveal nothing of the next: no neighbours, no repeats, no Luhn, every digit used', () => {
    const next = createTxIdGenerator({ leadingDigit: 1 });
    const ids = Array.from({ length: 20_000 }, () => next());
    expect(ids.every((id) => /^1\d{15}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter(luhnValid)).toEqual([]);
    // Guessing around a known id (the attack of issue 21: ±1,000 of it) never finds the next one.
    const neighbours = ids
      .slice(1)
      .filter((id, i) => Math.abs(Number(id) - Number(ids[i])) < 1_000_000);
    expect(neighbours).toEqual([]);
    // Each of the 15 random positions takes every digit, about a tenth of the time each.
    for (let position = 1; position < 16; position += 1) {
      const counts = new Map<string, number>();
      for (const id of ids)
        counts.set(id[position] ?? '', (counts.get(id[position] ?? '') ?? 0) + 1);
      expect(counts.size, `position ${position}`).toBe(10);
      for (const count of counts.values()) {
        expect(count, `position ${position}`).toBeGreaterThan(1_600);
        expect(count, `position ${position}`).toBeLessThan(2_400);
      }
    }
  });
});
