// The demo shop: creates payments (and saved cards) through the API, then hands the customer to
// PAYON's checkout. Plain browser JavaScript; every call is what a merchant frontend would send.
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
    say('Going to the checkout…');
    location.assign(payment.checkoutUrl);
  } catch (error) {
    say(`Payment not created: ${error.message}`);
    pay.disabled = false;
  }
});
