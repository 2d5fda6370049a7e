/**
 * Server-rendered HTML of the hosted checkout: no framework, no scripts, one stylesheet. Every page
 * has a <title> and a heading; every action is a real <button> with visible text. All text that
 * comes from a request or the ledger goes through {@link escapeHtml}.
 */
import { parseTlv } from './khqr.ts';
import type { Transaction } from './ledger.ts';
import { qrSvg } from './qr-code.ts';
import { centsToText } from './wire-format.ts';

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f3f5f8;color:#1b2430}
header{background:#0b3d91;color:#fff;padding:12px 20px;font-weight:600}
header small{font-weight:400;opacity:.8;margin-left:8px}
main{max-width:480px;margin:24px auto;padding:0 16px}
.card{background:#fff;border-radius:12px;box-shadow:0 1px 4px rgba(0,0,0,.08);padding:20px 22px}
h1{font-size:1.35rem;margin:0 0 4px}
h2{font-size:1.05rem;margin:18px 0 8px}
.amount{font-size:1.6rem;font-weight:700;margin:4px 0 12px}
.muted{color:#5b6675;font-size:.9rem}
label{display:block;margin:12px 0 4px;font-weight:600}
input{width:100%;padding:10px 12px;border:1px solid #c6cdd6;border-radius:8px;font-size:1rem}
.row{display:flex;gap:12px}.row>div{flex:1}
button{margin-top:18px;width:100%;padding:12px;border:0;border-radius:8px;background:#0b3d91;color:#fff;font-size:1rem;font-weight:600;cursor:pointer}
button:hover{background:#092f70}
.error{background:#fdecea;color:#8a1c12;border-radius:8px;padding:10px 12px;margin:12px 0}
.ok{color:#11683a}.bad{color:#8a1c12}
.qr{margin:8px 0;text-align:center}.qr svg{display:block;width:256px;max-width:100%;height:auto;margin:0 auto 4px}
pre{white-space:pre-wrap;word-break:break-all;background:#f6f8fa;border-radius:8px;padding:10px;font-size:.8rem}
table{width:100%;border-collapse:collapse;font-size:.85rem}td{border-top:1px solid #e3e7ec;padding:4px 6px;vertical-align:top}
dl{display:grid;grid-template-columns:auto 1fr;gap:4px 12px;margin:0}dt{color:#5b6675}dd{margin:0}
footer{text-align:center;color:#5b6675;font-size:.8rem;margin:18px 0}
`;

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · PAYON Sandbox</title>
<style>${STYLE}</style>
</head>
<body>
<header>PAYON<small>Sandbox checkout — test payments only</small></header>
<main>
<div class="card">
${body}
</div>
<footer>This is a local PAYON sandbox. No real money moves.</footer>
</main>
</body>
</html>
`;
}

/** The summary; on a form shown again after a decline, also what was declined and why. */
function summary(tx: Transaction, merchantName: string): string {
  const again =
    tx.state === 'DECLINED'
      ? `\n<p class="error" role="status">Your last attempt was declined: ${escapeHtml(tx.declineReason ?? 'Declined')}. Nothing was charged; try again.</p>`
      : '';
  return `<p class="muted">Pay ${escapeHtml(merchantName)} · order ${escapeHtml(tx.txId)}</p>
<p class="amount">${centsToText(tx.amountCents)} USD</p>${again}`;
}

const errorBox = (error: string | undefined): string =>
  error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : '';

const action = (tx: Transaction, step: string): string =>
  `/checkout/${encodeURIComponent(tx.txId)}/${step}`;

export function cardFormPage(tx: Transaction, merchantName: string, error?: string): string {
  return page(
    'Card payment',
    `<h1>Pay by card</h1>
${summary(tx, merchantName)}
${errorBox(error)}
<form method="post" action="${action(tx, 'card')}">
<label for="cardNumber">Card number</label>
<input id="cardNumber" name="cardNumber" inputmode="numeric" autocomplete="cc-number" placeholder="4111 1111 1111 1111" required>
<div class="row">
<div><label for="expiry">Expiry (MM/YY)</label><input id="expiry" name="expiry" placeholder="12/30" autocomplete="cc-exp"></div>
<div><label for="cvv">CVV</label><input id="cvv" name="cvv" inputmode="numeric" autocomplete="cc-csc" placeholder="123"></div>
</div>
<label for="name">Name on card</label>
<input id="name" name="name" autocomplete="cc-name">
<button type="submit">Pay ${centsToText(tx.amountCents)} USD</button>
</form>`,
  );
}

export function payonCardFormPage(tx: Transaction, merchantName: string, error?: string): string {
  return page(
    'PAYON card payment',
    `<h1>Pay with your PAYON card</h1>
${summary(tx, merchantName)}
${errorBox(error)}
<form method="post" action="${action(tx, 'payon-card')}">
<label for="cardNumber">PAYON card number</label>
<input id="cardNumber" name="cardNumber" inputmode="numeric" placeholder="1010 4999 0000 0048" required>
<label for="pin">PIN</label>
<input id="pin" name="pin" type="password" inputmode="numeric" autocomplete="off" required>
<button type="submit">Continue</button>
</form>`,
  );
}

export function qrPage(tx: Transaction, merchantName: string): string {
  const payload = tx.qrString ?? '';
  const rows = parseTlv(payload)
    .map((f) => `<tr><td>${escapeHtml(f.tag)}</td><td>${escapeHtml(f.value)}</td></tr>`)
    .join('');
  return page(
    'KHQR payment',
    `<h1>Scan to pay with KHQR</h1>
${summary(tx, merchantName)}
<figure class="qr">
${payload ? qrSvg(payload, { id: 'khqr-code', label: 'KHQR code to scan with a banking app' }) : ''}
<figcaption class="muted">Scan with any KHQR banking app</figcaption>
</figure>
<details><summary>KHQR payload and fields</summary>
<pre id="khqr-payload">${escapeHtml(payload)}</pre>
<table>${rows}</table></details>
<form method="post" action="${action(tx, 'scan')}">
<button type="submit">Scan and pay</button>
</form>
<p class="muted">The button plays the customer's banking app scanning the code and paying.</p>`,
  );
}

export function walletPage(tx: Transaction, merchantName: string): string {
  return page(
    'App payment',
    `<h1>Approve the payment in your app</h1>
${summary(tx, merchantName)}
<p>Open your ${tx.paymentMethod === 'PPCBANK_TRANSFER' ? 'PPCBank' : 'PAYON'} app to approve this payment.</p>
<form method="post" action="${action(tx, 'scan')}">
<button type="submit">Approve in app</button>
</form>`,
  );
}

export function passcodePage(
  tx: Transaction,
  merchantName: string,
  {
    cardText,
    needsPasscode,
    error,
  }: {
    /** The saved card as the page shows it (`4111 •••• 1111`). */
    readonly cardText: string;
    readonly needsPasscode: boolean;
    readonly error?: string | undefined;
  },
): string {
  return page(
    'Saved card payment',
    `<h1>Pay with your saved card</h1>
${summary(tx, merchantName)}
<p>Card ${escapeHtml(cardText)}</p>
${errorBox(error)}
<form method="post" action="${action(tx, 'passcode')}">
${
  needsPasscode
    ? `<label for="passcode">Passcode</label>
<input id="passcode" name="passcode" type="password" inputmode="numeric" autocomplete="off" required>`
    : ''
}
<button type="submit">Pay ${centsToText(tx.amountCents)} USD</button>
</form>`,
  );
}

export function otpPage(tx: Transaction, merchantName: string): string {
  return page(
    'Verification',
    `<h1>Verify it is you</h1>
${summary(tx, merchantName)}
<p>Enter the one-time code sent to your phone (in the sandbox: 123456).</p>
<form method="post" action="${action(tx, 'otp')}">
<label for="otp">One-time code</label>
<input id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code" required>
<button type="submit">Verify</button>
</form>`,
  );
}

/**
 * The outcome of the latest attempt. A declined order that is still `retryable` says the customer
 * may try again on this same page (a declined attempt does not end the order;
 * docs/payon-assumptions.md A47).
 */
export function resultPage(tx: Transaction, merchantName: string, retryable: boolean): string {
  const approved = tx.approvalNo !== null;
  const heading =
    tx.state === 'EXPIRED'
      ? 'Payment link expired'
      : approved
        ? 'Payment approved'
        : tx.state === 'DECLINED'
          ? 'Payment declined'
          : `Payment ${tx.state.toLowerCase()}`;
  const detail = approved
    ? `<p class="ok">Approval number ${escapeHtml(tx.approvalNo ?? '')}.</p>`
    : `<p class="bad">${escapeHtml(tx.declineReason ?? 'This payment can no longer be paid.')}</p>`;
  const next = retryable
    ? `<p>Nothing was charged. You may try again on this page, with the same card or another one, until the payment link expires.</p>
<form method="get" action="/checkout/${encodeURIComponent(tx.txId)}">
<input type="hidden" name="retry" value="1">
<button type="submit">Try again</button>
</form>`
    : tx.state === 'DECLINED'
      ? '<p class="muted">The payment link has expired, so this payment can no longer be paid. You can close this page.</p>'
      : '<p class="muted">You can close this page.</p>';
  return page(
    heading,
    `<h1>${escapeHtml(heading)}</h1>
<p class="muted">Pay ${escapeHtml(merchantName)} · order ${escapeHtml(tx.txId)}</p>
<p class="amount">${centsToText(tx.amountCents)} USD</p>
${detail}
<dl><dt>Order</dt><dd>${escapeHtml(tx.txId)}</dd><dt>Status</dt><dd>${escapeHtml(tx.state)}</dd></dl>
${next}`,
  );
}

export function messagePage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}
