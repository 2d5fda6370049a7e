import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  computeSignature,
  signatureHeader,
  verifyWebhook,
  WebhookVerificationError,
} from '#client/webhooks.ts';

const SECRET = 'whsec_test_secret_for_unit_tests_only_0123456789';
const OTHER = 'whsec_another_secret_0123456789abcdefghijklmnop';
const BODY = '{"id":"evt_1795000000000017_3","type":"payment.succeeded","paymentVersion":3}';
const T = 1_795_322_260;

describe('verifyWebhook', () => {
  it('accepts a delivery signed with the secret and answers its event', () => {
    const header = signatureHeader(BODY, T, [SECRET]);
    const event = verifyWebhook<{ id: string }>(BODY, header, SECRET, { now: T + 10 });
    expect(event.id).toBe('evt_1795000000000017_3');
  });

  it('signs HMAC-SHA256 over "<t>.<body>" in lower-case hex (the documented format)', () => {
    const expected = createHmac('sha256', SECRET).update(`${T}.${BODY}`).digest('hex');
    expect(computeSignature(BODY, T, SECRET)).toBe(expected);
    expect(signatureHeader(BODY, T, [SECRET, OTHER])).toBe(
      `t=${T},v1=${expected},v1=${createHmac('sha256', OTHER).update(`${T}.${BODY}`).digest('hex')}`,
    );
  });

  it('accepts any of several v1 values (a rotation overlap), in any order', () => {
    const header = signatureHeader(BODY, T, [OTHER, SECRET]);
    expect(() => verifyWebhook(BODY, header, SECRET, { now: T })).not.toThrow();
    expect(() => verifyWebhook(BODY, header, OTHER, { now: T })).not.toThrow();
  });

  it('accepts the body as bytes (Buffer, Uint8Array) as well as text', () => {
    const header = signatureHeader(BODY, T, [SECRET]);
    expect(() => verifyWebhook(Buffer.from(BODY), header, SECRET, { now: T })).not.toThrow();
    expect(() =>
      verifyWebhook(new TextEncoder().encode(BODY), header, SECRET, { now: T }),
    ).not.toThrow();
  });

  it.each([
    ['a wrong secret', BODY, signatureHeader(BODY, T, [OTHER]), /no v1 signature matches/],
    ['a changed body', `${BODY} `, signatureHeader(BODY, T, [SECRET]), /no v1 signature matches/],
    [
      'a re-serialised body',
      JSON.stringify(JSON.parse(BODY), null, 2),
      signatureHeader(BODY, T, [SECRET]),
      /exactly as received/,
    ],
    [
      'a changed timestamp',
      BODY,
      signatureHeader(BODY, T, [SECRET]).replace(`t=${T}`, `t=${T + 1}`),
      /no v1/,
    ],
    ['no header', BODY, undefined, /no Payon-Signature header/],
    ['an empty header', BODY, ' ', /no Payon-Signature header/],
    ['no t', BODY, `v1=${computeSignature(BODY, T, SECRET)}`, /no t=/],
    ['no v1', BODY, `t=${T}`, /no v1=/],
    ['a v0 only', BODY, `t=${T},v0=${computeSignature(BODY, T, SECRET)}`, /no v1=/],
    [
      'a truncated v1',
      BODY,
      `t=${T},v1=${computeSignature(BODY, T, SECRET).slice(0, 63)}`,
      /no v1=/,
    ],
    [
      'an upper-case v1',
      BODY,
      `t=${T},v1=${computeSignature(BODY, T, SECRET).toUpperCase()}`,
      /no v1=/,
    ],
  ])('refuses %s', (_what, body, header, why) => {
    expect(() => verifyWebhook(body, header, SECRET, { now: T })).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(body, header, SECRET, { now: T })).toThrow(why);
  });

  it('refuses a timestamp outside the tolerance (300 s by default), either way', () => {
    const header = signatureHeader(BODY, T, [SECRET]);
    expect(() => verifyWebhook(BODY, header, SECRET, { now: T + 300 })).not.toThrow();
    expect(() => verifyWebhook(BODY, header, SECRET, { now: T + 301 })).toThrow(
      /301 s from this clock/,
    );
    expect(() => verifyWebhook(BODY, header, SECRET, { now: T - 301 })).toThrow(/tolerance 300 s/);
    expect(() =>
      verifyWebhook(BODY, header, SECRET, { now: T + 1_000, toleranceSeconds: 1_000 }),
    ).not.toThrow();
  });

  it('refuses an empty secret and a signed body that is not JSON', () => {
    expect(() => verifyWebhook(BODY, signatureHeader(BODY, T, [SECRET]), '', { now: T })).toThrow(
      /no signing secret/,
    );
    expect(() =>
      verifyWebhook('not json', signatureHeader('not json', T, [SECRET]), SECRET, { now: T }),
    ).toThrow(/not JSON/);
  });

  it('uses the system clock by default', () => {
    const now = Math.floor(Date.now() / 1_000);
    expect(() => verifyWebhook(BODY, signatureHeader(BODY, now, [SECRET]), SECRET)).not.toThrow();
    expect(() => verifyWebhook(BODY, signatureHeader(BODY, now - 3_600, [SECRET]), SECRET)).toThrow(
      /tolerance/,
    );
  });
});
