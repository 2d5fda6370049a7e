import { describe, expect, it } from 'vitest';
import {
  cardBehaviour,
  isPayonCard,
  luhnValid,
  maskList,
  maskShort,
  maskStatus,
  TEST_CARDS,
} from '#local/payon-sandbox/cards.ts';
import { redact, redactHeaders } from '#local/payon-sandbox/journal.ts';

describe('test cards', () => {
  it('gives each documented test card its behaviour and approves any other Luhn-valid card', () => {
    expect(cardBehaviour(TEST_CARDS.approve)).toBe('approve');
    expect(cardBehaviour(TEST_CARDS.decline)).toBe('decline');
    expect(cardBehaviour(TEST_CARDS.insufficientFunds)).toBe('insufficient_funds');
    expect(cardBehaviour(TEST_CARDS.threeDSecure)).toBe('3ds');
    expect(cardBehaviour('5204730000001003')).toBe('approve');
  });

  it('checks Luhn on credit/debit cards and the BIN on PAYON cards', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(isPayonCard(TEST_CARDS.payonCard)).toBe(true);
    expect(isPayonCard('4111111111111111')).toBe(false);
  });

  it('masks card numbers in PAYON’s three styles', () => {
    expect(maskShort('5204730000001003')).toBe('520473**1003');
    expect(maskList('4012000000001112')).toBe('401200******1112');
    expect(maskStatus('4000000000000022')).toBe('************0022');
  });
});

describe('journal redaction', () => {
  it('masks card numbers and replaces CVV, PIN, PAYON PIN, passcode and OTP at any depth', () => {
    // Act
    const out = redact([
      {
        wdlAcNo: '5204730000001003',
        wdlCvv: '100',
        pin: 'abc',
        payonPin: 'x',
        nested: { otp: '123456', passcode: '1234', email: '' },
      },
    ]);
    // Assess
    expect(out).toEqual([
      {
        wdlAcNo: '520473**1003',
        wdlCvv: '[redacted]',
        pin: '[redacted]',
        payonPin: '[redacted]',
        nested: { otp: '[redacted]', passcode: '[redacted]', email: '' },
      },
    ]);
  });

  it('masks the auth header and Authorization', () => {
    const out = redactHeaders(
      { authentication: 'sandbox-api-key', authorization: 'Bearer abc', host: 'x' },
      'authentication',
    );
    expect(out.authentication).not.toContain('sandbox-api-key');
    expect(out.authorization).not.toContain('abc');
    expect(out.host).toBe('x');
  });
});
