import { describe, expect, it } from 'vitest';
import { parseMerchantSecret } from '#shared/secrets/provider.ts';

const valid = {
  merchantId: 'C0000143',
  termId: 'CT03000003',
  apiKey: 'k',
  notificationToken: 'A'.repeat(32),
};

describe("merchant secret's idempotencySecret", () => {
  it('is taken when it is 32 to 128 URL-safe characters', () => {
    for (const idempotencySecret of ['a'.repeat(32), `${'Z9_-'.repeat(32)}`]) {
      expect(
        parseMerchantSecret('s', JSON.stringify({ ...valid, idempotencySecret })),
      ).toMatchObject({ idempotencySecret });
    }
  });

  it('may be absent (an upgraded deployment keeps serving pushes and reads until it is added)', () => {
    expect(parseMerchantSecret('s', JSON.stringify(valid)).idempotencySecret).toBeUndefined();
  });

  it.each([
    ['too short', 'a'.repeat(31)],
    ['too long', 'a'.repeat(129)],
    ['not URL-safe', `${'a'.repeat(32)}+/=`],
  ])('is refused when %s, naming the field and never the value', (_, idempotencySecret) => {
    const attempt = () =>
      parseMerchantSecret('payon/dev', JSON.stringify({ ...valid, idempotencySecret }));
    expect(attempt).toThrow(/^Secret 'payon\/dev' is malformed: idempotencySecret: /);
    expect(attempt).not.toThrow(idempotencySecret);
  });
});
