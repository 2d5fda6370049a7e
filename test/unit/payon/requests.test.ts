import { describe, expect, it } from 'vitest';
import { createSigner, signRequest } from '#shared/crypto/sign.ts';
import { money } from '#shared/domain/money.ts';
import { InvalidRequestError } from '#shared/errors.ts';
import * as map from '#shared/payon/requests.ts';
import { exampleJson, hmacHex } from '#test/support/payon-fixtures.ts';

// Every documented request example, rebuilt by the request builders: the same fields and values,
// plus `sign`, and the differences the product decides (docs/payon-assumptions.md), asserted one by
// one.
const ids = { merchantId: 'C0000143', termId: 'CT03000003' };
const signer = createSigner({ scheme: 'hmac-sha256', key: 'test-api-key' });

describe('request builders reproduce PAYON documented requests', () => {
  it('rebuilds the reversal example exactly, plus sign', () => {
    const wire = signRequest({ ...map.txRequest(ids, '159607654560937') }, signer);

    const { sign, ...fields } = wire;
    expect(fields).toEqual(exampleJson('reversal.request.json'));
    expect(sign).toBe(
      hmacHex('test-api-key', 'merchantId=C0000143&termId=CT03000003&txId=159607654560937'),
    );
  });

  it('rebuilds the orders example exactly, numbers kept as numbers', () => {
    const request = map.ordersRequest(ids, {
      from: new Date('2018-10-31T17:00:00Z'),
      to: new Date('2020-11-23T17:00:00Z'),
      index: 1,
      limit: 5,
      kind: 'purchase',
    });

    expect(request).toEqual(exampleJson('orders.request.json'));
  });

  it('rebuilds the status example with the two-decimal amount the product decides (A7)', () => {
    const documented = exampleJson('transaction-status.request.json') as Record<string, string>;

    const request = map.transactionStatusRequest(ids, {
      txId: '1613104202987',
      amount: money(100, 'USD'),
    });

    // The only difference: "1" becomes "1.00" (docs/payon-assumptions.md A7).
    expect(documented.amount).toBe('1');
    expect(request).toEqual({ ...documented, amount: '1.00' });
  });

  it('rebuilds the create-binding example with the required paymentMethod and encrypted pin', () => {
    const documented = exampleJson('create-binding.request.json') as Record<string, string>;

    const request = map.createBindingRequest(
      ids,
      {
        clientId: '02',
        paymentMethod: 'CREDIT_DEBIT',
        card: { number: '5204730000001003', cvv: '100', expiry: '202512', holderName: 'MC' },
        phone: '855964444781',
        email: '',
        pin: '123456',
      },
      (pin) => `rsa:${pin.length}`,
    );

    // Differences the product decides (docs/payon-assumptions.md A13, A14): paymentMethod is sent
    // (the table requires it, the example omits it) and pin is encrypted like Create Binding PIN;
    // `email: ""` is kept as given.
    expect(documented).not.toHaveProperty('paymentMethod');
    expect(request).toEqual({ ...documented, paymentMethod: 'CREDIT_DEBIT', pin: 'rsa:6' });
  });

  it('rebuilds the binding-list example exactly', () => {
    expect(map.bindingListRequest(ids, '04')).toEqual(exampleJson('binding-list.request.json'));
  });

  it('rebuilds the reconciliation example with exact two-decimal amounts', () => {
    const documented = exampleJson('reconciliation.request.json') as Record<string, unknown>[];
    const other = { merchantId: 'O0000021', termId: 'OW04000007' };

    const request = map.reconciliationRequest(
      other,
      documented.map((item) => ({
        txId: String(item.txId),
        type: 'PURCHASE' as const,
        grandTotal: money(230, 'USD'),
        buyerId: String(item.buyerId),
        sellerId: String(item.sellerId),
      })),
    );

    // The one decided difference: grandToTAmt 2.3 (a JSON number) is sent as "2.30".
    expect(request).toEqual(documented.map((item) => ({ ...item, grandToTAmt: '2.30' })));
  });

  it('sends no field with an undefined value, so sign and body agree', () => {
    const request = map.orderRegisterRequest(ids, {
      txId: '1620803885401000',
      kind: 'purchase',
      amount: money(1, 'USD'),
      paymentMethod: 'PAYON',
    });

    expect(Object.keys(request).sort()).toEqual([
      'amount',
      'currency',
      'merchantId',
      'paymentMethod',
      'termId',
      'trt',
      'txId',
    ]);
  });

  it.each([
    [
      'ordersRequest',
      () => map.ordersRequest(ids, { from: new Date(1), to: new Date(0), index: 0, limit: 1001 }),
    ],
    ['txRequest', () => map.txRequest(ids, 'tx-1')],
    ['bindingListRequest', () => map.bindingListRequest(ids, 'has space')],
    [
      'createPinRequest',
      () => map.createPinRequest(ids, { clientId: '04', pin: '12a4' }, (p) => p),
    ],
    [
      'pinVerificationRequest',
      () => map.pinVerificationRequest(ids, { clientId: '', enabled: true }),
    ],
    ['reconciliationRequest', () => map.reconciliationRequest(ids, [])],
    [
      'createBindingRequest',
      () =>
        map.createBindingRequest(
          ids,
          {
            clientId: '02',
            paymentMethod: 'PAYON',
            card: { number: '4111-1111', cvv: '12', expiry: '202513' },
            pin: '1',
            payonPin: 'abcd',
          },
          (p) => p,
        ),
    ],
  ])('%s refuses bad input with field-level reasons', (_name, build) => {
    expect(build).toThrow(InvalidRequestError);
  });

  it('names every card field at fault without echoing the card data', () => {
    let error: InvalidRequestError | undefined;
    try {
      map.createBindingRequest(
        ids,
        {
          clientId: '02',
          paymentMethod: 'PAYON',
          card: { number: '4111-1111', cvv: '12', expiry: '202513' },
          pin: '1',
        },
        (p) => p,
      );
    } catch (e) {
      error = e as InvalidRequestError;
    }
    expect(error?.issues).toEqual([
      { field: 'card.number', reason: 'must be 12 to 19 digits' },
      { field: 'card.cvv', reason: 'must be 3 or 4 digits' },
      { field: 'card.expiry', reason: 'must be YYYYMM' },
      { field: 'pin', reason: 'must be 4 to 12 digits' },
    ]);
    expect(error?.message).not.toContain('4111');
  });
});
