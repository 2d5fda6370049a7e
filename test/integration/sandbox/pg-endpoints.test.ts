import { constants, publicEncrypt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '#local/payon-sandbox/index.ts';
import {
  API_KEY,
  MERCHANT_ID,
  newTxId,
  paidOrder,
  pg,
  post,
  registerOrder,
  signed,
  startTestSandbox,
  TERM_ID,
} from './helpers.ts';

let sandbox: Sandbox;
let publicKeyPem: string;

const encryptPin = (pin: string): string =>
  publicEncrypt(
    { key: publicKeyPem, padding: constants.RSA_PKCS1_PADDING },
    Buffer.from(pin, 'utf8'),
  ).toString('base64');

beforeAll(async () => {
  sandbox = await startTestSandbox();
  publicKeyPem = await (await fetch(`${sandbox.url}/_sandbox/payon-public-key`)).text();
});
afterAll(() => sandbox.stop());

describe('order registration', () => {
  it('answers the decided wrapped shape with a checkout link on the sandbox and an ICT expiry', async () => {
    // Prepare
    const txId = newTxId();
    // Act
    const answer = await pg(sandbox, '/pg/order/register', {
      txId,
      trt: '10',
      currency: 'USD',
      amount: '12.50',
      paymentMethod: 'CREDIT_DEBIT',
    });
    // Assess
    expect(answer.status).toBe(200);
    const body = answer.json as {
      resultCode: string;
      resultMsg: string;
      resultData: Record<string, unknown>;
    };
    expect(body.resultCode).toBe('0000');
    expect(body.resultMsg).toBe('Success');
    expect(Object.keys(body.resultData).sort()).toEqual(['checkoutUrl', 'expiresAt', 'txId']);
    expect(body.resultData.txId).toBe(txId);
    expect(body.resultData.checkoutUrl).toBe(`${sandbox.url}/checkout/${txId}`);
    expect(body.resultData.expiresAt).toMatch(/^\d{14}$/);
  });

  it('adds a KHQR string only for KHQR payment methods', async () => {
    // Act
    const khqr = await registerOrder(sandbox, { paymentMethod: 'BAKONG_KHQR' });
    const payonQr = await registerOrder(sandbox, { paymentMethod: 'PAYON', payDvCd: 'PAYON_QR' });
    const card = await registerOrder(sandbox, { paymentMethod: 'CREDIT_DEBIT' });
    // Assess
    expect(khqr.data.qrString).toMatch(/^000201010212.*6304[0-9A-F]{4}$/);
    expect(payonQr.data.qrString).toMatch(/^000201010212/);
    expect(card.data.qrString).toBeUndefined();
  });

  it('refuses a duplicate txId with 3003 and a message saying why', async () => {
    // Prepare
    const { txId } = await registerOrder(sandbox);
    // Act
    const answer = await pg(sandbox, '/pg/order/register', {
      txId,
      trt: '10',
      currency: 'USD',
      amount: '1.00',
      paymentMethod: 'CREDIT_DEBIT',
    });
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      resultMsg: `Invalid Transaction: duplicate txId ${txId} is already registered`,
      resultCode: '3003',
      resultData: null,
    });
  });

  it('refuses a currency other than USD and accepts lowercase usd', async () => {
    // Act
    const khr = await pg(sandbox, '/pg/order/register', {
      txId: newTxId(),
      trt: '10',
      currency: 'KHR',
      amount: '1.00',
      paymentMethod: 'CREDIT_DEBIT',
    });
    const lower = await registerOrder(sandbox, { currency: 'usd' });
    // Assess
    expect(khr.json).toMatchObject({ resultCode: '9999', resultData: null });
    expect((khr.json as { resultMsg: string }).resultMsg).toContain('currency must be USD');
    expect(lower.txId).toMatch(/^\d+$/);
  });
});

describe('money moves answer flat with resultMessage', () => {
  it('refund answers the documented fields with a numeric amount and a 12-digit refNo', async () => {
    // Prepare
    const txId = await paidOrder(sandbox, { amount: '2.30' });
    // Act
    const answer = await pg(sandbox, '/pg/refund', { txId });
    // Assess
    expect(answer.status).toBe(200);
    const body = answer.json as Record<string, unknown>;
    expect(Object.keys(body)).toEqual([
      'txId',
      'merchantId',
      'termId',
      'amount',
      'currency',
      'resultCode',
      'resultMessage',
      'approvalNo',
      'approvalDate',
      'acsUrl',
      'refNo',
      'transactionAmount',
    ]);
    expect(body).toMatchObject({
      txId,
      merchantId: MERCHANT_ID,
      termId: TERM_ID,
      amount: 2.3,
      currency: 'USD',
      resultCode: '0000',
      resultMessage: 'Success',
      acsUrl: null,
      transactionAmount: null,
    });
    expect(body.approvalNo).toMatch(/^\d{6}$/);
    expect(body.refNo).toBe(`000000${body.approvalNo}`);
    expect(body.approvalDate).toMatch(/^\d{14}$/);
    expect(answer.text).toContain('"amount":2.3,');
  });

  it('reversal answers the same flat shape', async () => {
    // Prepare
    const txId = await paidOrder(sandbox, { amount: '1.00' });
    // Act
    const answer = await pg(sandbox, '/pg/reversal', { txId });
    // Assess
    expect(answer.json).toMatchObject({
      txId,
      amount: 1,
      resultCode: '0000',
      resultMessage: 'Success',
    });
    expect(answer.json).not.toHaveProperty('resultMsg');
  });

  it('pre-auth completion answers the flat shape with the completed amount', async () => {
    // Prepare
    const txId = await paidOrder(sandbox, { trt: '12', amount: '20.00' });
    // Act
    const answer = await pg(sandbox, '/pg/preAuthCompletion', {
      txId,
      currency: 'USD',
      amount: '15.50',
    });
    // Assess
    expect(answer.json).toMatchObject({
      txId,
      amount: 15.5,
      currency: 'USD',
      resultCode: '0000',
      resultMessage: 'Success',
    });
  });
});

describe('transaction status', () => {
  it('answers 200 with the wrapped COMPLETE record when the payment is approved and amount and currency match', async () => {
    // Prepare
    const txId = await paidOrder(sandbox, { amount: '2' });
    // Act
    const answer = await pg(sandbox, '/pg/transaction/status', {
      txId,
      amount: '2.00',
      currency: 'USD',
    });
    // Assess
    expect(answer.status).toBe(200);
    const body = answer.json as {
      resultMsg: string;
      resultCode: string;
      resultData: Record<string, unknown>;
    };
    expect(body.resultMsg).toBe('Success');
    expect(body.resultCode).toBe('0000');
    expect(body.resultData).toMatchObject({
      txStCd: 'COMPLETE',
      trt: 'PURCHASE',
      paymentMethod: 'CREDIT_DEBIT',
      merchantId: MERCHANT_ID,
      termId: TERM_ID,
      wdlAcNo: '************1111',
      tracNo: txId,
      amount: 2,
      currencyCode: 'USD',
    });
    expect(body.resultData.txDt).toMatch(/^\d{8}$/);
    expect(body.resultData.txSeqNo).toMatch(/^\d{16}$/);
    expect(body.resultData.apprNo).toMatch(/^\d{6}$/);
    expect(body.resultData.apprDttm).toMatch(/^\d{14}$/);
  });

  it('answers HTTP 302 with the 9999 body for an unknown txId', async () => {
    // Act
    const answer = await pg(sandbox, '/pg/transaction/status', {
      txId: '9999999999999999',
      amount: '1',
      currency: 'USD',
    });
    // Assess
    expect(answer.status).toBe(302);
    expect(answer.json).toEqual({
      resultMsg: 'System error',
      resultCode: '9999',
      resultData: null,
    });
    expect(answer.headers.get('location')).toBeNull();
  });

  it('answers 302 when the amount does not match the payment', async () => {
    // Prepare
    const txId = await paidOrder(sandbox, { amount: '5.00' });
    // Act
    const answer = await pg(sandbox, '/pg/transaction/status', {
      txId,
      amount: '5.01',
      currency: 'USD',
    });
    // Assess
    expect(answer.status).toBe(302);
    expect(answer.json).toEqual({
      resultMsg: 'System error',
      resultCode: '9999',
      resultData: null,
    });
  });

  it('answers 302 for a registered order that was never paid', async () => {
    // Prepare
    const { txId } = await registerOrder(sandbox, { amount: '3.00' });
    // Act
    const answer = await pg(sandbox, '/pg/transaction/status', {
      txId,
      amount: '3.00',
      currency: 'USD',
    });
    // Assess
    expect(answer.status).toBe(302);
  });
});

describe('orders history', () => {
  it('answers a bare array with the 12-hour apprDttm without AM/PM, numeric amounts and 6-digit stan', async () => {
    // Prepare: 13:30:21 in Cambodia on 24 Nov 2020
    sandbox.setClock('2020-11-24T06:30:21.000Z');
    const txId = await paidOrder(sandbox, { amount: '1.00' });
    sandbox.setClock(new Date().toISOString());
    // Act
    const answer = await pg(sandbox, '/pg/orders', {
      fromDate: '24112020',
      toDate: '24112020',
      index: 1,
      limit: 5,
      trt: '10',
    });
    // Assess
    expect(answer.status).toBe(200);
    expect(Array.isArray(answer.json)).toBe(true);
    const items = answer.json as Array<Record<string, unknown>>;
    expect(items).toHaveLength(1);
    const item = items[0] ?? {};
    expect(Object.keys(item)).toEqual([
      'txDt',
      'txSeqNo',
      'txStCd',
      'trt',
      'payDvCd',
      'paymentType',
      'merchantId',
      'termId',
      'tracNo',
      'amount',
      'currencyCode',
      'settleYn',
      'cancelYn',
      'refundYn',
      'apprNo',
      'apprDttm',
      'resultCd',
      'resultMsg',
      'stan',
    ]);
    expect(item).toMatchObject({
      txDt: '20201124',
      txStCd: '09',
      trt: '10',
      payDvCd: '8',
      paymentType: '02',
      tracNo: txId,
      amount: 1,
      currencyCode: 'USD',
      settleYn: 'N',
      cancelYn: 'N',
      refundYn: 'N',
      resultCd: '0000',
      resultMsg: 'Success',
    });
    expect(item.apprDttm).toMatch(/^24\/11\/2020 01:30:2\d$/);
    expect(item.stan).toMatch(/^\d{6}$/);
    expect(item.txSeqNo).toMatch(/^20201124\d{8}$/);
  });

  it('lists each attempt of a payment as a row of its own with the same keys and tracNo', async () => {
    // Prepare: declined at 09:05:00, approved at 09:10:00 in Cambodia on 5 May 2021
    sandbox.setClock('2021-05-05T02:00:00.000Z');
    const { txId } = await registerOrder(sandbox, { amount: '2.50' });
    sandbox.setClock('2021-05-05T02:05:00.000Z');
    sandbox.pay(txId, 'decline');
    sandbox.setClock('2021-05-05T02:10:00.000Z');
    sandbox.pay(txId, 'approve');
    sandbox.setClock(new Date().toISOString());
    // Act
    const answer = await pg(sandbox, '/pg/orders', {
      fromDate: '05052021',
      toDate: '05052021',
      index: 1,
      limit: 10,
    });
    // Assess
    const items = answer.json as Array<Record<string, unknown>>;
    expect(items).toHaveLength(2);
    const [declined, approved] = items;
    expect(Object.keys(declined ?? {})).toEqual(Object.keys(approved ?? {}));
    expect(declined).toMatchObject({
      tracNo: txId,
      txStCd: '99',
      amount: 2.5,
      apprNo: null,
      apprDttm: '05/05/2021 09:05:00',
      resultCd: '9999',
      resultMsg: 'Card declined',
      settleYn: 'N',
      cancelYn: 'N',
      refundYn: 'N',
    });
    expect(approved).toMatchObject({
      tracNo: txId,
      txStCd: '09',
      apprDttm: '05/05/2021 09:10:00',
      resultCd: '0000',
      resultMsg: 'Success',
    });
    expect(approved?.apprNo).toMatch(/^\d{6}$/);
  });

  it('treats index as a 1-based page number of limit items', async () => {
    // Prepare: three payments on a day of their own
    sandbox.setClock('2021-03-03T03:00:00.000Z');
    const ids = [await paidOrder(sandbox), await paidOrder(sandbox), await paidOrder(sandbox)];
    sandbox.setClock(new Date().toISOString());
    const page = async (index: number) =>
      (
        await pg(sandbox, '/pg/orders', {
          fromDate: '03032021',
          toDate: '03032021',
          index,
          limit: 2,
        })
      ).json as Array<{ tracNo: string }>;
    // Act
    const first = await page(1);
    const second = await page(2);
    // Assess
    expect(first.map((i) => i.tracNo)).toEqual(ids.slice(0, 2));
    expect(second.map((i) => i.tracNo)).toEqual(ids.slice(2));
  });
});

describe('bindings and PINs', () => {
  it('creates a binding on both paths with the documented flat shape and namespaced clientId', async () => {
    // Prepare
    const request = {
      clientId: '02',
      paymentMethod: 'CREDIT_DEBIT',
      wdlAcNo: '5204730000001003',
      wdlCvv: '100',
      wdlExpiry: '209912',
      wdlNm: 'MC',
      phone: '855964444781',
      email: '',
    };
    // Act
    const documented = await pg(sandbox, '/pg/binding/register', request);
    const example = await pg(sandbox, '/pg/createBinding', request);
    // Assess
    for (const answer of [documented, example]) {
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({
        txDt: null,
        txSeqNo: null,
        merchantId: MERCHANT_ID,
        termId: TERM_ID,
        wdlAcNo: '520473**1003',
        wdlExpiry: '209912',
        wdlNm: null,
        clientId: 'C0000143CT0300000302',
        phone: null,
        email: null,
        resultCode: '0000',
        resultMsg: 'Success',
      });
      expect((answer.json as { bindingId: string }).bindingId).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    }
  });

  it('lists only the newest binding of a card and shows an opaque pin blob, never the PIN', async () => {
    // Prepare
    const clientId = `c${newTxId()}`;
    const card = {
      clientId,
      paymentMethod: 'CREDIT_DEBIT',
      wdlAcNo: '4111111111111111',
      wdlExpiry: '209901',
      pin: encryptPin('4321'),
    };
    const older = (await pg(sandbox, '/pg/binding/register', card)).json as { bindingId: string };
    const newer = (await pg(sandbox, '/pg/binding/register', card)).json as { bindingId: string };
    const payon = await pg(sandbox, '/pg/binding/register', {
      clientId,
      paymentMethod: 'PAYON',
      wdlAcNo: '1010499900000048',
      payonPin: encryptPin('1234'),
    });
    // Act
    const answer = await pg(sandbox, '/pg/bindingList', { clientId });
    // Assess
    expect(payon.json).toMatchObject({ resultCode: '0000' });
    const body = answer.json as {
      resultMsg: string;
      resultCode: string;
      resultData: Array<Record<string, unknown>>;
    };
    expect(body.resultMsg).toBe('Success');
    expect(body.resultCode).toBe('0000');
    expect(body.resultData.map((b) => b.bindingId)).not.toContain(older.bindingId);
    expect(body.resultData.map((b) => b.bindingId)).toContain(newer.bindingId);
    const credit = body.resultData.find((b) => b.bindingId === newer.bindingId) ?? {};
    expect(credit).toMatchObject({
      wdlAcNo: '411111******1111',
      clientId: `C0000143CT03000003${clientId}`,
      encryptedAcNo: null,
      encryptedCvv: null,
      verifyYn: 'Y',
      paymentType: '02',
      resultCode: null,
      resultMsg: null,
    });
    const blob = Buffer.from(String(credit.pin), 'base64');
    expect(blob).toHaveLength(82);
    expect([blob[0], blob[1]]).toEqual([0x03, 0x01]);
    expect(body.resultData.find((b) => b.paymentType === '01')).toMatchObject({
      wdlAcNo: '101049******0048',
    });
  });

  it('refuses a card that fails Luhn, an expiry in the past and the decline test card', async () => {
    // Act
    const luhn = await pg(sandbox, '/pg/binding/register', {
      clientId: '7',
      paymentMethod: 'CREDIT_DEBIT',
      wdlAcNo: '4111111111111112',
    });
    const expired = await pg(sandbox, '/pg/binding/register', {
      clientId: '7',
      paymentMethod: 'CREDIT_DEBIT',
      wdlAcNo: '4111111111111111',
      wdlExpiry: '202001',
    });
    const declined = await pg(sandbox, '/pg/binding/register', {
      clientId: '7',
      paymentMethod: 'CREDIT_DEBIT',
      wdlAcNo: '4000000000000002',
    });
    // Assess
    expect(luhn.json).toMatchObject({
      resultCode: '9999',
      resultMsg: 'wdlAcNo is not a valid card number (Luhn check failed)',
    });
    expect(expired.json).toMatchObject({
      resultCode: '9999',
      resultMsg: 'wdlExpiry 202001 is in the past',
    });
    expect(declined.json).toMatchObject({ resultCode: '9999', resultMsg: 'Card declined' });
  });

  it('createPIN and pinVerification answer the wrapped success with null resultData', async () => {
    // Act
    const created = await pg(sandbox, '/pg/binding/createPIN', {
      clientId: '04',
      pin: encryptPin('123456'),
    });
    const disabled = await pg(sandbox, '/pg/binding/pinVerification', {
      clientId: '04',
      verifyYn: 'N',
    });
    // Assess
    expect(created.json).toEqual({ resultMsg: 'Success', resultCode: '0000', resultData: null });
    expect(disabled.json).toEqual({ resultMsg: 'Success', resultCode: '0000', resultData: null });
  });
});

describe('merchant reconciliation', () => {
  it('answers a bare array: APPROVED for a match, MISMATCHED for a wrong amount, codes for unknown ids', async () => {
    // Prepare
    const txId = await paidOrder(sandbox, { amount: '2.30', buyerId: 'buyer-1' });
    const item = {
      termId: TERM_ID,
      merchantId: MERCHANT_ID,
      txId,
      transactionType: 'PURCHASE',
      grandToTAmt: 2.3,
      buyerId: 'buyer-1',
      sellerId: 's',
    };
    // Act
    const answer = await post(`${sandbox.url}/pg/merchant/reconcilation`, [
      item,
      { ...item, grandToTAmt: 2.4 },
      { ...item, merchantId: 'X0000000' },
      { ...item, termId: 'XX00000000' },
      { ...item, txId: '404' },
      { ...item, buyerId: 'someone-else' },
      { ...item, transactionType: 'REFUND' },
    ]);
    // Assess
    expect(answer.status).toBe(200);
    const items = answer.json as Array<Record<string, unknown>>;
    expect(items[0]).toEqual({
      merchantId: MERCHANT_ID,
      reconciliationDv: 'APPROVED',
      termId: TERM_ID,
      txId,
      buyerId: 'buyer-1',
      sellerId: 's',
      grandToTAmt: 2.3,
      resultMsg: 'Success',
      resultCode: '0000',
    });
    expect(items[1]).toMatchObject({ reconciliationDv: 'MISMATCHED', resultCode: '9999' });
    expect(items[2]).toMatchObject({ resultCode: '0001', resultMsg: 'Invalid Merchant ID' });
    expect(items[3]).toMatchObject({ resultCode: '0002', resultMsg: 'Invalid Term ID' });
    expect(items[4]).toMatchObject({ resultCode: '3003', resultMsg: 'Invalid Transaction' });
    expect(items[5]).toMatchObject({ resultCode: '0006', resultMsg: 'Invalid Customer ID' });
    expect(items[6]).toMatchObject({ reconciliationDv: 'MISMATCHED', resultCode: '9999' });
  });
});

describe('what a gateway checks', () => {
  it('answers 401 with the bare body 1 for a wrong sign', async () => {
    // Act
    const answer = await pg(sandbox, '/pg/refund', { txId: '1' }, { key: 'not-the-api-key' });
    // Assess
    expect(answer.status).toBe(401);
    expect(answer.text).toBe('1');
  });

  it('answers 401 for a body changed after signing, and for a missing sign', async () => {
    // Prepare
    const body = signed({
      merchantId: MERCHANT_ID,
      termId: TERM_ID,
      txId: newTxId(),
      amount: '1.00',
      currency: 'USD',
    });
    // Act
    const tampered = await post(`${sandbox.url}/pg/transaction/status`, {
      ...body,
      amount: '100.00',
    });
    const unsigned = await pg(
      sandbox,
      '/pg/transaction/status',
      { txId: '1', amount: '1', currency: 'USD' },
      { unsigned: true },
    );
    // Assess
    expect([tampered.status, tampered.text]).toEqual([401, '1']);
    expect([unsigned.status, unsigned.text]).toEqual([401, '1']);
  });

  it('answers 0001 for an unknown merchant and 0002 for a wrong terminal in the endpoint envelope', async () => {
    // Act
    const merchant = await pg(sandbox, '/pg/refund', { merchantId: 'C9999999', txId: '1' });
    const terminal = await pg(sandbox, '/pg/bindingList', { termId: 'CT99999999', clientId: '1' });
    // Assess
    expect(merchant.json).toMatchObject({
      resultCode: '0001',
      resultMessage: 'Invalid Merchant ID',
      txId: '1',
    });
    expect(terminal.json).toEqual({
      resultMsg: 'Invalid Term ID',
      resultCode: '0002',
      resultData: null,
    });
  });

  it('answers 9999 naming a missing required field', async () => {
    // Act
    const answer = await pg(sandbox, '/pg/order/register', {
      txId: newTxId(),
      trt: '10',
      currency: 'USD',
      paymentMethod: 'CREDIT_DEBIT',
    });
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      resultMsg: 'amount is required',
      resultCode: '9999',
      resultData: null,
    });
  });

  it('answers 400 for malformed JSON and 413 for a body over 1 MB', async () => {
    // Act
    const malformed = await post(`${sandbox.url}/pg/refund`, undefined, { raw: '{"txId":' });
    const large = await post(`${sandbox.url}/pg/refund`, undefined, {
      raw: `{"x":"${'a'.repeat(1_100_000)}"}`,
    });
    // Assess
    expect(malformed.status).toBe(400);
    expect(malformed.json).toEqual({ resultCode: '9999', resultMsg: 'Malformed JSON' });
    expect(large.status).toBe(413);
  });

  it('requires the configured auth header carrying the merchant API key', async () => {
    // Prepare
    const guarded = await startTestSandbox({ authHeader: 'Authentication' });
    try {
      const body = { txId: '1', amount: '1', currency: 'USD' };
      // Act
      const without = await pg(guarded, '/pg/transaction/status', body);
      const wrong = await pg(guarded, '/pg/transaction/status', body, {
        headers: { Authentication: 'nope' },
      });
      const right = await pg(guarded, '/pg/transaction/status', body, {
        headers: { Authentication: API_KEY },
      });
      // Assess
      expect([without.status, without.text]).toEqual([401, '1']);
      expect([wrong.status, wrong.text]).toEqual([401, '1']);
      expect(right.status).toBe(302);
      const journaled = guarded.journal.requests('/pg/transaction/status').at(-1);
      expect(journaled?.headers.authentication).not.toContain(API_KEY);
    } finally {
      await guarded.stop();
    }
  });
});
