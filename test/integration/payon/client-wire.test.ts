import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPinEncryptor } from '#shared/crypto/rsa.ts';
import { decryptPinForTest } from '#shared/crypto/testing.ts';
import { money } from '#shared/domain/money.ts';
import { PayonClient } from '#shared/payon/client.ts';
import { hmacHex, payonConfig, staticSecrets, TEST_SECRET } from '#test/support/payon-fixtures.ts';
import { type ScriptedPayon, startScriptedPayon } from '#test/support/scripted-payon.ts';

const KEYS = new URL('../../fixtures/keys/', import.meta.url);
const payonPublicKey = readFileSync(new URL('payon-test.pub.pem', KEYS), 'utf8');
const payonPrivateKey = readFileSync(new URL('payon-test.key.pem', KEYS), 'utf8');
const secret = { ...TEST_SECRET, payonPublicKey };
const ok = { json: { resultCode: '0000', resultMsg: 'Success', resultData: null } };

// What PAYON receives, byte for byte where it matters: method, path, headers, body and `sign`
// (recomputed here with node:crypto over a canonical string written out by hand).
describe('PayonClient on the wire', () => {
  let payon: ScriptedPayon;
  let client: PayonClient;

  beforeAll(async () => {
    payon = await startScriptedPayon();
    client = new PayonClient({
      config: payonConfig(payon.url),
      secrets: staticSecrets(secret),
      pinEncryption: createPinEncryptor,
    });
  });
  beforeEach(() => {
    payon.received.length = 0;
  });
  afterAll(() => payon.close());

  function only() {
    expect(payon.received).toHaveLength(1);
    const [request] = payon.received;
    if (!request) throw new Error('no request');
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers.accept).toBe('application/json');
    expect(request.headers.authentication).toBeUndefined();
    return request;
  }

  it('registers an order with trt, a two-decimal amount and the signed fields', async () => {
    payon.script('/pg/order/register', {
      json: {
        resultCode: '0000',
        resultMsg: 'Success',
        resultData: {
          txId: '1620803885401000',
          checkoutUrl: 'https://pg.example/checkout/1620803885401000',
          qrString: null,
          expiresAt: '20210512151805',
        },
      },
    });

    const order = await client.registerOrder({
      txId: '1620803885401000',
      kind: 'purchase',
      amount: money(100, 'USD'),
      paymentMethod: 'CREDIT_DEBIT',
      payDvCd: 'MPI',
      clientId: '02',
    });

    const request = only();
    expect(request.path).toBe('/pg/order/register');
    expect(request.body).toEqual({
      merchantId: 'C0000143',
      termId: 'CT03000003',
      txId: '1620803885401000',
      trt: '10',
      currency: 'USD',
      amount: '1.00',
      paymentMethod: 'CREDIT_DEBIT',
      clientId: '02',
      payDvCd: 'MPI',
      sign: hmacHex(
        'test-api-key',
        'amount=1.00&clientId=02&currency=USD&merchantId=C0000143&payDvCd=MPI&paymentMethod=CREDIT_DEBIT&termId=CT03000003&trt=10&txId=1620803885401000',
      ),
    });
    expect(order).toEqual({
      txId: '1620803885401000',
      checkoutUrl: 'https://pg.example/checkout/1620803885401000',
      qrString: undefined,
      expiresAt: new Date('2021-05-12T08:18:05Z'),
    });
  });

  it('registers a pre-authorisation with trt 12 and a saved card', async () => {
    payon.script('/pg/order/register', {
      json: {
        resultCode: '0000',
        resultMsg: 'Success',
        resultData: { txId: '1620803885401001', checkoutUrl: 'https://pg.example/c/1' },
      },
    });

    await client.registerOrder({
      txId: '1620803885401001',
      kind: 'preauth',
      amount: money(2_550, 'USD'),
      paymentMethod: 'CREDIT_DEBIT',
      clientId: '02',
      bindingId: '7ce4dda7-b9f8-4343-883b-e5ff6295e5f9',
    });

    expect(only().body).toEqual({
      merchantId: 'C0000143',
      termId: 'CT03000003',
      txId: '1620803885401001',
      trt: '12',
      currency: 'USD',
      amount: '25.50',
      paymentMethod: 'CREDIT_DEBIT',
      clientId: '02',
      bindingId: '7ce4dda7-b9f8-4343-883b-e5ff6295e5f9',
      sign: hmacHex(
        'test-api-key',
        'amount=25.50&bindingId=7ce4dda7-b9f8-4343-883b-e5ff6295e5f9&clientId=02&currency=USD&merchantId=C0000143&paymentMethod=CREDIT_DEBIT&termId=CT03000003&trt=12&txId=1620803885401001',
      ),
    });
  });

  it.each([
    ['reverse', '/pg/reversal'],
    ['refund', '/pg/refund'],
  ] as const)('%s sends only the ids and sign to %s', async (method, path) => {
    payon.script(path, {
      json: { resultCode: '0000', resultMessage: 'Success', amount: 1, currency: 'USD' },
    });

    await client[method]('159607654560937');

    const request = only();
    expect(request.path).toBe(path);
    expect(request.body).toEqual({
      txId: '159607654560937',
      merchantId: 'C0000143',
      termId: 'CT03000003',
      sign: hmacHex('test-api-key', 'merchantId=C0000143&termId=CT03000003&txId=159607654560937'),
    });
  });

  it('completes a pre-authorisation with amount and currency', async () => {
    payon.script('/pg/preAuthCompletion', {
      json: { resultCode: '0000', resultMessage: 'Success' },
    });

    const result = await client.completePreAuth({
      txId: '1620803885401001',
      amount: money(230, 'USD'),
    });

    const request = only();
    expect(request.path).toBe('/pg/preAuthCompletion');
    expect(request.body).toEqual({
      txId: '1620803885401001',
      merchantId: 'C0000143',
      termId: 'CT03000003',
      currency: 'USD',
      amount: '2.30',
      sign: hmacHex(
        'test-api-key',
        'amount=2.30&currency=USD&merchantId=C0000143&termId=CT03000003&txId=1620803885401001',
      ),
    });
    expect(result).toEqual({
      txId: '1620803885401001',
      amount: undefined,
      approvalNo: undefined,
      approvedAt: undefined,
      refNo: undefined,
    });
  });

  it('asks for order history with Cambodian dates and numeric paging', async () => {
    payon.script('/pg/orders', { json: [] });

    const orders = await client.listOrders({
      from: new Date('2018-10-31T17:00:00Z'), // 1 Nov 2018, 00:00 ICT
      to: new Date('2020-11-24T16:59:59Z'), // 24 Nov 2020, 23:59:59 ICT
      index: 1,
      limit: 5,
      kind: 'purchase',
    });

    expect(orders).toEqual([]);
    const request = only();
    expect(request.path).toBe('/pg/orders');
    expect(request.body).toEqual({
      fromDate: '01112018',
      toDate: '24112020',
      index: 1,
      limit: 5,
      trt: '10',
      merchantId: 'C0000143',
      termId: 'CT03000003',
      sign: hmacHex(
        'test-api-key',
        'fromDate=01112018&index=1&limit=5&merchantId=C0000143&termId=CT03000003&toDate=24112020&trt=10',
      ),
    });
  });

  it('pulls a status with amount and currency as the lookup key', async () => {
    payon.script('/pg/transaction/status', {
      status: 302,
      json: { resultMsg: 'System error', resultCode: '9999', resultData: null },
    });

    await client.transactionStatus({ txId: '1613104202987', amount: money(100, 'USD') });

    const request = only();
    expect(request.path).toBe('/pg/transaction/status');
    expect(request.body).toEqual({
      termId: 'CT03000003',
      txId: '1613104202987',
      merchantId: 'C0000143',
      currency: 'USD',
      amount: '1.00',
      sign: hmacHex(
        'test-api-key',
        'amount=1.00&currency=USD&merchantId=C0000143&termId=CT03000003&txId=1613104202987',
      ),
    });
  });

  it('creates a binding on the documented path with RSA-encrypted pins and the required paymentMethod', async () => {
    payon.script('/pg/binding/register', {
      json: {
        resultCode: '0000',
        resultMsg: 'Success',
        bindingId: 'b-1',
        clientId: 'C0000143CT0300000302',
      },
    });

    await client.createBinding({
      clientId: '02',
      paymentMethod: 'PAYON',
      card: { number: '1010499900000048', expiry: '202812', holderName: 'MC' },
      phone: '855964444781',
      pin: '123456',
      payonPin: '2580',
    });

    const request = only();
    expect(request.path).toBe('/pg/binding/register');
    const body = request.body as Record<string, string>;
    const { pin, payonPin, sign, ...plain } = body;
    expect(plain).toEqual({
      merchantId: 'C0000143',
      termId: 'CT03000003',
      clientId: '02',
      paymentMethod: 'PAYON',
      wdlAcNo: '1010499900000048',
      wdlExpiry: '202812',
      wdlNm: 'MC',
      phone: '855964444781',
    });
    expect(decryptPinForTest(pin ?? '', payonPrivateKey, 'pkcs1')).toBe('123456');
    expect(decryptPinForTest(payonPin ?? '', payonPrivateKey, 'pkcs1')).toBe('2580');
    expect(sign).toBe(
      hmacHex(
        'test-api-key',
        `clientId=02&merchantId=C0000143&paymentMethod=PAYON&payonPin=${payonPin}&phone=855964444781&pin=${pin}&termId=CT03000003&wdlAcNo=1010499900000048&wdlExpiry=202812&wdlNm=MC`,
      ),
    );
  });

  it('uses the example path and plain pins when configured so', async () => {
    const local = await startScriptedPayon();
    try {
      local.script('/pg/createBinding', { json: { resultCode: '0000', bindingId: 'b-2' } });
      const plainClient = new PayonClient({
        config: payonConfig(local.url, {
          paths: {
            createBinding: '/pg/createBinding',
            pinVerification: '/pg/binding/pinVerification',
          },
          bindingPinEncryption: 'plain',
        }),
        secrets: staticSecrets(secret),
      });

      await plainClient.createBinding({
        clientId: '02',
        paymentMethod: 'CREDIT_DEBIT',
        card: { number: '5204730000001003', cvv: '100', expiry: '202512' },
        pin: '123456',
      });

      expect(local.received.map((r) => [r.path, (r.body as Record<string, string>).pin])).toEqual([
        ['/pg/createBinding', '123456'],
      ]);
    } finally {
      await local.close();
    }
  });

  it('lists bindings for the short clientId', async () => {
    payon.script('/pg/bindingList', {
      json: { resultCode: '0000', resultMsg: 'Success', resultData: [] },
    });

    await client.listBindings('04');

    expect(only().body).toEqual({
      merchantId: 'C0000143',
      termId: 'CT03000003',
      clientId: '04',
      sign: hmacHex('test-api-key', 'clientId=04&merchantId=C0000143&termId=CT03000003'),
    });
  });

  it('creates a PIN encrypted with PAYON public key', async () => {
    payon.script('/pg/binding/createPIN', ok);

    await client.createPin({ clientId: '04', pin: '654321' });

    const request = only();
    expect(request.path).toBe('/pg/binding/createPIN');
    const { pin, sign, ...rest } = request.body as Record<string, string>;
    expect(rest).toEqual({ clientId: '04', merchantId: 'C0000143', termId: 'CT03000003' });
    expect(decryptPinForTest(pin ?? '', payonPrivateKey, 'pkcs1')).toBe('654321');
    expect(sign).toBe(
      hmacHex('test-api-key', `clientId=04&merchantId=C0000143&pin=${pin}&termId=CT03000003`),
    );
  });

  it('toggles PIN verification on the decided path', async () => {
    payon.script('/pg/binding/pinVerification', ok);

    await client.setPinVerification({ clientId: '04', enabled: false });

    const request = only();
    expect(request.path).toBe('/pg/binding/pinVerification');
    expect(request.body).toEqual({
      merchantId: 'C0000143',
      termId: 'CT03000003',
      clientId: '04',
      verifyYn: 'N',
      sign: hmacHex('test-api-key', 'clientId=04&merchantId=C0000143&termId=CT03000003&verifyYn=N'),
    });
  });

  it('submits reconciliation as an unsigned bare array to the misspelt path', async () => {
    payon.script('/pg/merchant/reconcilation', { json: [] });

    await client.reconcile([
      {
        txId: '1652858955940000',
        type: 'PURCHASE',
        grandTotal: money(230, 'USD'),
        buyerId: 'becbd0f6-39b7-4b81-ba36-6c374ae8eaee',
        sellerId: '5f31c1ec-97ff-4940-b5ad-5d6b79eba748',
      },
      { txId: '1652886005159000', type: 'REFUND', grandTotal: money(230, 'USD') },
    ]);

    const request = only();
    expect(request.path).toBe('/pg/merchant/reconcilation');
    expect(request.body).toEqual([
      {
        termId: 'CT03000003',
        merchantId: 'C0000143',
        buyerId: 'becbd0f6-39b7-4b81-ba36-6c374ae8eaee',
        sellerId: '5f31c1ec-97ff-4940-b5ad-5d6b79eba748',
        txId: '1652858955940000',
        transactionType: 'PURCHASE',
        grandToTAmt: '2.30',
      },
      {
        termId: 'CT03000003',
        merchantId: 'C0000143',
        txId: '1652886005159000',
        transactionType: 'REFUND',
        grandToTAmt: '2.30',
      },
    ]);
  });

  it('carries the API key in the configured authentication header', async () => {
    const local = await startScriptedPayon();
    try {
      local.script('/pg/refund', { json: { resultCode: '0000', resultMessage: 'Success' } });
      const withHeader = new PayonClient({
        config: payonConfig(local.url, { authHeader: 'Authentication' }),
        secrets: staticSecrets(secret),
      });

      await withHeader.refund('159607654560937');

      expect(local.received[0]?.headers.authentication).toBe('test-api-key');
    } finally {
      await local.close();
    }
  });

  it('signs with the merchant RSA key when the secret says rsa-sha256', async () => {
    const { createPublicKey, verify } = await import('node:crypto');
    const merchantKey = readFileSync(new URL('merchant-test.key.pem', KEYS), 'utf8');
    const merchantPub = createPublicKey(
      readFileSync(new URL('merchant-test.pub.pem', KEYS), 'utf8'),
    );
    const local = await startScriptedPayon();
    try {
      local.script('/pg/refund', { json: { resultCode: '0000', resultMessage: 'Success' } });
      const rsaClient = new PayonClient({
        config: payonConfig(local.url),
        secrets: staticSecrets({ ...secret, signingScheme: 'rsa-sha256', signingKey: merchantKey }),
      });

      await rsaClient.refund('159607654560937');

      const sign = (local.received[0]?.body as Record<string, string> | undefined)?.sign ?? '';
      expect(
        verify(
          'sha256',
          Buffer.from('merchantId=C0000143&termId=CT03000003&txId=159607654560937'),
          merchantPub,
          Buffer.from(sign, 'base64'),
        ),
      ).toBe(true);
    } finally {
      await local.close();
    }
  });

  it('sends no sign at all with the none scheme', async () => {
    const local = await startScriptedPayon();
    try {
      local.script('/pg/refund', { json: { resultCode: '0000', resultMessage: 'Success' } });
      const unsigned = new PayonClient({
        config: payonConfig(local.url),
        secrets: staticSecrets({ ...secret, signingScheme: 'none' }),
      });

      await unsigned.refund('159607654560937');

      expect(local.received[0]?.body).toEqual({
        txId: '159607654560937',
        merchantId: 'C0000143',
        termId: 'CT03000003',
      });
    } finally {
      await local.close();
    }
  });
});
