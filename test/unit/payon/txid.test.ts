import { describe, expect, it } from 'vitest';
import { createTxIdGenerator } from '#shared/payon/txid.ts';

describe('txId generation', () => {
  it('writes 13 digits of epoch milliseconds and a 3-digit sequence', () => {
    const next = createTxIdGenerator(() => 1_620_803_885_401, 999);
    expect(next()).toBe('1620803885401000');
    expect(next()).toBe('1620803885401001');
  });

  it('never repeats, even for more than a thousand ids in one millisecond', () => {
    const next = createTxIdGenerator(() => 1_700_000_000_000, 0);
    const ids = Array.from({ length: 5_000 }, () => next());
    expect(new Set(ids).size).toBe(5_000);
    expect(ids.every((id) => /^\d{16}$/.test(id))).toBe(true);
  });

  it('never goes back in time when the clock does', () => {
    let clock = 1_700_000_000_500;
    const next = createTxIdGenerator(() => clock, 0);
    const first = next();
    clock -= 400;
    const second = next();
    expect(Number(second.slice(0, 13))).toBeGreaterThanOrEqual(Number(first.slice(0, 13)));
    expect(second).not.toBe(first);
  });

  it('starts each process at a random point of the sequence', () => {
    const starts = new Set(
      Array.from({ length: 20 }, () => createTxIdGenerator(() => 1_700_000_000_000)().slice(13)),
    );
    expect(starts.size).toBeGreaterThan(1);
  });
});

describe('txIds and card numbers', () => {
  it('never generates an id that passes Luhn (it could be taken for a card number)', async () => {
    const { luhnValid } = await import('#shared/domain/card.ts');
    const next = createTxIdGenerator(() => 1_700_000_000_000, 0);
    const ids = Array.from({ length: 3_000 }, () => next());
    expect(ids.filter(luhnValid)).toEqual([]);
    expect(new Set(ids).size).toBe(3_000);
  });
});
