// The result page: never trusts the redirect's query string for the outcome. It reads the payment
// from the API (asking PAYON with sync=true) until it is settled, and offers what may follow.
const id = new URLSearchParams(location.search).get('paymentId');
const stateEl = document.querySelector('#state');
const message = document.querySelector('#message');
const buttons = {
  capture: document.querySelector('#capture'),
  cancel: document.querySelector('#cancel'),
  refund: document.querySelector('#refund'),
};
const WAITING = ['CREATED', 'PENDING', 'UNKNOWN'];
const METHODS = {
  CREDIT_DEBIT: 'card',
  PAYON: 'PAYON card',
  BAKONG_KHQR: 'KHQR',
  PPCBANK_TRANSFER: 'PPCBank transfer',
};

function show(payment) {
  document.querySelector('#payment-id').textContent = payment.id;
  document.querySelector('#payment-amount').textContent =
    `${payment.amount.value} ${payment.amount.currency}`;
  document.querySelector('#payment-method').textContent =
    `${payment.kind === 'preauth' ? 'Pre-authorisation' : 'Purchase'} by ${payment.bindingId ? 'saved card' : (METHODS[payment.paymentMethod] ?? payment.paymentMethod)}`;
  stateEl.textContent = payment.state;
  stateEl.className = `state ${payment.state}`;
  buttons.capture.hidden = payment.state !== 'AUTHORIZED';
  buttons.cancel.hidden = payment.state !== 'AUTHORIZED' && payment.state !== 'SUCCEEDED';
  buttons.refund.hidden = payment.state !== 'SUCCEEDED';
  // A declined attempt does not end the payment (DEFAULTS.md): the customer may try again on the
  // same checkout until it expires; a new payment is not needed.
  const retry = document.querySelector('#retry');
  const declined = payment.state === 'PENDING' && payment.lastDecline;
  retry.hidden = !declined;
  if (declined) {
    document.querySelector('#retry-text').textContent =
      `The last attempt was declined (PAYON ${payment.lastDecline.payonCode}). Nothing was charged: you may try again on the same payment page until it expires.`;
    if (payment.checkoutUrl) document.querySelector('#retry-link').href = payment.checkoutUrl;
  }
}

async function load() {
  const response = await fetch(`/payments/${encodeURIComponent(id)}?sync=true`);
  const payment = await response.json();
  if (!response.ok) throw new Error(payment.error?.message ?? `HTTP ${response.status}`);
  show(payment);
  return payment;
}

async function poll() {
  for (let i = 0; i < 60; i += 1) {
    try {
      const payment = await load();
      if (!WAITING.includes(payment.state) || payment.lastDecline) return;
    } catch (error) {
      message.textContent = error.message;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

async function act(action, body) {
  Object.values(buttons).forEach((b) => {
    b.disabled = true;
  });
  message.textContent = `${action}…`;
  const response = await fetch(`/payments/${encodeURIComponent(id)}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
    body: JSON.stringify(body),
  });
  const answer = await response.json();
  message.textContent = response.ok ? `${action}: done` : `${action}: ${answer.error?.message}`;
  Object.values(buttons).forEach((b) => {
    b.disabled = false;
  });
  await load();
}

buttons.capture.addEventListener('click', async () => {
  const payment = await load();
  await act('capture', { amount: payment.amount });
});
buttons.cancel.addEventListener('click', () => act('cancel', {}));
buttons.refund.addEventListener('click', () => act('refund', {}));

// The shop's webhook receiver (npm start): the deliveries it verified for this payment.
async function showWebhooks() {
  const response = await fetch('/demo/webhooks');
  if (!response.ok) return;
  const { items } = await response.json();
  const mine = items.filter((w) => w.paymentId === id || !w.verified);
  if (mine.length === 0) return;
  const list = document.querySelector('#webhook-list');
  list.replaceChildren(
    ...mine.map((w) => {
      const item = document.createElement('li');
      item.className = w.verified ? 'webhook verified' : 'webhook refused';
      item.textContent = `${w.type} ${w.state ?? ''} — ${w.verified ? 'signature verified' : `refused: ${w.problem}`} (attempt ${w.attempt ?? '?'}, ${w.eventId})`;
      return item;
    }),
  );
}

if (id) {
  poll();
  showWebhooks();
  setInterval(showWebhooks, 2_000);
} else message.textContent = 'No payment given.';
