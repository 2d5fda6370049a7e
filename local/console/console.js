// The operator console: the API's own routes, read and shown for a person (README, "Operator
// console"). It calls the API on its own origin: under `npm start` the local API, under
// `npm run console` a local proxy that signs each call for a deployed API with the operator's
// credentials (local/console/proxy.ts). Nothing the API answers is ever parsed as HTML: every
// value is set as text or as an attribute the console builds itself (the page's policy requires
// Trusted Types, so an HTML string assigned anywhere would throw).
import {
  ACKNOWLEDGEABLE,
  CHANGES,
  cambodianDay,
  cambodianTime,
  DELIVERY_STATES,
  DIFFERENCES,
  EVENTS,
  FLAGS,
  METHODS,
  OPERATIONS,
  STATES,
} from '/console/vocabulary.js';

const view = document.querySelector('#view');

/** An element with attributes, listeners (`on…`) and children; strings become text nodes. */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (value === true) node.setAttribute(name, '');
    else node.setAttribute(name, String(value));
  }
  for (const child of children.flat(Number.POSITIVE_INFINITY)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

class ApiError extends Error {
  constructor(status, error) {
    const fields = (error?.fields ?? []).map((f) => `${f.field}: ${f.reason}`).join('; ');
    super(
      `${status} ${error?.code ?? 'error'}: ${error?.message ?? 'no answer'}${fields ? ` (${fields})` : ''}`,
    );
    this.status = status;
    this.code = error?.code;
  }
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: {
      accept: 'application/json',
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(path.endsWith('/resolve') ? { 'idempotency-key': crypto.randomUUID() } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  let answer;
  try {
    answer = await response.json();
  } catch {
    answer = undefined;
  }
  if (!response.ok) throw new ApiError(response.status, answer?.error);
  return answer;
}

const money = (amount) => (amount ? `${amount.value} ${amount.currency}` : '—');
const paymentLink = (id) => el('a', { href: `#/payment/${encodeURIComponent(id)}` }, id);
const stateBadge = (state) =>
  el(
    'span',
    { class: `state ${/^[A-Z]+$/.test(state) ? state : ''}`, title: STATES[state] ?? '' },
    state,
  );
const flagBadges = (flags) =>
  flags.map((flag) =>
    el('span', { class: 'flag', title: FLAGS[flag]?.says ?? flag }, FLAGS[flag]?.title ?? flag),
  );
const problem = (error) =>
  el(
    'p',
    { class: 'error', role: 'alert' },
    error instanceof Error ? error.message : String(error),
  );

function show(...nodes) {
  view.replaceChildren(...nodes.filter((node) => node !== null && node !== undefined));
}

// --- Payments: the list with its filters (GET /payments) --------------------------------------

const FILTERS = [
  'day',
  'state',
  'paymentMethod',
  'kind',
  'reference',
  'clientId',
  'needsAttention',
];

function paymentsFilterForm(params) {
  const states = new Set((params.get('state') ?? '').split(',').filter(Boolean));
  const select = (name, label, options) =>
    el(
      'label',
      {},
      label,
      el(
        'select',
        { name },
        el('option', { value: '' }, 'any'),
        Object.entries(options).map(([value, text]) =>
          el('option', { value, selected: params.get(name) === value }, text),
        ),
      ),
    );
  const form = el(
    'form',
    { id: 'filters', class: 'filters' },
    el(
      'label',
      {},
      'Day (Cambodia)',
      el('input', { type: 'date', name: 'day', value: params.get('day') ?? '' }),
    ),
    select('paymentMethod', 'Method', METHODS),
    select('kind', 'Kind', { purchase: 'purchase', preauth: 'pre-authorisation' }),
    el(
      'label',
      {},
      'Reference',
      el('input', { name: 'reference', value: params.get('reference') ?? '' }),
    ),
    el(
      'label',
      {},
      'Customer',
      el('input', { name: 'clientId', value: params.get('clientId') ?? '' }),
    ),
    el(
      'fieldset',
      { class: 'states' },
      el('legend', {}, 'States'),
      Object.keys(STATES).map((state) =>
        el(
          'label',
          { class: 'inline' },
          el('input', {
            type: 'checkbox',
            name: 'state',
            value: state,
            checked: states.has(state),
          }),
          state,
        ),
      ),
    ),
    el(
      'label',
      { class: 'inline' },
      el('input', {
        type: 'checkbox',
        name: 'needsAttention',
        value: 'true',
        checked: params.get('needsAttention') === 'true',
      }),
      'Needs attention only',
    ),
    el('button', { type: 'submit' }, 'Show'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const next = new URLSearchParams();
    for (const name of FILTERS) {
      const values = data.getAll(name).map(String).filter(Boolean);
      if (values.length > 0) next.set(name, values.join(','));
    }
    // An empty day means any day: said explicitly, so that the default (today) does not return.
    if (!next.has('day')) next.set('day', 'any');
    go(`#/payments?${next}`);
  });
  return form;
}

function paymentsTable() {
  return el(
    'table',
    { id: 'payments' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ['Created', 'Payment', 'Reference', 'Method', 'Kind', 'Amount', 'State', 'Attention'].map(
          (h) => el('th', { scope: 'col' }, h),
        ),
      ),
    ),
    el('tbody'),
  );
}

function paymentRow(p) {
  return el(
    'tr',
    { 'data-payment': p.id },
    el('td', {}, cambodianTime(p.createdAt)),
    el('td', {}, paymentLink(p.id)),
    el('td', { class: 'reference' }, p.reference ?? '—'),
    el('td', {}, METHODS[p.paymentMethod] ?? p.paymentMethod),
    el('td', {}, p.kind),
    el('td', { class: 'amount' }, money(p.amount)),
    el('td', {}, stateBadge(p.state)),
    el('td', {}, flagBadges(p.attention)),
  );
}

/** Pages of `GET /payments` into `tbody`, with a "More" button while there is a `nextCursor`. */
async function listInto(query, tbody, more, summary) {
  const counts = {};
  let shown = 0;
  let cursor;
  const load = async () => {
    more.disabled = true;
    const page = new URLSearchParams(query);
    page.set('limit', '50');
    if (cursor) page.set('cursor', cursor);
    const answer = await api('GET', `/payments?${page}`);
    for (const p of answer.items) {
      tbody.append(paymentRow(p));
      counts[p.state] = (counts[p.state] ?? 0) + 1;
      shown += 1;
    }
    cursor = answer.nextCursor;
    more.hidden = cursor === undefined;
    more.disabled = false;
    summary.textContent =
      shown === 0
        ? 'No payments match.'
        : `${shown} payment${shown === 1 ? '' : 's'}${cursor ? ' so far' : ''}: ${Object.entries(
            counts,
          )
            .map(([state, n]) => `${n} ${state}`)
            .join(', ')}`;
  };
  more.addEventListener('click', () => load().catch((e) => more.after(problem(e))));
  await load();
}

async function paymentsView(params) {
  if (!params.has('day')) params.set('day', cambodianDay());
  if (params.get('day') === 'any') params.delete('day');
  const table = paymentsTable();
  const more = el('button', { type: 'button', class: 'secondary', hidden: true }, 'More');
  const summary = el('p', { id: 'summary', class: 'muted' }, 'Loading…');
  const heading = params.get('day')
    ? params.get('day') === cambodianDay()
      ? `Today’s payments (${params.get('day')})`
      : `Payments of ${params.get('day')}`
    : 'Payments';
  show(el('h1', {}, heading), paymentsFilterForm(params), summary, table, more);
  const query = new URLSearchParams();
  for (const name of FILTERS) if (params.get(name)) query.set(name, params.get(name));
  await listInto(query, table.querySelector('tbody'), more, summary);
}

// --- Needs attention: every flagged payment, each flag in words -------------------------------

function flagList(p) {
  return el(
    'dl',
    { class: 'flags' },
    p.attention.map((flag) => {
      const known = FLAGS[flag];
      const detail = [];
      if (flag === 'unknown_outcome' && p.unknownOperation) {
        detail.push(
          ` It is ${OPERATIONS[p.unknownOperation] ?? p.unknownOperation} that is unknown.`,
        );
      }
      if (flag === 'declined_attempt' && p.lastDecline) {
        detail.push(
          ` Last decline: PAYON ${p.lastDecline.payonCode}${p.lastDecline.payonMessage ? ` (${p.lastDecline.payonMessage})` : ''}, ${p.lastDecline.attempts} attempt${p.lastDecline.attempts === 1 ? '' : 's'}, ${cambodianTime(p.lastDecline.at)}.`,
        );
      }
      return [
        el('dt', { 'data-flag': flag }, known?.title ?? flag, el('code', {}, flag)),
        el(
          'dd',
          {},
          el('p', {}, known?.says ?? 'A flag this console does not know yet.', detail),
          el(
            'p',
            { class: 'todo' },
            el('strong', {}, 'What to do: '),
            known?.todo ?? 'See the README.',
          ),
        ),
      ];
    }),
  );
}

async function attentionView() {
  const list = el('div', { id: 'attention' });
  const more = el('button', { type: 'button', class: 'secondary', hidden: true }, 'More');
  const summary = el('p', { class: 'muted' }, 'Loading…');
  show(
    el('h1', {}, 'Needs attention'),
    el(
      'p',
      { class: 'muted' },
      'Every payment with a flag, newest first. A flag ends when PAYON’s evidence settles the payment, or when an operator resolves or acknowledges it.',
    ),
    summary,
    list,
    more,
  );
  let cursor;
  let shown = 0;
  const load = async () => {
    const page = new URLSearchParams({ needsAttention: 'true', limit: '50' });
    if (cursor) page.set('cursor', cursor);
    const answer = await api('GET', `/payments?${page}`);
    for (const p of answer.items) {
      shown += 1;
      list.append(
        el(
          'article',
          { class: 'flagged', 'data-payment': p.id },
          el(
            'h2',
            {},
            paymentLink(p.id),
            ' ',
            stateBadge(p.state),
            ' ',
            el('span', { class: 'amount' }, money(p.amount)),
          ),
          el(
            'p',
            { class: 'muted' },
            `${METHODS[p.paymentMethod] ?? p.paymentMethod} ${p.kind}, created ${cambodianTime(p.createdAt)} · reference `,
            el('span', { class: 'reference' }, p.reference ?? '—'),
          ),
          flagList(p),
          el(
            'p',
            {},
            el(
              'a',
              { href: `#/payment/${encodeURIComponent(p.id)}` },
              'Open, see its history, resolve',
            ),
          ),
        ),
      );
    }
    cursor = answer.nextCursor;
    more.hidden = cursor === undefined;
    summary.textContent =
      shown === 0
        ? 'Nothing needs attention.'
        : `${shown} payment${shown === 1 ? '' : 's'} need${shown === 1 ? 's' : ''} a person.`;
  };
  more.addEventListener('click', () => load().catch((e) => more.after(problem(e))));
  await load();
}

// --- One payment: its fields, history and events, and the operator's resolution ---------------

function historyTable(p) {
  return el(
    'table',
    { id: 'history' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ['When (Cambodia)', 'What', 'Reason', 'By'].map((h) => el('th', { scope: 'col' }, h)),
      ),
    ),
    el(
      'tbody',
      {},
      p.history.map((h) =>
        el(
          'tr',
          { class: h.change ? 'event' : 'transition' },
          el('td', {}, cambodianTime(h.at)),
          el(
            'td',
            {},
            h.change
              ? [el('span', { class: 'event-label' }, 'Event'), ` ${CHANGES[h.change] ?? h.change}`]
              : h.from === h.to
                ? `${h.to}`
                : [stateBadge(h.from), ' → ', stateBadge(h.to)],
          ),
          el('td', { class: 'reason' }, h.reason),
          el('td', {}, h.resolvedBy ?? 'product'),
        ),
      ),
    ),
  );
}

/** What EventBridge made of one event: accepted, or still being retried and why. */
function eventBridgeCell(e) {
  const b = e.eventBridge;
  if (b.deliveredAt) return `accepted ${cambodianTime(b.deliveredAt)}`;
  return [
    el('span', { class: 'run' }, 'not yet'),
    ` ${b.attempts} attempt(s)${b.lastError ? `; last: ${b.lastError}` : ''}; retried by the sweep`,
  ];
}

const DELIVERY_CLASS = { succeeded: 'completed', failed: 'failed' };

/** Each endpoint's delivery of one event: its state, attempts and the last answer. */
function webhookCell(e) {
  if (!e.webhooksFannedOutAt) return el('span', { class: 'muted' }, 'not handed to webhooks yet');
  if (e.webhooks.length === 0) return el('span', { class: 'muted' }, 'no endpoint subscribes');
  return el(
    'ul',
    { class: 'deliveries' },
    e.webhooks.map((d) => {
      const last = d.attempts.at(-1);
      return el(
        'li',
        { 'data-endpoint': d.endpointId, 'data-state': d.state },
        el('code', {}, d.endpointId),
        ' ',
        el(
          'span',
          { class: `run ${DELIVERY_CLASS[d.state] ?? ''}`, title: DELIVERY_STATES[d.state] },
          d.state,
        ),
        ` ${d.attemptCount} attempt(s)`,
        last
          ? `; last ${cambodianTime(last.at)}: ${last.statusCode ?? last.outcome}${last.error ? ` (${last.error})` : ''}`
          : '',
        d.nextAttemptAt ? `; next ${cambodianTime(d.nextAttemptAt)}` : '',
      );
    }),
  );
}

/** The payment's events (GET /payments/{id}/events) and how each reached the merchant's systems. */
function eventsTable(answer) {
  if (answer.items.length === 0) {
    return el(
      'p',
      { class: 'muted', id: 'no-events' },
      'No event yet: the merchant’s systems are told when the payment is authorised, paid, declined, expired, captured, cancelled or refunded.',
    );
  }
  return el(
    'table',
    { id: 'events' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ['When (Cambodia)', 'Event', 'EventBridge', 'Webhooks'].map((h) =>
          el('th', { scope: 'col' }, h),
        ),
      ),
    ),
    el(
      'tbody',
      {},
      answer.items.map((e) =>
        el(
          'tr',
          { 'data-event': e.id },
          el('td', {}, cambodianTime(e.time)),
          el(
            'td',
            {},
            el('code', {}, e.type),
            el('div', { class: 'muted' }, EVENTS[e.type] ?? ''),
            el('div', { class: 'muted small' }, e.id),
          ),
          el('td', {}, eventBridgeCell(e)),
          el('td', {}, webhookCell(e)),
        ),
      ),
    ),
    answer.truncated ? el('caption', {}, 'The payment’s latest 100 versions only.') : null,
  );
}

/** The events section: loaded after the payment, so a slow events read never hides the payment. */
function eventsSection(id) {
  const holder = el('div', { id: 'events-section' }, el('p', { class: 'muted' }, 'Loading…'));
  api('GET', `/payments/${encodeURIComponent(id)}/events`)
    .then((answer) => holder.replaceChildren(eventsTable(answer)))
    .catch((error) => holder.replaceChildren(problem(error)));
  return holder;
}

/** The outcomes an operator may give this payment now (the API says no to anything else). */
function outcomesFor(p) {
  const outcomes = [];
  if (p.state === 'UNKNOWN') {
    const move = OPERATIONS[p.unknownOperation] ?? 'the money move';
    outcomes.push(['happened', `happened: PAYON did ${move}`]);
    outcomes.push(['did_not_happen', `did not happen: PAYON did not do ${move}`]);
  } else if (p.attention.some((flag) => ACKNOWLEDGEABLE.includes(flag))) {
    outcomes.push(['acknowledged', 'acknowledged: I have dealt with it outside the product']);
  }
  return outcomes;
}

function resolveForm(p, rerender) {
  const outcomes = outcomesFor(p);
  if (outcomes.length === 0) {
    return el(
      'p',
      { class: 'muted', id: 'resolve-none' },
      p.attention.length > 0
        ? 'These flags end when PAYON settles the payment; there is nothing for an operator to resolve.'
        : 'Nothing needs an operator.',
    );
  }
  const status = el('p', { id: 'resolve-status', role: 'status' });
  const form = el(
    'form',
    { id: 'resolve' },
    el('h2', {}, 'Resolve'),
    el(
      'p',
      { class: 'muted' },
      'Nothing is sent to PAYON: this records your verdict, with your reason, in the payment’s history (and announces the change to the merchant’s systems).',
    ),
    el(
      'fieldset',
      {},
      el('legend', {}, 'Outcome'),
      outcomes.map(([value, text], i) =>
        el(
          'label',
          { class: 'inline' },
          el('input', { type: 'radio', name: 'outcome', value, checked: i === 0 }),
          text,
        ),
      ),
    ),
    el(
      'label',
      {},
      'Reason (kept in the history; 1–500 characters, never card data)',
      el('textarea', { name: 'reason', id: 'reason', rows: 3, maxlength: 500, required: true }),
    ),
    el('button', { type: 'submit' }, 'Resolve'),
    status,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const button = form.querySelector('button');
    button.disabled = true;
    status.textContent = 'Resolving…';
    try {
      const resolved = await api('POST', `/payments/${encodeURIComponent(p.id)}/resolve`, {
        outcome: String(data.get('outcome')),
        reason: String(data.get('reason') ?? ''),
      });
      rerender(resolved, `Resolved: the payment is now ${resolved.state}.`);
    } catch (error) {
      status.textContent = error.message;
      status.className = 'error';
      button.disabled = false;
    }
  });
  return form;
}

function paymentFields(p) {
  const rows = [
    ['Payment', p.id],
    ['State', [stateBadge(p.state), ` ${STATES[p.state] ?? ''}`]],
    ...(p.unknownOperation
      ? [
          [
            'Unknown move',
            `${OPERATIONS[p.unknownOperation] ?? p.unknownOperation} (before it: ${p.stateBeforeUnknown ?? '—'})`,
          ],
        ]
      : []),
    ['Kind', p.kind],
    ['Method', METHODS[p.paymentMethod] ?? p.paymentMethod],
    ['Amount', money(p.amount)],
    ...(p.capturedAmount ? [['Captured', money(p.capturedAmount)]] : []),
    ['Reference', el('span', { class: 'reference' }, p.reference ?? '—')],
    ['Saved card', p.bindingId ?? '—'],
    ['Created', cambodianTime(p.createdAt)],
    ['Updated', cambodianTime(p.updatedAt)],
    ['Checkout expires', p.expiresAt ? cambodianTime(p.expiresAt) : '—'],
    ['Checkout', p.checkoutUrl ?? '—'],
    ['Return URL', p.returnUrl],
  ];
  return el(
    'dl',
    { id: 'payment-fields' },
    rows.map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]),
  );
}

async function paymentView(id) {
  const render = (p, note) => {
    const sync = el('button', { type: 'button', class: 'secondary' }, 'Ask PAYON now');
    sync.addEventListener('click', async () => {
      sync.disabled = true;
      try {
        render(
          await api('GET', `/payments/${encodeURIComponent(id)}?sync=true`),
          'Read again, asking PAYON first.',
        );
      } catch (error) {
        sync.after(problem(error));
        sync.disabled = false;
      }
    });
    show(
      el(
        'p',
        {},
        el('a', { href: '#/attention' }, '← Needs attention'),
        ' · ',
        el('a', { href: '#/payments' }, 'Payments'),
      ),
      el('h1', {}, 'Payment ', el('span', { id: 'payment-id' }, p.id), ' ', stateBadge(p.state)),
      note ? el('p', { class: 'ok', id: 'note', role: 'status' }, note) : null,
      paymentFields(p),
      el('h2', {}, 'Attention'),
      p.attention.length === 0
        ? el('p', { class: 'muted', id: 'no-attention' }, 'Nothing needs attention.')
        : flagList(p),
      el('h2', {}, 'History and events'),
      el(
        'p',
        { class: 'muted' },
        'Every change of state, and every finding recorded without one (events), oldest first.',
      ),
      historyTable(p),
      el('h2', {}, 'Events sent to the merchant’s systems'),
      el(
        'p',
        { class: 'muted' },
        'Each event once, to EventBridge and to every subscribed webhook endpoint, with the attempts so far.',
      ),
      eventsSection(id),
      resolveForm(p, render),
      sync,
    );
  };
  try {
    render(await api('GET', `/payments/${encodeURIComponent(id)}`));
  } catch (error) {
    show(
      el('h1', {}, 'Payment ', id),
      error.status === 404
        ? el(
            'p',
            { class: 'error' },
            'This stage holds no payment with this id (for a reconciliation’s missing_locally, that is the finding).',
          )
        : problem(error),
    );
  }
}

// --- Reconciliation: a day's latest report and its exceptions ---------------------------------

const COUNT_LABELS = {
  payonTransactions: 'PAYON transactions',
  localPayments: 'payments here',
  submitted: 'submitted to PAYON’s reconciliation',
  matched: 'matched',
  healed: 'healed (settled by PAYON’s evidence)',
  pending: 'still pending',
  exceptions: 'exceptions',
  unanswered: 'not answered by PAYON',
};

function reportSection(report) {
  const amounts = (list) => (list.length === 0 ? '—' : list.map(money).join(', '));
  return el(
    'section',
    { id: 'report' },
    el(
      'p',
      {},
      'Status ',
      el('span', { class: `run ${report.status}`, id: 'report-status' }, report.status),
      ` · started ${cambodianTime(report.startedAt)}`,
      report.finishedAt ? ` · finished ${cambodianTime(report.finishedAt)}` : '',
    ),
    el(
      'dl',
      { class: 'counts' },
      Object.entries(COUNT_LABELS).map(([key, label]) => [
        el('dt', {}, label),
        el('dd', { 'data-count': key }, String(report.counts[key] ?? 0)),
      ]),
      [el('dt', {}, 'PAYON approved'), el('dd', {}, amounts(report.amounts.payonApproved))],
      [el('dt', {}, 'in exceptions'), el('dd', {}, amounts(report.amounts.inExceptions))],
      report.history
        ? [
            el('dt', {}, 'order history'),
            el(
              'dd',
              {},
              `${report.history.pagesRead} page(s), stopped by ${report.history.stoppedBy}`,
            ),
          ]
        : [],
    ),
  );
}

function exceptionsTable() {
  return el(
    'table',
    { id: 'exceptions' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ['Payment', 'Difference', 'What it means', 'Detail', 'Amount', 'Who acts'].map((h) =>
          el('th', { scope: 'col' }, h),
        ),
      ),
    ),
    el('tbody'),
  );
}

function exceptionRow(x) {
  return el(
    'tr',
    { 'data-payment': x.txId, 'data-difference': x.difference },
    el('td', {}, paymentLink(x.txId), x.localState ? [' ', stateBadge(x.localState)] : []),
    el('td', {}, el('code', {}, x.difference), x.payonCode ? ` (PAYON ${x.payonCode})` : ''),
    el('td', {}, x.reason),
    el('td', {}, x.detail),
    el('td', { class: 'amount' }, money(x.amount)),
    el('td', {}, DIFFERENCES[x.difference] ?? ''),
  );
}

async function reconciliationView(params) {
  const day = params.get('day') || cambodianDay(new Date(), 1);
  const status = el('p', { id: 'reconcile-status', role: 'status', class: 'muted' });
  const picker = el(
    'form',
    { id: 'day-form', class: 'filters' },
    el(
      'label',
      {},
      'Day (Cambodia)',
      el('input', { type: 'date', name: 'day', value: day, required: true }),
    ),
    el('button', { type: 'submit' }, 'Show'),
    el(
      'button',
      { type: 'button', class: 'secondary', id: 'reconcile' },
      'Reconcile this day again',
    ),
  );
  picker.addEventListener('submit', (event) => {
    event.preventDefault();
    go(`#/reconciliation?day=${encodeURIComponent(String(new FormData(picker).get('day')))}`);
  });
  picker.querySelector('#reconcile').addEventListener('click', async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    status.textContent = `Reconciling ${day}…`;
    try {
      const before = await api('GET', `/reconciliations/${day}`).catch(() => undefined);
      await api('POST', '/reconciliations', { day });
      // The run happens in the background: read the report until a newer run has finished.
      for (let i = 0; i < 60; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const report = await api('GET', `/reconciliations/${day}`).catch(() => undefined);
        if (report && report.runId !== before?.runId && report.status !== 'running') {
          await reconciliationView(params);
          return;
        }
      }
      status.textContent = 'The run has not finished yet; show the day again in a while.';
    } catch (error) {
      status.textContent = error.message;
    }
    button.disabled = false;
  });
  const heading = el('h1', {}, `Reconciliation of ${day}`);
  let report;
  try {
    report = await api('GET', `/reconciliations/${day}`);
  } catch (error) {
    show(
      heading,
      picker,
      status,
      error.status === 404
        ? el(
            'p',
            { id: 'no-report' },
            `No reconciliation of ${day} yet. The daily run reconciles the day before at 01:00 in Cambodia.`,
          )
        : problem(error),
    );
    return;
  }
  const csv = el(
    'a',
    {
      id: 'csv',
      href: `/reconciliations/${day}/exceptions?format=csv&limit=1000`,
      download: `reconciliation-${day}-exceptions.csv`,
    },
    'Download the exceptions as CSV',
  );
  const table = exceptionsTable();
  const more = el('button', { type: 'button', class: 'secondary', hidden: true }, 'More');
  show(
    heading,
    picker,
    status,
    reportSection(report),
    el('h2', {}, 'Exceptions'),
    el(
      'p',
      {},
      csv,
      el('span', { class: 'muted' }, ' (up to 1,000 a file; the API pages the rest with cursor)'),
    ),
    table,
    more,
  );
  let cursor;
  const load = async () => {
    const page = new URLSearchParams({ limit: '100' });
    if (cursor) page.set('cursor', cursor);
    const answer = await api('GET', `/reconciliations/${day}/exceptions?${page}`);
    for (const x of answer.items) table.querySelector('tbody').append(exceptionRow(x));
    if (answer.items.length === 0 && !cursor)
      table.after(
        el(
          'p',
          { class: 'muted', id: 'no-exceptions' },
          'No exceptions: everything matched or healed.',
        ),
      );
    cursor = answer.nextCursor;
    more.hidden = cursor === undefined;
  };
  more.addEventListener('click', () => load().catch((e) => more.after(problem(e))));
  await load();
}

// --- Routing ---------------------------------------------------------------------------------

/** Shows `hash`; the same hash again (the same filters) is shown again, fresh from the API. */
function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

async function route() {
  const [path, query = ''] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  const [, name = 'payments', arg] = (path || '/payments').split('/');
  for (const link of document.querySelectorAll('nav a')) {
    link.toggleAttribute(
      'aria-current',
      link.dataset.view === (name === 'payment' ? 'attention' : name),
    );
  }
  try {
    if (name === 'attention') await attentionView();
    else if (name === 'payment' && arg) await paymentView(decodeURIComponent(arg));
    else if (name === 'reconciliation') await reconciliationView(params);
    else await paymentsView(params);
  } catch (error) {
    view.append(problem(error));
  }
  document.body.dataset.ready = location.hash;
}

async function connection() {
  const target = document.querySelector('#connection');
  try {
    const response = await fetch('/console/connection.json');
    if (!response.ok) throw new Error('local');
    const { api: url, auth } = await response.json();
    target.textContent = `${url} · ${auth === 'iam' ? 'IAM (SigV4)' : 'JWT + IAM (SigV4) for operator routes'} · signed by npm run console`;
  } catch {
    target.textContent = 'this machine’s API (npm start)';
  }
}

window.addEventListener('hashchange', () => {
  delete document.body.dataset.ready;
  route();
});
connection();
route();
