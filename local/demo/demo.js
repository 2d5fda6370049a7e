// The demo shop: creates payments (and saved cards) through the API, then hands the customer to
// PAYON's checkout, or for KHQR shows the API's `qrString` as a code to scan on the shop's own page
// and waits for the payment. Plain browser JavaScript; every call is what a merchant frontend would
// send. Everything shown is set as text (the page's policy refuses HTML strings).
import { toCanvas } from '/demo/qrcode.js';

const form = document.querySelector('#checkout');
const message = document.querySelector('#message');
const saved = document.querySelector('#saved');
const bindingSelect = document.querySelector('#binding');

const say = (text) => {
  message.textContent = text;
};

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(method === 'POST' ? { 'idempotency-key': crypto.randomUUID() } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const answer = await response.json();
  if (!response.ok) {
    const fields = (answer.error?.fields ?? []).map((f) => `${f.field} ${f.reason}`).join('; ');
    throw new Error(fields || answer.error?.message || `HTTP ${response.status}`);
  }
  return answer;
}

const customer = () => document.querySelector('#customer').value.trim();

async function loadBindings() {
  const { items } = await api('GET', `/customers/${encodeURIComponent(customer())}/bindings`);
  const active = items.filter((b) => b.status === 'active');
  bindingSelect.replaceChildren(
    ...(active.length === 0 ? [new Option('— none yet —', '')] : []),
    ...active.map((b) => new Option(`${b.maskedPan} (expires ${b.expiry})`, b.id)),
  );
}

for (const radio of document.querySelectorAll('input[name="method"]')) {
  radio.addEventListener('change', () => {
    saved.hidden = form.method.value !== 'SAVED';
    if (!saved.hidden) loadBindings().catch((e) => say(e.message));
  });
}

document.querySelector('#save-card').addEventListener('click', async () => {
  try {
    say('Saving the card…');
    await api('POST', `/customers/${encodeURIComponent(customer())}/bindings`, {
      card: {
        number: '4111111111111111',
        cvv: '123',
        expiry: '2030-12',
        holderName: 'Demo Customer',
      },
      pin: '482916',
      requestedAt: new Date().toISOString(),
    });
    await loadBindings();
    say('Card saved.');
  } catch (error) {
    say(`Could not save the card: ${error.message}`);
  }
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const pay = document.querySelector('#pay');
  pay.disabled = true;
  try {
    const method = form.method.value;
    const savedCard = method === 'SAVED';
    if (savedCard && !bindingSelect.value) throw new Error('save a card first');
    say('Creating the payment…');
    const payment = await api('POST', '/payments', {
      kind: document.querySelector('#preauth').checked ? 'preauth' : 'purchase',
      amount: { value: document.querySelector('#amount').value.trim(), currency: 'USD' },
      paymentMethod: savedCard ? 'CREDIT_DEBIT' : method,
      returnUrl: `${location.origin}/demo/result.html`,
      ...(savedCard ? { savedCard: { clientId: customer(), bindingId: bindingSelect.value } } : {}),
    });
    if (payment.qrString) {
      await showKhqr(payment);
      return;
    }
    say('Going to the checkout…');
    location.assign(payment.checkoutUrl);
  } catch (error) {
    say(`Payment not created: ${error.message}`);
    pay.disabled = false;
  }
});

const WAITING = ['CREATED', 'PENDING', 'UNKNOWN'];

// KHQR on the merchant's page: the code the customer's banking app scans is the API's `qrString`,
// drawn as a QR code here. The shop then reads the payment (asking PAYON: sync=true) until it is
// settled and shows the result page; it never trusts anything but the API's answer.
async function showKhqr(payment) {
  const panel = document.querySelector('#khqr');
  const status = document.querySelector('#khqr-status');
  await toCanvas(document.querySelector('#khqr-code'), payment.qrString, {
    errorCorrectionLevel: 'M',
    margin: 4,
    width: 264,
  });
  document.querySelector('#khqr-amount').textContent =
    `${payment.amount.value} ${payment.amount.currency}`;
  document.querySelector('#khqr-payment').textContent = payment.id;
  if (payment.checkoutUrl) document.querySelector('#khqr-checkout').href = payment.checkoutUrl;
  form.hidden = true;
  panel.hidden = false;
  const expires = payment.expiresAt ? Date.parse(payment.expiresAt) : Number.POSITIVE_INFINITY;
  while (Date.now() < expires) {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    try {
      const current = await api('GET', `/payments/${encodeURIComponent(payment.id)}?sync=true`);
      if (!WAITING.includes(current.state)) {
        location.assign(`/demo/result.html?paymentId=${encodeURIComponent(payment.id)}`);
        return;
      }
    } catch (error) {
      status.textContent = `Still waiting (${error.message})…`;
    }
  }
  status.textContent = 'This code has expired. Start a new payment.';
}
