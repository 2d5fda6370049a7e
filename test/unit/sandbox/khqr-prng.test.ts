import { describe, expect, it } from 'vitest';
import { buildKhqr, crc16, parseTlv, tlv } from '#local/payon-sandbox/khqr.ts';
import { mulberry32, shuffle } from '#local/payon-sandbox/prng.ts';

describe('KHQR CRC-16/CCITT-FALSE', () => {
  it('gives the standard check value 29B1 for "123456789"', () => {
    expect(crc16('123456789')).toBe('29B1');
  });

  it('pads to four uppercase hex digits', () => {
    expect(crc16('')).toBe('FFFF');
    expect(crc16('A')).toMatch(/^[0-9A-F]{4}$/);
  });
});

describe('KHQR payload', () => {
  const payload = buildKhqr({
    bakongAccountId: 'payon_sandbox@payon',
    merchantId: 'C0000143',
    acquiringBank: 'PAYON',
    merchantName: 'A merchant with a very long name indeed',
    merchantCity: 'Phnom Penh',
    amountText: '10.50',
    billNumber: '1620803885401000',
    terminalLabel: 'CT03000003',
    createdAtMs: 1_700_000_000_000,
    expiresAtMs: 1_700_000_900_000,
  });

  it('writes the tags in order and ends with a CRC over everything including 6304', () => {
    // Act
    const tags = parseTlv(payload).map((f) => f.tag);
    // Assess
    expect(tags).toEqual(['00', '01', '30', '52', '53', '54', '58', '59', '60', '62', '99', '63']);
    expect(payload.slice(-4)).toBe(crc16(payload.slice(0, -4)));
    expect(payload.slice(-8, -4)).toBe('6304');
  });

  it('clips the merchant name to the 25 characters KHQR allows', () => {
    const name = parseTlv(payload).find((f) => f.tag === '59');
    expect(name?.value).toHaveLength(25);
  });

  it('writes two-digit lengths', () => {
    expect(tlv('54', '10.50')).toBe('540510.50');
    expect(() => tlv('59', 'x'.repeat(100))).toThrow('longer than 99');
  });
});

describe('seeded PRNG', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const seqA = [a.next(), a.next(), a.next()];
    expect([b.next(), b.next(), b.next()]).toEqual(seqA);
    expect([c.next(), c.next(), c.next()]).not.toEqual(seqA);
  });

  it('resumes from a saved state', () => {
    const a = mulberry32(5);
    a.next();
    const resumed = mulberry32(5, a.state());
    expect(resumed.next()).toBe(a.next());
  });

  it('stays in [0, 1)', () => {
    const rng = mulberry32(1);
    for (let i = 0; i < 10_000; i++) {
      const x = rng.next();
      expect(x >= 0 && x < 1).toBe(true);
    }
  });

  it('shuffles into a permutation that is never the input order', () => {
    for (let seed = 0; seed < 200; seed++) {
      const out = shuffle([1, 2, 3], mulberry32(seed));
      expect([...out].sort()).toEqual([1, 2, 3]);
      expect(out).not.toEqual([1, 2, 3]);
    }
  });
});
