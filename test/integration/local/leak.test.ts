import { randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '#functions/index.ts';
import { luhnValid, maskPan } from '#shared/domain/card.ts';
import { type LocalProcess, spawnLocal } from '#test/support/local-process.ts';

/** A Luhn-valid 16-digit card number nobody else uses. */
function canaryCard(): string {
  const body = `49${String(Math.floor(Math.random() * 1e13)).padStart(13, '0')}`;
  const check = [...Array(10).keys()].find((d) => luhnValid(`${body}${d}`)) ?? 0;
  return `${body}${check}`;
}

const CARD = canaryCard();
const CVV = '8413';
const PIN = '917364';
const API_KEY = `sk_canary_${randomBytes(12).toString('hex')}`;
/** Deliberately leaked, to prove the scanner sees every place it claims to look. */
const DELIBERATE = `LEAKTEST${randomBytes(6).toString('hex')}`;

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function occurrences(haystack: string, needle: string): number {
  const pattern = /^\d+$/.test(needle)
    ? new RegExp(`(?<!\\d)${needle}(?!\\d)`, 'g')
    : new RegExp(escaped(needle), 'g');
  return [...haystack.matchAll(pattern)].length;
}

const groups = (card: string, separator: string) => card.match(/\d{1,4}/g)?.join(separator) ?? card;
const fullWidth = (text: string) =>
  text.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));

/** The canary card in every way issue 21 says card numbers slip past a detector. */
const CARD_FORMS = [
  CARD,
  groups(CARD, ' '),
  groups(CARD, '-'),
  groups(CARD, '.'),
  groups(CARD, '/'),
  groups(CARD, '_'),
  groups(CARD, '  '),
  `pan_${groups(CARD, '_')}`,
  `${CARD.slice(0, 4)}-${CARD.slice(4, 8)}.${CARD.slice(8, 12)}/${CARD.slice(12)}`,
  fullWidth(CARD),
  fullWidth(groups(CARD, ' ')),
];

// Card data, PINs and secrets planted everywhere a client or a misconfiguration could put them;
// then everything written during the run is scanned: process output (handlers, sandbox, metrics),
// every answer body, every DynamoDB item.
describe('no card data, PIN or secret leaks anywhere', () => {
  let local: LocalProcess;
  const answers: string[] = [];
  let items = '';

  async function call(
    method: string,
    path: string,
    init: { body?: unknown; headers?: Record<string, string> } = {},
  ) {
    const response = await fetch(`http://127.0.0.1:${local.ports.api}${path}`, {
      method,
      headers: {
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      ...(init.body !== undefined
        ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }
        : {}),
    });
    const text = await response.text();
    answers.push(text);
    return {
      status: response.status,
      // /return answers a neutral HTML page for a txId that is not a recent payment's.
      json: (text && (response.headers.get('content-type') ?? '').includes('json')
        ? JSON.parse(text)
        : {}) as Record<string, unknown>,
    };
  }

  beforeAll(async () => {
    local = await spawnLocal({
      LOCAL_MERCHANT_API_KEY: API_KEY,
      POWERTOOLS_LOG_LEVEL: 'DEBUG',
      POWERTOOLS_METRICS_DISABLED: 'false',
    });
    await local.waitFor('Stop with Ctrl-C.');
    const sandbox = `http://127.0.0.1:${local.ports.sandbox}`;
    const order = {
      amount: { value: '10.00', currency: 'USD' },
      paymentMethod: 'CREDIT_DEBIT',
      returnUrl: `http://localhost:${local.ports.api}/`,
    };
    const planted = {
      'x-card-number': CARD,
      'x-cvv': CVV,
      'x-pin': PIN,
      authorization: `Bearer ${API_KEY}`,
    };

    // Card data in every field, header, parameter and path a client could misuse (refused, but for
    // a card-like Idempotency-Key, which is taken and kept only as an HMAC).
    await call('POST', '/payments', {
      body: { ...order, reference: `card ${CARD}` },
      headers: { 'idempotency-key': randomUUID() },
    });
    await call('POST', '/payments', {
      body: { ...order, card: { number: CARD, cvv: CVV }, pin: PIN, apiKey: API_KEY },
      headers: { 'idempotency-key': randomUUID() },
    });
    await call('POST', '/payments', { body: order, headers: { 'idempotency-key': CARD } });
    await call('POST', '/payments', {
      body: `{"amount":"${CARD}",`,
      headers: { 'idempotency-key': randomUUID() },
    });
    await call('GET', `/payments/${CARD}`);
    await call('GET', `/payments/${CARD}/refund`);
    await call(
      'GET',
      `/transactions?from=2026-11-01&to=2026-11-02&card=${CARD}&cvv=${CVV}&pin=${PIN}`,
    );
    await call('GET', `/return?txId=${CARD}`);
    await call('POST', `/payments/${CARD}/capture`, {
      body: { amount: { value: CARD, currency: 'USD' } },
      headers: { 'idempotency-key': randomUUID() },
    });

    // Accepted: a whole payment's life with the canaries riding along in headers.
    const created = await call('POST', '/payments', {
      body: { ...order, reference: `order ${DELIBERATE}` },
      headers: { ...planted, 'idempotency-key': randomUUID() },
    });
    expect(created.status, local.output()).toBe(201);
    const id = String(created.json.id);
    await fetch(`${sandbox}/_sandbox/payments/${id}/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"outcome":"approve"}',
    });
    await call('GET', `/payments/${id}?sync=true`, { headers: planted });
    // A PAYON fault, so that errors are logged too.
    await fetch(`${sandbox}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: '/pg/refund', kind: '5xx', applyFirst: true }),
    });
    await call('POST', `/payments/${id}/refund`, {
      body: {},
      headers: { ...planted, 'idempotency-key': randomUUID() },
    });
    await call('GET', `/payments/${id}?sync=true`, { headers: planted });
    // PAYON's push with the right token (read from the local secret) and card data riding along:
    // accepted and stored, with every card-like run masked; and with the token in the log's place.
    const { SecretString = '{}' } = await new SecretsManagerClient({
      region: 'ap-southeast-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      endpoint: `http://127.0.0.1:${local.ports.aws}`,
    }).send(new GetSecretValueCommand({ SecretId: 'payon/local' }));
    const token = String(
      (JSON.parse(SecretString) as { notificationToken?: string }).notificationToken,
    );
    const pushed = await call('POST', `/payon/notifications/${token}`, {
      body: { txId: id, resultCode: '0000', resultMsg: `paid with ${CARD}`, cardNo: CARD },
      headers: planted,
    });
    expect(pushed.status, local.output()).toBe(200);
    expect(local.output()).not.toContain(token);
    await call('POST', `/payon/notifications/${token}`, {
      body: { txId: CARD, resultCode: '0000' },
    });
    // Saved cards: every binding route, with the canary card, CVV and PIN where they belong and
    // where they do not, accepted, refused and failing.
    const customer = `leak-${randomBytes(4).toString('hex')}`;
    const card = { number: CARD, cvv: CVV.slice(0, 3), expiry: '2030-12', holderName: 'Leak Test' };
    const fresh = () => new Date().toISOString();
    const bindPath = `/customers/${customer}/bindings`;
    const bound = await call('POST', bindPath, {
      body: {
        card,
        pin: PIN,
        requestedAt: fresh(),
        payment: { amount: { value: '4.00', currency: 'USD' }, returnUrl: order.returnUrl },
      },
      headers: { ...planted, 'idempotency-key': randomUUID() },
    });
    expect(bound.status, local.output()).toBe(201);
    const bindingId = String((bound.json.binding as { id: string }).id);
    const rebound = await call('POST', bindPath, {
      body: { card, requestedAt: fresh() },
      headers: { ...planted, 'idempotency-key': randomUUID() },
    });
    expect(rebound.status, local.output()).toBe(201);
    const refusedBindings = [
      { card: { ...card, cvv: CVV.slice(0, 2) }, requestedAt: fresh() },
      {
        card: { ...card, number: `${CARD.slice(0, -1)}${(Number(CARD.at(-1)) + 1) % 10}` },
        requestedAt: fresh(),
      },
      { card, requestedAt: '2020-01-01T00:00:00Z', pin: PIN },
      { card: { ...card, expiry: '2020-01' }, requestedAt: fresh() },
      { card: { ...card, pin: PIN }, requestedAt: fresh() },
      { card, requestedAt: fresh(), pin: `${PIN}1` },
    ];
    for (const body of refusedBindings) {
      await call('POST', bindPath, { body, headers: { 'idempotency-key': randomUUID() } });
    }
    const reused = randomUUID();
    await call('POST', bindPath, {
      body: { card, requestedAt: fresh() },
      headers: { 'idempotency-key': reused },
    });
    await call('POST', bindPath, {
      body: { card: { ...card, cvv: '999' }, requestedAt: fresh() },
      headers: { 'idempotency-key': reused },
    });
    await call('GET', bindPath, { headers: planted });
    await call('GET', `/customers/${CARD}/bindings`);
    await call('POST', `/customers/${customer}/bindings/${CARD}/unbind`, {
      body: { requestedAt: fresh() },
      headers: { 'idempotency-key': randomUUID() },
    });
    await call('POST', `/customers/${customer}/pin`, {
      body: { pin: PIN, requestedAt: fresh() },
      headers: { ...planted, 'idempotency-key': randomUUID() },
    });
    await call('POST', `/customers/${customer}/pin`, {
      body: { pin: CARD, requestedAt: fresh() },
      headers: { 'idempotency-key': randomUUID() },
    });
    await call('POST', `/customers/${customer}/pin-verification`, {
      body: { enabled: false, requestedAt: fresh(), pin: PIN },
      headers: { 'idempotency-key': randomUUID() },
    });
    await call('POST', `/customers/${customer}/pin-verification`, {
      body: { enabled: true, requestedAt: fresh() },
      headers: { ...planted, 'idempotency-key': randomUUID() },
    });
    // PAYON failing while the card is in flight: errors are logged, never with the card.
    await fetch(`${sandbox}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: '/pg/binding/register', kind: '5xx', times: 1 }),
    });
    await call('POST', bindPath, {
      body: { card, requestedAt: fresh() },
      headers: { ...planted, 'idempotency-key': randomUUID() },
    });
    await call('POST', `/customers/${customer}/bindings/${bindingId}/unbind`, {
      body: { requestedAt: fresh() },
      headers: { ...planted, 'idempotency-key': randomUUID() },
    });
    await call('POST', '/payments', {
      body: { ...order, savedCard: { clientId: customer, bindingId } },
      headers: { ...planted, 'idempotency-key': randomUUID() },
    });

    // Every route, every form: in the path, a query key and value, a header, body keys and values
    // (nested), and, for the webhook with its real token, a push PAYON could send.
    for (const form of CARD_FORMS) {
      const planted = { [form]: form, nested: { [form]: [form, { deep: form }] }, reference: form };
      for (const route of ROUTES) {
        const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) =>
          name === 'token' ? token : encodeURIComponent(form),
        );
        const query = `?${encodeURIComponent(form)}=${encodeURIComponent(form)}`;
        await call(route.method, `${path}${query}`, {
          ...(route.method === 'POST' ? { body: planted } : {}),
          headers: {
            'x-card': encodeURIComponent(form),
            'idempotency-key': encodeURIComponent(form).slice(0, 255),
          },
        });
      }
      await call('POST', `/payon/notifications/${token}`, {
        body: `{"txId":"${id}","resultCode":"0000","resultMsg":${JSON.stringify(form)},"cardNo":${JSON.stringify(form)},${JSON.stringify(form)}:1,"escaped":"\\u00${CARD.charCodeAt(0).toString(16)}${CARD.slice(1)}","number":${CARD}}`,
      });
    }

    // Deliberate leaks: a field name is echoed in a 400, a path is printed by the edge.
    await call('POST', '/payments', {
      body: { ...order, [DELIBERATE]: 1 },
      headers: { 'idempotency-key': randomUUID() },
    });
    await call('GET', `/no-such-route/${DELIBERATE}`);

    const dynamo = new DynamoDBClient({
      region: 'ap-southeast-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      endpoint: `http://127.0.0.1:${local.ports.dynamo}`,
    });
    const { Items = [] } = await dynamo.send(new ScanCommand({ TableName: 'payon-local' }));
    items = JSON.stringify(Items.map((i) => unmarshall(i)));
    await local.interrupt();
  }, 120_000);
  afterAll(() => local?.interrupt().catch(() => undefined));

  it('proves the scanner sees output, answers and stored items (a deliberate canary is found in each)', () => {
    expect(occurrences(local.output(), DELIBERATE)).toBeGreaterThan(0);
    expect(occurrences(answers.join('\n'), DELIBERATE)).toBeGreaterThan(0);
    expect(occurrences(items, DELIBERATE)).toBeGreaterThan(0);
    // Each form's push reached the store, masked (so the forms were planted where they can stay).
    expect(occurrences(items, maskPan(CARD))).toBeGreaterThanOrEqual(CARD_FORMS.length);
    expect(local.output()).toContain('"_aws"'); // metric output (EMF) was produced and scanned
    expect(local.output()).toContain('"register-payment.refused":1'); // refusals are counted
    expect(local.output()).toContain('"refund-payment.failed":1'); // and failures
    expect(local.output()).toContain('"level":"ERROR"'); // and error logs
    expect(local.output()).toContain('"create-binding.refused"'); // binding routes ran and refused
    expect(local.output()).toContain('"create-binding.failed":1'); // and failed once (PAYON 5xx)
    expect(local.output()).toContain('[event] binding.deactivated'); // and the rebind was seen
  });

  it.each(CARD_FORMS.map((form) => [form]))(
    'finds the card number written as %j nowhere: output, answers, DynamoDB items',
    (form) => {
      expect(occurrences(local.output(), form)).toBe(0);
      expect(occurrences(answers.join('\n'), form)).toBe(0);
      expect(occurrences(items, form)).toBe(0);
    },
  );

  it.each([
    ['card number', CARD],
    ['CVV', CVV],
    ['PIN', PIN],
    ['API key', API_KEY],
  ])('finds no %s in process output, answers or DynamoDB items', (_what, canary) => {
    expect(occurrences(local.output(), canary)).toBe(0);
    expect(occurrences(answers.join('\n'), canary)).toBe(0);
    expect(occurrences(items, canary)).toBe(0);
  });
});
