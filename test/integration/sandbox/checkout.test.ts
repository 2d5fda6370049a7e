import { constants, publicEncrypt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '#local/payon-sandbox/index.ts';
import {
  getPage,
  MERCHANT_ID,
  newTxId,
  orderRowsOf,
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

  it('declines the decline test card, pushes 9999 and keeps the order payable', async () => {
    // Prepare
    const { txId } = await registerOrder(sandbox);
    // Act
    const answer = await postForm(checkout(txId, 'card'), { cardNumber: '4000000000000002' });
    const page = await getPage(checkout(txId));
    // Assess
    expect(answer.status).toBe(303);
    expect(answer.location).toBe(`${RETURN_URL}?txId=${txId}`);
    expect((await pushFor(txId)).body).toEqual({ txId, resultCode: '9999', resultMsg: 'Error' });
    expect(sandbox.transaction(txId)).toMatchObject({
      state: 'DECLINED',
      declineReason: 'Card declined',
      attempts: [expect.objectContaining({ resultCd: '9999', message: 'Card declined' })],
    });
    expect(page.html).toContain('<button type="submit">Try again</button>');
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

  it('declines 3-D Secure with a wrong OTP, and a second try with the right OTP approves', async () => {
    // Prepare
    const { txId } = await registerOrder(sandbox);
    await postForm(checkout(txId, 'card'), { cardNumber: '4000000000003220' });
    // Act
    const otp = await postForm(checkout(txId, 'otp'), { otp: '000000' });
    const declined = sandbox.transaction(txId)?.declineReason;
    const again = await postForm(checkout(txId, 'card'), { cardNumber: '4000000000003220' });
    const right = await postForm(checkout(txId, 'otp'), { otp: '123456' });
    // Assess
    expect(otp.status).toBe(303);
    expect(declined).toBe('Authentication failed: wrong OTP');
    expect(again.location).toBe(`/checkout/${txId}`);
    expect(right.location).toBe(`${RETURN_URL}?txId=${txId}`);
    expect(sandbox.transaction(txId)?.state).toBe('APPROVED');
    expect(sandbox.transaction(txId)?.attempts.map((a) => a.resultCd)).toEqual(['9999', '0000']);
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

  it('shows the KHQR code, its payload and a Scan and pay button that approves', async () => {
    // Prepare
    const { txId, data } = await registerOrder(sandbox, { paymentMethod: 'BAKONG_KHQR' });
    // Act
    const page = await getPage(checkout(txId));
    const scan = await postForm(checkout(txId, 'scan'), {});
    // Assess
    expect(page.html).toContain('<title>KHQR payment · PAYON Sandbox</title>');
    expect(page.html).toContain(`<pre id="khqr-payload">${data.qrString}</pre>`);
    // The code to scan (test/e2e/demo-shop.test.ts decodes it back to the string in Chromium).
    expect(page.html).toMatch(/<svg id="khqr-code" role="img" aria-label="[^"]+" [^>]*viewBox=/);
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

describe('declined attempts stay retryable until expiry', () => {
  it('says on the result page that the customer may try again, and the button shows the form again', async () => {
    // Prepare
    sandbox.updateMerchant(MERCHANT_ID, { returnUrl: null });
    const { txId } = await registerOrder(sandbox, { amount: '6.50' });
    await postForm(checkout(txId, 'card'), { cardNumber: '4000000000009995' });
    // Act
    const result = await getPage(checkout(txId));
    const form = await getPage(`${checkout(txId)}?retry=1`);
    sandbox.updateMerchant(MERCHANT_ID, { returnUrl: RETURN_URL });
    // Assess
    expect(result.status).toBe(200);
    expect(result.html).toContain('<h1>Payment declined</h1>');
    expect(result.html).toContain('Insufficient funds');
    expect(result.html).toContain('You may try again on this page');
    expect(result.html).not.toContain('You can close this page');
    expect(result.html).toContain(`<form method="get" action="/checkout/${txId}">`);
    expect(result.html).toContain('<input type="hidden" name="retry" value="1">');
    expect(form.status).toBe(200);
    expect(form.html).toContain('<h1>Pay by card</h1>');
    expect(form.html).toContain('Your last attempt was declined: Insufficient funds.');
    expect(form.html).toContain(`action="/checkout/${txId}/card"`);
  });

  it('approves a second attempt on the same checkout: one orders row per attempt, a push each, status 302 until approved', async () => {
    // Prepare
    const { txId } = await registerOrder(sandbox, { amount: '7.00' });
    const status = () =>
      pg(sandbox, '/pg/transaction/status', { txId, amount: '7.00', currency: 'USD' });
    // Act
    const declined = await postForm(checkout(txId, 'card'), { cardNumber: '4000000000000002' });
    const statusAfterDecline = await status();
    const approved = await postForm(checkout(txId, 'card'), { cardNumber: '4111111111111111' });
    const statusAfterApproval = await status();
    const third = await postForm(checkout(txId, 'card'), { cardNumber: '4111111111111111' });
    const rows = await orderRowsOf(sandbox, txId);
    // Assess
    expect(declined.location).toBe(`${RETURN_URL}?txId=${txId}`);
    expect(approved.location).toBe(`${RETURN_URL}?txId=${txId}`);
    expect(statusAfterDecline.status).toBe(302);
    expect(statusAfterApproval.status).toBe(200);
    expect(third.status).toBe(409);
    const tx = sandbox.transaction(txId);
    expect(tx?.state).toBe('APPROVED');
    expect(tx?.attempts).toHaveLength(2);
    const [declinedRow, approvedRow] = rows;
    expect(rows).toHaveLength(2);
    expect(declinedRow).toMatchObject({
      tracNo: txId,
      txStCd: '99',
      amount: 7,
      resultCd: '9999',
      resultMsg: 'Card declined',
      apprNo: null,
      settleYn: 'N',
      cancelYn: 'N',
      refundYn: 'N',
    });
    expect(declinedRow?.apprDttm).toMatch(/^\d{2}\/\d{2}\/\d{4} (0\d|1[0-2]):\d{2}:\d{2}$/);
    expect(approvedRow).toMatchObject({
      tracNo: txId,
      txStCd: '09',
      resultCd: '0000',
      resultMsg: 'Success',
      apprNo: tx?.approvalNo,
    });
    expect(declinedRow?.txSeqNo).toBe(tx?.txSeqNo);
    expect(approvedRow?.txSeqNo).not.toBe(declinedRow?.txSeqNo);
    expect(approvedRow?.stan).not.toBe(declinedRow?.stan);
    expect(statusAfterApproval.json).toMatchObject({
      resultData: { txSeqNo: approvedRow?.txSeqNo, apprNo: tx?.approvalNo },
    });
    const pushed = await waitFor(() => {
      const bodies = receiver.received
        .map((r) => r.body as { txId?: string; resultCode?: string })
        .filter((b) => b.txId === txId);
      return bodies.length === 2 ? bodies : undefined;
    });
    expect(pushed.map((b) => b.resultCode)).toEqual(['9999', '0000']);
  });

  it('keeps an order with only declined attempts DECLINED at expiry, listed in the orders list, and no longer payable', async () => {
    // Prepare
    const { txId } = await registerOrder(sandbox);
    sandbox.pay(txId, 'decline');
    sandbox.pay(txId, 'insufficient_funds');
    sandbox.advanceClock(15 * 60_000 + 1_000);
    // Act
    const page = await getPage(checkout(txId));
    const retryPage = await getPage(`${checkout(txId)}?retry=1`);
    const pay = await postForm(checkout(txId, 'card'), { cardNumber: '4111111111111111' });
    const rows = await orderRowsOf(sandbox, txId);
    const tx = sandbox.transaction(txId);
    sandbox.setClock(new Date().toISOString());
    // Assess
    expect(tx?.state).toBe('DECLINED');
    expect(tx?.history.at(-1)?.event).toBe('expired');
    expect(page.html).toContain('<h1>Payment declined</h1>');
    expect(page.html).toContain('The payment link has expired');
    expect(page.html).not.toContain('Try again');
    expect(retryPage.html).not.toContain('<h1>Pay by card</h1>');
    expect(pay.status).toBe(410);
    expect(rows.map((r) => [r.resultCd, r.resultMsg])).toEqual([
      ['9999', 'Card declined'],
      ['9999', 'Insufficient funds'],
    ]);
  });

  it('turns an order stuck at the OTP after a declined attempt DECLINED (not EXPIRED) at expiry', async () => {
    // Prepare
    const { txId } = await registerOrder(sandbox);
    await postForm(checkout(txId, 'card'), { cardNumber: '4000000000000002' });
    await postForm(checkout(txId, 'card'), { cardNumber: '4000000000003220' });
    const waiting = sandbox.transaction(txId)?.state;
    sandbox.advanceClock(15 * 60_000 + 1_000);
    // Act
    const otp = await postForm(checkout(txId, 'otp'), { otp: '123456' });
    const tx = sandbox.transaction(txId);
    const rows = await orderRowsOf(sandbox, txId);
    sandbox.setClock(new Date().toISOString());
    // Assess
    expect(waiting).toBe('AWAITING_OTP');
    expect(otp.status).toBe(410);
    expect(tx?.state).toBe('DECLINED');
    expect(rows).toHaveLength(1);
  });
});
