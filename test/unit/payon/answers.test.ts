import { describe, expect, it } from 'vitest';
import { PayonRejectedError } from '#shared/errors.ts';
import { readCreatedBinding, readEnvelope, readTransactionStatus } from '#shared/payon/answers.ts';

// Card numbers PAYON returns, in whatever form, are kept masked (first 6 / last 4); the envelope's
// code and message are scrubbed of card numbers and of any other run of 13 to 19 digits.
const ids = { merchantId: 'C0000143', termId: 'CT03000003' };
const path = '/pg/binding/register';
const binding = (wdlAcNo: string) =>
  readCreatedBinding(
    { resultCode: '0000', resultMsg: 'Success', bindingId: 'b-1', wdlAcNo },
    { path, ids, clientId: '02' },
  ).maskedPan;

describe('answers keep card numbers masked', () => {
  it.each([
    ['a whole card number', '4111111111111111', '411111******1111'],
    ['a whole 12-digit number', '520473001003', '520473**1003'],
    ['a card number in groups', '4111 1111 1111 1111', '411111******1111'],
    ['a card number with dashes', '4111-1111-1111-1111', '411111******1111'],
    ["PAYON's own mask", '520473**1003', '520473**1003'],
    ["the status's mask", '************0022', '************0022'],
  ])('masks %s', (_, wdlAcNo, masked) => {
    expect(binding(wdlAcNo)).toBe(masked);
  });

  it('masks a whole card number in a status answer', () => {
    const status = readTransactionStatus(
      {
        resultCode: '0000',
        resultData: {
          txStCd: 'COMPLETE',
          tracNo: '1613104202987',
          amount: 2,
          currencyCode: 'USD',
          wdlAcNo: '5204730000001003',
        },
      },
      { httpStatus: 200, path: '/pg/transaction/status', txId: '1613104202987' },
    );
    expect(status).toMatchObject({ found: true, maskedPan: '520473******1003' });
  });

  it('scrubs card numbers and long digit runs from codes and messages', () => {
    expect(
      readEnvelope({ resultCode: '1234', resultMessage: 'card 4111 1111 1111 1111 refused' }),
    ).toEqual({ code: '1234', message: 'card 411111******1111 refused' });
    // Not a card by the detector's rules (no Luhn), still a run of 13 digits: masked.
    expect(readEnvelope({ resultCd: '0001', resultMsg: 'ref 1234567890123' })).toEqual({
      code: '0001',
      message: 'ref 123456***0123',
    });
  });

  it('keeps an empty result code a refusal, as PAYON sent it', () => {
    expect(readEnvelope({ resultCode: '', resultMsg: 'x' })).toEqual({ code: '', message: 'x' });
    expect(() =>
      readCreatedBinding({ resultCode: '', bindingId: 'b' }, { path, ids, clientId: '02' }),
    ).toThrow(PayonRejectedError);
  });
});
