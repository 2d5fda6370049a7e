import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  OutcomeUnknownError,
  PayonRejectedError,
  PayonUnavailableError,
  ServiceUnavailableError,
} from '#shared/errors.ts';
import { isPayonFault, payonOutcome, payonReadOutcome } from '#shared/payon/outcome.ts';

const afterRetry = () => {
  const error = new PayonRejectedError('3003', 'duplicate', '/pg/refund');
  error.afterRetry = true;
  return error;
};

describe('what a failed PAYON call means for money (one place)', () => {
  it.each([
    ['a refusal', new PayonRejectedError('3003', 'no', '/pg/refund'), 'refused'],
    ['a refusal answered to the retry after a 401', afterRetry(), 'unknown'],
    [
      // PAYON may have applied the request before answering 401 (nothing rules it out).
      '401 twice',
      new ServiceUnavailableError('payon_credentials_rejected', 'check the secret'),
      'unknown',
    ],
    [
      'no connection made',
      new PayonUnavailableError('refused', { path: '/pg/refund', mayHaveMovedMoney: false }),
      'not_sent',
    ],
    [
      'a 5xx or garbage',
      new PayonUnavailableError('5xx', { path: '/pg/refund', mayHaveMovedMoney: true }),
      'unknown',
    ],
    ['no answer', new OutcomeUnknownError('timeout', { path: '/pg/refund' }), 'unknown'],
    [
      'settlement not known (nothing sent)',
      new ServiceUnavailableError('settlement_unknown', 'later'),
      undefined,
    ],
    ['a store conflict', new ConflictError('payment_state_conflict', 'moved'), undefined],
    ['a bug', new TypeError('x is undefined'), undefined],
  ] as const)('%s: %s', (_, error, outcome) => {
    expect(payonOutcome(error)).toBe(outcome);
    expect(isPayonFault(error)).toBe(outcome !== undefined);
  });
});

describe('what a failed PAYON read means (it moves no money)', () => {
  it.each([
    ['a refusal', new PayonRejectedError('3003', 'no', '/pg/orders'), 'refused'],
    ['a refusal answered to the retry after a 401', afterRetry(), 'refused'],
    [
      '401 twice',
      new ServiceUnavailableError('payon_credentials_rejected', 'check the secret'),
      'refused',
    ],
    [
      'no connection made',
      new PayonUnavailableError('refused', { path: '/pg/orders', mayHaveMovedMoney: false }),
      'unanswered',
    ],
    [
      'a 5xx or garbage',
      new PayonUnavailableError('5xx', { path: '/pg/orders', mayHaveMovedMoney: true }),
      'unanswered',
    ],
    ['no answer', new OutcomeUnknownError('timeout', { path: '/pg/orders' }), 'unanswered'],
    ['a store conflict', new ConflictError('payment_state_conflict', 'moved'), undefined],
    ['a bug', new TypeError('x is undefined'), undefined],
  ] as const)('%s: %s', (_, error, outcome) => {
    expect(payonReadOutcome(error)).toBe(outcome);
    expect(isPayonFault(error)).toBe(outcome !== undefined);
  });
});
