import { constants, publicEncrypt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '#local/payon-sandbox/index.ts';
import {
  getPage,
  MERCHANT_ID,
  newTxId,
  pg,
  postForm,
  type Receiver,
  registerOrder,
  startReceiver,
  startTestSandbox,
  waitFor,
} from './helpers.ts';

const RETURN_URL = 'https://shop.example/payon/return';
let sandbox: Sandbox;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  sandbox = await startTestSandbox();
  sandbox.updateMerchant(MERCHANT_ID, { notifyUrl: receiver.url, returnUrl: RETURN_URL });
});
afterAll(async () => {
  await sandbox.stop();
  await receiver.stop();
});

const checkout = (txId: string, step = '') =>
  `${sandbox.url}/checkout/${txId}${step ? `/${step}` : ''}`;
const pushFor = (txId: string) =>
  waitFor(() => receiver.received.find((r) => (r.body as { txId?: string }).txId === txId));

describe('card checkout', () => {
  it('renders a card form with a title, a heading and a real button', async () => {
    // Prepare
    const { txId } = await registerOrder(sandbox, { amount: '9.99' });
    // Act
    const page = await getPage(checkout(txId));
    // Assess
    expect(page.status).toBe(200);
    expect(page.html).toContain('<title>Card payment · PAYON Sandbox</title>');
    expect(page.html).toContain('<h1>Pay by card</h1>');
    expect(page.html).toContain('<button type="submit">Pay 9.99 USD</button>');
    expect(page.html).toContain(`action="/checkout/${txId}/card"`);
  });

  it('approves the approve test card, redirects 303 to returnUrl with the txId and pushes 0000', async () => {
    // Prepare
    const { txId } = await registerOrder(sandbox);
    // Act
    const answer = await postForm(checkout(txId, 'card'), {
      cardNumber: '4111 1111 1111 1111',
      expiry: '12/30',
      cvv: '123',
    });
    // Assess
    expect(answer.status).toBe(303);
    expect(answer.location).toBe(`${RETURN_URL}?txId=${txId}`);
    expect((await pushFor(txId)).body).toEqual({ txId, resultCode: '0000', resultMsg: 'Success' });
    expect(sandbox.transaction(txId)?.state).toBe('APPROVED');
  });

  it('declines the decline test card and pushes 9999', async () => {
    // Prepare
    const { txId } = await registerOrder(sandbox);
    // Act
    const answer = await postForm(checkout(txId, 'card'), { cardNumber: '4000000000000002' });
    // Assess
    expect(answer.status).toBe(303);
    expect(answer.location).toBe(`${RETURN_URL}?txId=${txId}`);
    expect((await pushFor(txId)).body).toEqual({ txId, resultCode: '9999', resultMsg: 'Error' });
    expect(sandbox.transaction(txId)?.declineReason).toBe('Card declined');
  });

  it('declines the insufficient-funds card with its own reason', async () => {
    // Prepare
    const { txId } = await registerOrder(sandbox);
    // Act
    await postForm(checkout(txId, 'card'), { cardNumber: '4000000000009995' });
    // Assess
    expect(sandbox.transaction(txId)).toMatchObject({
      state: 'DECLINED',
      declineReason: 'Insufficient funds',
    });
  });

  it('sends the 3-D Secure card through the OTP page and approves with 123456', async () => {
    // Prepare
    const { txId } = await registerOrder(sandbox);
    // Act
    const card = await postForm(checkout(txId, 'card'), { cardNumber: '4000000000003220' });
    const otpPage = await getPage(checkout(txId));
    const otp = await postForm(checkout(txId, 'otp'), { otp: '123456' });
    // Assess
    expect(card.status).toBe(303);
    expect(card.location).toBe(`/checkout/${txId}`);
    expect(otpPage.html).toContain('<h1>Verify it is you</h1>');
    expect(otpPage.html).toContain('<button type="submit">Verify</button>');
    expect(otp.location).toBe(`${RETURN_URL}?txId=${txId}`);
    expect((await pushFor(txId)).body).toMatchObject({ resultCode: '0000' });
  });

  it('declines 3-D Secure with a wrong OTP', async () => {
    // Prepare
    const { txId } = await registerOrder(sandbox);
    await postForm(checkout(txId, 'card'), { cardNumber: '4000000000003220' });
    // Act
    const otp = await postForm(checkout(txId, 'otp'), { otp: '000000' });
    // Assess
    expect(otp.status).toBe(303);
    expect(sandbox.transaction(txId)).toMatchObject({
      state: 'DECLINED',
      declineReason: 'Authentication failed: wrong OTP',
    });
  });

  it('refuses a Luhn-invalid number on the form without deciding the payment', async () => {
    // Prepare
    const { txId } = await registerOrder(sandbox);
    // Act
    const answer = await postForm(checkout(txId, 'card'), { cardNumber: '4111111111111112' });
    // Assess
    expect(answer.status).toBe(422);
    expect(answer.html).toContain('The card number is not valid.');
    expect(sandbox.transaction(txId)?.state).toBe('REGISTERED');
  });

  it('escapes what it echoes into the page', async () => {
    // Prepare
    const { txId } = await registerOrder(sandbox);
    sandbox.updateMerchant(MERCHANT_ID, { name: '<script>alert(1)</script>' });
    // Act
    const page = await getPage(checkout(txId));
    sandbox.updateMerchant(MERCHANT_ID, { name: 'Sandbox Merchant' });
    // Assess
    expect(page.html).not.toContain('<script>alert(1)</script>');
    expect(page.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('never journals the full card number or the CVV', async () => {
    // Prepare
    const { txId } = await registerOrder(sandbox);
    // Act
    await postForm(checkout(txId, 'card'), { cardNumber: '4111111111111111', cvv: '987' });
    // Assess
    const entry = sandbox.journal.requests(`/checkout/${txId}/card`)[0];
    expect(entry?.body).toEqual({ cardNumber: '411111**1111', cvv: '[redacted]' });
    expect(JSON.stringify(sandbox.journal.all())).not.toContain('4111111111111111');
  });
});

describe('PAYON card, KHQR and saved card checkout', () => {
  it('takes a PAYON card with PIN 1234, then OTP 123456', async () => {
    // Prepare
    const { txId } = await registerOrder(sandbox, { paymentMethod: 'PAYON' });
    // Act
    const wrongPin = await postForm(checkout(txId, 'payon-card'), {
      cardNumber: '1010499900000048',
      pin: '9999',
    });
    const rightPin = await postForm(checkout(txId, 'payon-card'), {
      cardNumber: '1010499900000048',
      pin: '1234',
    });
    const otp = await postForm(checkout(txId, 'otp'), { otp: '123456' });
    // Assess
    expect(wrongPin.status).toBe(422);
    expect(wrongPin.html).toContain('Incorrect PIN');
    expect(rightPin.location).toBe(`/checkout/${txId}`);
    expect(otp.location).toBe(`${RETURN_URL}?txId=${txId}`);
    expect(sandbox.transaction(txId)).toMatchObject({ state: 'APPROVED', paymentType: '01' });
  });

  it('shows the KHQR payload with a Scan and pay button that approves', async () => {
    // Prepare
    const { txId, data } = await registerOrder(sandbox, { paymentMethod: 'BAKONG_KHQR' });
    // Act
    const page = await getPage(checkout(txId));
    const scan = await postForm(checkout(txId, 'scan'), {});
    // Assess
    expect(page.html).toContain('<title>KHQR payment · PAYON Sandbox</title>');
    expect(page.html).toContain(`<pre id="khqr-payload">${data.qrString}</pre>`);
    expect(page.html).toContain('<button type="submit">Scan and pay</button>');
    expect(scan.location).toBe(`${RETURN_URL}?txId=${txId}`);
    expect(sandbox.transaction(txId)?.state).toBe('APPROVED');
  });

  it('asks the saved-card passcode set with createPIN, refuses a wrong one and approves after OTP', async () => {
    // Prepare
    const publicKeyPem = await (await fetch(`${sandbox.url}/_sandbox/payon-public-key`)).text();
    const encrypt = (pin: string) =>
      publicEncrypt(
        { key: publicKeyPem, padding: constants.RSA_PKCS1_PADDING },
        Buffer.from(pin),
      ).toString('base64');
    const clientId = `cust${newTxId()}`;
    const binding = (
      await pg(sandbox, '/pg/binding/register', {
        clientId,
        paymentMethod: 'CREDIT_DEBIT',
        wdlAcNo: '4111111111111111',
        wdlExpiry: '209912',
      })
    ).json as { bindingId: string };
    const pinAnswer = await pg(sandbox, '/pg/binding/createPIN', {
      clientId,
      pin: encrypt('2468'),
    });
    const { txId } = await registerOrder(sandbox, { clientId, bindingId: binding.bindingId });
    // Act
    const page = await getPage(checkout(txId));
    const wrong = await postForm(checkout(txId, 'passcode'), { passcode: '1111' });
    const right = await postForm(checkout(txId, 'passcode'), { passcode: '2468' });
    const otp = await postForm(checkout(txId, 'otp'), { otp: '123456' });
    // Assess
    expect(pinAnswer.json).toEqual({ resultMsg: 'Success', resultCode: '0000', resultData: null });
    expect(page.html).toContain('<label for="passcode">Passcode</label>');
    expect(wrong.status).toBe(422);
    expect(wrong.html).toContain('Wrong passcode');
    expect(right.location).toBe(`/checkout/${txId}`);
    expect(otp.location).toBe(`${RETURN_URL}?txId=${txId}`);
    expect(sandbox.transaction(txId)?.state).toBe('APPROVED');
  });
});

describe('order expiry', () => {
  it('expires an unpaid order once the sandbox clock passes orderExpiryMinutes, and checkout refuses it', async () => {
    // Prepare
    const { txId } = await registerOrder(sandbox);
    // Act
    const clock = await fetch(`${sandbox.url}/_sandbox/clock`, {
      method: 'POST',
      body: JSON.stringify({ advanceMs: 15 * 60_000 + 1_000 }),
    });
    const page = await getPage(checkout(txId));
    const pay = await postForm(checkout(txId, 'card'), { cardNumber: '4111111111111111' });
    sandbox.setClock(new Date().toISOString());
    // Assess
    expect(clock.status).toBe(200);
    expect(page.status).toBe(410);
    expect(page.html).toContain('Payment link expired');
    expect(pay.status).toBe(410);
    expect(sandbox.transaction(txId)?.state).toBe('EXPIRED');
  });

  it('keeps an order payable just before expiry', async () => {
    // Prepare
    const { txId } = await registerOrder(sandbox);
    sandbox.advanceClock(14 * 60_000);
    // Act
    const pay = await postForm(checkout(txId, 'card'), { cardNumber: '4111111111111111' });
    sandbox.setClock(new Date().toISOString());
    // Assess
    expect(pay.status).toBe(303);
    expect(sandbox.transaction(txId)?.state).toBe('APPROVED');
  });
});

describe('result page without a returnUrl', () => {
  it('redirects to its own result page when the merchant has no returnUrl', async () => {
    // Prepare
    sandbox.updateMerchant(MERCHANT_ID, { returnUrl: null });
    const { txId } = await registerOrder(sandbox);
    // Act
    const answer = await postForm(checkout(txId, 'card'), { cardNumber: '4111111111111111' });
    const page = await getPage(checkout(txId));
    sandbox.updateMerchant(MERCHANT_ID, { returnUrl: RETURN_URL });
    // Assess
    expect(answer.location).toBe(`/checkout/${txId}`);
    expect(page.html).toContain('<h1>Payment approved</h1>');
  });
});
