/**
 * Test cards, PINs and OTPs of the sandbox (listed in docs/sandbox.md), Luhn and masking.
 * Full card numbers never leave this module's callers: the ledger keeps masks and hashes only.
 */
import { createHash } from 'node:crypto';

export type CardBehaviour = 'approve' | 'decline' | 'insufficient_funds' | '3ds';

export const TEST_CARDS = {
  approve: '4111111111111111',
  decline: '4000000000000002',
  insufficientFunds: '4000000000009995',
  threeDSecure: '4000000000003220',
  payonCard: '1010499900000048',
} as const;

/** The OTP that passes 3-D Secure and PAYON-card verification. */
export const TEST_OTP = '123456';
/** The PIN of every PAYON test card. */
export const PAYON_CARD_PIN = '1234';
/** PAYON's own cards start with this BIN (docs/payon-api.md#test-cards). */
export const PAYON_CARD_BIN = '101049';

export const DECLINE_MESSAGES = {
  decline: 'Card declined',
  insufficient_funds: 'Insufficient funds',
  otp: 'Authentication failed: wrong OTP',
} as const;

/** Digits only (spaces and dashes typed in a form are dropped). */
export function normalisePan(text: string): string {
  return text.replace(/[\s-]/g, '');
}

export function luhnValid(pan: string): boolean {
  if (!/^\d{12,19}$/.test(pan)) return false;
  let sum = 0;
  let double = false;
  for (let i = pan.length - 1; i >= 0; i--) {
    let digit = Number(pan[i]);
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * A PAYON card: 16 digits, BIN 101049. PAYON's card numbers are not Luhn numbers
 * (docs/payon-api.md#test-cards).
 */
export function isPayonCard(pan: string): boolean {
  return /^\d{16}$/.test(pan) && pan.startsWith(PAYON_CARD_BIN);
}

/** What a credit/debit card does at checkout. */
export function cardBehaviour(pan: string): CardBehaviour {
  switch (pan) {
    case TEST_CARDS.decline:
      return 'decline';
    case TEST_CARDS.insufficientFunds:
      return 'insufficient_funds';
    case TEST_CARDS.threeDSecure:
      return '3ds';
    default:
      return 'approve';
  }
}

/** `520473**1003` (Create Binding response). */
export function maskShort(pan: string): string {
  return pan.length >= 10 ? `${pan.slice(0, 6)}**${pan.slice(-4)}` : '[redacted]';
}

/** `401200******1112` (Get Binding List). */
export function maskList(pan: string): string {
  return pan.length >= 10
    ? `${pan.slice(0, 6)}${'*'.repeat(pan.length - 10)}${pan.slice(-4)}`
    : '[redacted]';
}

/** `************0022` (Get Transaction Status). */
export function maskStatus(pan: string): string {
  return pan.length >= 4 ? `${'*'.repeat(pan.length - 4)}${pan.slice(-4)}` : '[redacted]';
}

/** A stable fingerprint of a PAN, to find "the same card" without keeping the number. */
export function panFingerprint(pan: string): string {
  return createHash('sha256').update(`payon-sandbox:${pan}`).digest('hex');
}
