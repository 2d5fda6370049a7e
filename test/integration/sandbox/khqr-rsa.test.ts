import { constants, publicEncrypt } from 'node:crypto';
import { BakongKHQR } from 'bakong-khqr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '#local/payon-sandbox/index.ts';
import { createPinEncryptor } from '#shared/crypto/rsa.ts';
import {
  MERCHANT_ID,
  newTxId,
  pg,
  postForm,
  registerOrder,
  startTestSandbox,
  TERM_ID,
} from './helpers.ts';

let sandbox: Sandbox;
let publicKeyPem: string;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  const answer = await fetch(`${sandbox.url}/_sandbox/payon-public-key`);
  publicKeyPem = await answer.text();
});
afterAll(() => sandbox.stop());

const encrypt = (pin: string, padding = constants.RSA_PKCS1_PADDING, oaepHash?: string) =>
  publicEncrypt(
    { key: publicKeyPem, padding, ...(oaepHash ? { oaepHash } : {}) },
    Buffer.from(pin, 'utf8'),
  ).toString('base64');

describe('KHQR payload', () => {
  it('passes BakongKHQR.verify and decodes to the order: merchant account, USD amount, bill number', async () => {
    // Prepare
    const { txId, data } = await registerOrder(sandbox, {
      paymentMethod: 'BAKONG_KHQR',
      amount: '12.34',
    });
    const payload = data.qrString ?? '';
    // Act
    const verified = BakongKHQR.verify(payload);
    const decoded = BakongKHQR.decode(payload);
    // Assess
    expect(verified.isValid).toBe(true);
    expect(decoded.status.code).toBe(0);
    expect(decoded.data).toMatchObject({
      merchantType: '30',
      merchantID: MERCHANT_ID,
      pointofInitiationMethod: '12',
      transactionCurrency: '840',
      transactionAmount: '12.34',
      countryCode: 'KH',
      billNumber: txId,
      terminalLabel: TERM_ID,
    });
  });

  it('fails verification when one character of the payload is changed', async () => {
    // Prepare
    const { data } = await registerOrder(sandbox, { paymentMethod: 'PAYON', payDvCd: 'KHQR' });
    const payload = data.qrString ?? '';
    const at = payload.indexOf('Phnom Penh');
    const tampered = `${payload.slice(0, at)}X${payload.slice(at + 1)}`;
    // Act
    const verified = BakongKHQR.verify(tampered);
    // Assess
    expect(BakongKHQR.verify(payload).isValid).toBe(true);
    expect(verified.isValid).toBe(false);
  });
});

describe('RSA-encrypted PINs', () => {
  it('serves PAYON public key as PEM', () => {
    expect(publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
  });

  it('accepts a createPIN PIN encrypted with the public key and then requires it at saved-card checkout', async () => {
    // Prepare
    const clientId = `k${newTxId()}`;
    const binding = (
      await pg(sandbox, '/pg/binding/register', {
        clientId,
        paymentMethod: 'PAYON',
        wdlAcNo: '1010499900000048',
        payonPin: encrypt('1234'),
      })
    ).json as { bindingId: string; resultCode: string };
    // Act
    const created = await pg(sandbox, '/pg/binding/createPIN', { clientId, pin: encrypt('5678') });
    const { txId } = await registerOrder(sandbox, {
      paymentMethod: 'PAYON',
      clientId,
      bindingId: binding.bindingId,
    });
    const wrong = await postForm(`${sandbox.url}/checkout/${txId}/passcode`, { passcode: '1234' });
    const right = await postForm(`${sandbox.url}/checkout/${txId}/passcode`, { passcode: '5678' });
    // Assess
    expect(binding.resultCode).toBe('0000');
    expect(created.json).toEqual({ resultMsg: 'Success', resultCode: '0000', resultData: null });
    expect(wrong.status).toBe(422);
    expect(right.status).toBe(303);
    expect(sandbox.transaction(txId)?.state).toBe('APPROVED');
  });

  it('refuses a garbage ciphertext with 9999 and a message', async () => {
    // Act
    const answer = await pg(sandbox, '/pg/binding/createPIN', {
      clientId: '04',
      pin: Buffer.alloc(256, 7).toString('base64'),
    });
    // Assess
    expect(answer.json).toEqual({
      resultMsg: "pin could not be decrypted with PAYON's public key (RSA pkcs1)",
      resultCode: '9999',
      resultData: null,
    });
  });

  it('refuses a PIN that is not 4 to 6 digits', async () => {
    // Act
    const answer = await pg(sandbox, '/pg/binding/createPIN', {
      clientId: '04',
      pin: encrypt('12ab'),
    });
    // Assess
    expect(answer.json).toMatchObject({
      resultCode: '9999',
      resultMsg: 'pin must be 4 to 6 digits',
    });
  });

  it('decrypts OAEP SHA-256 when configured so', async () => {
    // Prepare
    const oaep = await startTestSandbox({ rsaPadding: 'oaep-sha256' });
    try {
      const key = await (await fetch(`${oaep.url}/_sandbox/payon-public-key`)).text();
      const pin = publicEncrypt(
        { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
        Buffer.from('4321'),
      ).toString('base64');
      // Act
      const answer = await pg(oaep, '/pg/binding/createPIN', { clientId: '04', pin });
      // Assess
      expect(answer.json).toMatchObject({ resultCode: '0000' });
    } finally {
      await oaep.stop();
    }
  });

  it('decrypts Java-style OAEP (SHA-256, MGF1 SHA-1) when configured so, and refuses OpenSSL-style OAEP SHA-256', async () => {
    // Prepare
    const java = await startTestSandbox({ rsaPadding: 'oaep-sha256-mgf1-sha1' });
    try {
      const key = await (await fetch(`${java.url}/_sandbox/payon-public-key`)).text();
      const pin = createPinEncryptor(key, 'oaep-sha256-mgf1-sha1').encrypt('4321');
      const sameHashPin = createPinEncryptor(key, 'oaep-sha256').encrypt('4321');
      // Act
      const answer = await pg(java, '/pg/binding/createPIN', { clientId: '04', pin });
      const refused = await pg(java, '/pg/binding/createPIN', { clientId: '05', pin: sameHashPin });
      // Assess
      expect(answer.json).toMatchObject({ resultCode: '0000' });
      expect(refused.json).toMatchObject({ resultCode: '9999' });
    } finally {
      await java.stop();
    }
  });

  it('never journals a PIN, CVV or full card number', async () => {
    // Act
    await pg(sandbox, '/pg/binding/register', {
      clientId: 'j1',
      paymentMethod: 'CREDIT_DEBIT',
      wdlAcNo: '5204730000001003',
      wdlCvv: '100',
      pin: encrypt('123456'),
    });
    // Assess
    const entry = sandbox.journal.requests('/pg/binding/register').at(-1);
    expect(entry?.body).toMatchObject({
      wdlAcNo: '520473**1003',
      wdlCvv: '[redacted]',
      pin: '[redacted]',
    });
    expect(JSON.stringify(sandbox.journal.all())).not.toContain('5204730000001003');
  });
});
