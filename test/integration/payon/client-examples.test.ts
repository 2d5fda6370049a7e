import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { money } from '#shared/domain/money.ts';
import { ServiceUnavailableError } from '#shared/errors.ts';
import { PayonClient } from '#shared/payon/client.ts';
import {
  exampleJson,
  exampleText,
  payonConfig,
  staticSecrets,
  TEST_SECRET,
} from '#test/support/payon-fixtures.ts';
import { type ScriptedPayon, startScriptedPayon } from '#test/support/scripted-payon.ts';

// Every response PAYON documents, fed through the client; expected values written by hand.
describe('PayonClient reads every documented PAYON response', () => {
  let payon: ScriptedPayon;
  let client: PayonClient;

  beforeAll(async () => {
    payon = await startScriptedPayon();
    client = new PayonClient({
      config: payonConfig(payon.url),
      secrets: staticSecrets({ ...TEST_SECRET, payonPublicKey: 'unused by the stub encryptor' }),
      pinEncryption: () => ({ padding: 'pkcs1', encrypt: (pin) => `enc(${pin.length})` }),
    });
  });
  afterAll(() => payon.close());

  it('maps the orders history: minor units, instants in UTC+7, the 12-hour clock by the noon rule', async () => {
    payon.script('/pg/orders', { json: exampleJson('orders.response.json') });

    const orders = await client.listOrders({
      from: new Date('2018-10-31T17:00:00Z'),
      to: new Date('2020-11-23T17:00:00Z'),
      index: 1,
      limit: 5,
    });

    expect(orders).toEqual([
      {
        txId: '1606193062038',
        kind: 'purchase',
        amount: { minor: 100, currency: 'USD' },
        statusCode: '09',
        resultCode: '0000',
        resultMessage: 'Success',
        signal: 'confirmed',
        settled: false,
        cancelled: false,
        refunded: false,
        approvalNo: '190879',
        approvedAt: new Date('2020-11-24T04:47:01Z'), // 11:47:01 ICT: closer to noon than 23:47
        approvedAtText: '24/11/2020 11:47:01',
        day: '2020-11-24',
        sequenceNo: '2020112400001250',
        stan: '001032',
        paymentType: '02',
      },
      {
        txId: '1606199421698',
        kind: 'purchase',
        amount: { minor: 100, currency: 'USD' },
        statusCode: '09',
        resultCode: '0000',
        resultMessage: 'Success',
        signal: 'confirmed',
        settled: false,
        cancelled: false,
        refunded: false,
        approvalNo: '193202',
        approvedAt: new Date('2020-11-24T06:30:29Z'), // "01:30:29" is 13:30:29 ICT
        approvedAtText: '24/11/2020 01:30:29',
        day: '2020-11-24',
        sequenceNo: '2020112400001251',
        stan: '001033',
        paymentType: '02',
      },
    ]);
  });

  it('resolves the 12-hour clock from the local creation time when it is known', async () => {
    payon.script('/pg/orders', { json: exampleJson('orders.response.json') });
    const createdAt = new Map([
      ['1606193062038', new Date('2020-11-24T04:44:22Z')],
      // Suppose the second payment had been created at 01:10 ICT: the morning reading fits.
      ['1606199421698', new Date('2020-11-23T18:10:00Z')],
    ]);

    const orders = await client.listOrders({
      from: new Date('2020-11-23T17:00:00Z'),
      to: new Date('2020-11-23T17:00:00Z'),
      index: 1,
      limit: 5,
      createdAt: (txId) => createdAt.get(txId),
    });

    expect(orders.map((o) => o.approvedAt)).toEqual([
      new Date('2020-11-24T04:47:01Z'),
      new Date('2020-11-23T18:30:29Z'),
    ]);
  });

  it('maps a completed status pull with PAYON amount, approval and card mask', async () => {
    payon.script('/pg/transaction/status', {
      json: exampleJson('transaction-status.response-200.json'),
    });

    const status = await client.transactionStatus({
      txId: '1613104202987',
      amount: money(100, 'USD'),
    });

    expect(status).toEqual({
      found: true,
      signal: 'confirmed',
      statusCode: 'COMPLETE',
      kind: 'purchase',
      txId: '1613104202987',
      // The example answers 2 for a request of "1" (docs/payon-api.md#contradictions).
      amount: { minor: 200, currency: 'USD' },
      paymentMethod: 'CREDIT_DEBIT',
      maskedPan: '************0022',
      approvalNo: '763647',
      approvedAt: new Date('2021-02-12T04:30:16Z'),
    });
  });

  it('reads HTTP 302 with 9999 as "not found or not successful", not as an error', async () => {
    payon.script('/pg/transaction/status', {
      status: 302,
      json: exampleJson('transaction-status.response-302.json'),
    });

    const status = await client.transactionStatus({
      txId: '1613104202987',
      amount: money(100, 'USD'),
    });

    expect(status).toEqual({ found: false, signal: 'not_successful' });
  });

  it('reads HTTP 401 with the bare body 1 as a credentials problem after one re-read', async () => {
    const secrets = staticSecrets();
    const local = new PayonClient({ config: payonConfig(payon.url), secrets });
    payon.script('/pg/transaction/status', {
      status: 401,
      text: exampleText('transaction-status.response-401.txt'),
    });

    const error = await local
      .transactionStatus({ txId: '1613104202987', amount: money(100, 'USD') })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).toMatchObject({ code: 'payon_credentials_rejected', statusCode: 503 });
    expect(secrets.reads).toEqual([{ forceRefresh: false }, { forceRefresh: true }]);
  });

  it.each([
    ['refund', 'refund.response.json'],
    ['reverse', 'reversal.response.json'],
  ] as const)(
    'maps the %s answer, keeping our txId over the example placeholder',
    async (method, file) => {
      payon.script(method === 'refund' ? '/pg/refund' : '/pg/reversal', {
        json: exampleJson(file),
      });

      const result = await client[method]('159607654560937');

      expect(result).toEqual({
        txId: '159607654560937',
        amount: { minor: 100, currency: 'USD' },
        approvalNo: '538433',
        approvedAt: new Date('2020-12-09T04:07:37Z'), // 09/12/2020 11:07:37 ICT
        refNo: '000004538433',
      });
    },
  );

  it('maps the created binding back to the short clientId', async () => {
    payon.script('/pg/binding/register', { json: exampleJson('create-binding.response.json') });

    const binding = await client.createBinding({
      clientId: '02',
      paymentMethod: 'CREDIT_DEBIT',
      card: { number: '5204730000001003', cvv: '100', expiry: '202512', holderName: 'MC' },
    });

    expect(binding).toEqual({
      bindingId: '7ce4dda7-b9f8-4343-883b-e5ff6295e5f9',
      clientId: '02',
      maskedPan: '520473**1003',
      expiry: '202512',
    });
  });

  it('maps the binding list without reading the stored pin blob', async () => {
    payon.script('/pg/bindingList', { json: exampleJson('binding-list.response.json') });

    const bindings = await client.listBindings('04');

    expect(bindings).toEqual([
      {
        bindingId: 'a23e18a8-d837-4142-b30d-975db4818dfb',
        clientId: '04',
        maskedPan: '101049******1245',
        expiry: undefined,
        holderName: 'MC',
        phone: '855964444781',
        email: undefined,
        pinVerification: true,
        paymentType: '01',
        createdDay: '2021-07-20',
      },
      {
        bindingId: 'e3bc6d46-7cca-4a72-8b50-29e1ff2c067f',
        clientId: '04',
        maskedPan: '401200******1112',
        expiry: '202712',
        holderName: 'MC',
        phone: '855964444781',
        email: undefined,
        pinVerification: true,
        paymentType: '02',
        createdDay: '2021-07-20',
      },
    ]);
    expect(JSON.stringify(bindings)).not.toContain('AwH');
  });

  it('accepts the create-PIN acknowledgement', async () => {
    payon.script('/pg/binding/createPIN', { json: exampleJson('create-pin.response.json') });

    await expect(client.createPin({ clientId: '04', pin: '123456' })).resolves.toBeUndefined();
  });

  it('maps the reconciliation answer item by item', async () => {
    payon.script('/pg/merchant/reconcilation', {
      json: exampleJson('reconciliation.response.json'),
    });

    const results = await client.reconcile([
      { txId: '1652858955940000', type: 'PURCHASE', grandTotal: money(230, 'USD') },
      { txId: '1652886005159000', type: 'PURCHASE', grandTotal: money(230, 'USD') },
    ]);

    expect(results).toEqual([
      {
        txId: '1652858955940000',
        resultCode: '0000',
        resultMessage: 'Success',
        verdict: 'APPROVED',
        grandTotal: { minor: 230, currency: 'USD' },
        buyerId: 'becbd0f6-39b7-4b81-ba36-6c374ae8eaee',
        sellerId: '5f31c1ec-97ff-4940-b5ad-5d6b79eba748',
      },
      {
        txId: '1652886005159000',
        resultCode: '0000',
        resultMessage: 'Success',
        verdict: 'APPROVED',
        grandTotal: { minor: 230, currency: 'USD' },
        buyerId: 'becbd0f6-39b7-4b81-ba36-6c374ae8eaee',
        sellerId: '5f31c1ec-97ff-4940-b5ad-5d6b79eba748',
      },
    ]);
  });
});
