import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '#functions/index.ts';
import { matchRoute } from '#local/runtime/apigw.ts';
import { cambodiaDay } from '#shared/domain/business-day.ts';
import type { RouteDescriptor } from '#shared/runtime/descriptor.ts';
import { newDelivery } from '#shared/webhooks/endpoint.ts';
import { DELIVERY_WINDOW_MS } from '#shared/webhooks/schedule.ts';
import {
  type ApiEnvironment,
  type ApiResponse,
  type CallOptions,
  NOTIFICATION_TOKEN,
  RETURN_ORIGIN,
  startApi,
} from '#test/support/api.ts';
import { paidPayment, registeredPayment } from '#test/support/payments.ts';

// Every route driven through its real handler (DynamoDB Local, moto, the PAYON sandbox), its
// successes and its errors, and every body checked against what openapi.json (as committed, what
// merchants generate clients from) says that route answers with that status.

interface Answer {
  readonly route: RouteDescriptor;
  readonly call: string;
  readonly response: ApiResponse;
}

const doc = JSON.parse(readFileSync(new URL('../../../openapi.json', import.meta.url), 'utf8')) as {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>
  >;
};

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema(doc, 'openapi.json');
const pointer = (...segments: string[]) =>
  segments.map((s) => s.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
const validators = new Map<string, ValidateFunction>();
/** The document's schema of one route's answer with one status, compiled once. */
function validatorOf(route: RouteDescriptor, status: number): ValidateFunction {
  const ref = `openapi.json#/${pointer('paths', route.path, route.method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema')}`;
  let validate = validators.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: ref });
    validators.set(ref, validate);
  }
  return validate;
}

/** What is wrong with one answer, as the document describes the route; empty when nothing is. */
function problems({ route, call, response }: Answer): string[] {
  const documented = doc.paths[route.path]?.[route.method.toLowerCase()]?.responses ?? {};
  const answer = documented[String(response.status)];
  if (!answer) return [`${call}: status ${response.status} is not in openapi.json`];
  if (response.status === 303) return [];
  const mediaType = (response.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
  if (!answer.content?.[mediaType]) {
    return [`${call}: ${response.status} answered ${mediaType}, which openapi.json does not name`];
  }
  if (mediaType !== 'application/json') return [];
  const validate = validatorOf(route, response.status);
  if (validate(response.body)) return [];
  return (validate.errors ?? []).map(
    (e) =>
      `${call} ${response.status}: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`,
  );
}

describe('every answer of every route is what openapi.json says', () => {
  let api: ApiEnvironment;
  const answers: Answer[] = [];
  const day = cambodiaDay(new Date());
  const SOURCE = '203.0.113.7';

  /** One call through the real handler, recorded with the route that answered it. */
  async function call(method: string, path: string, options: CallOptions = {}) {
    const response = await api.call(method, path, options);
    const bare = path.split('?')[0] ?? '';
    const route = ROUTES.find((r) => r.method === method && matchRoute(r.path, bare));
    if (!route) throw new Error(`no route answers ${method} ${bare}`);
    answers.push({ route, call: `${method} ${path}`, response });
    return response;
  }
  const money = (value: string) => ({ value, currency: 'USD' });
  const move = (path: string, body: unknown = {}, idempotencyKey = randomUUID()) =>
    call('POST', path, { idempotencyKey, body });
  const now = () => new Date().toISOString();
  /** Fails the scenario when an answer is not the one it sets out to get. */
  const expectStatus = (response: ApiResponse, status: number) => {
    if (response.status !== status) {
      throw new Error(`expected ${status}, got ${response.status}: ${response.text.slice(0, 300)}`);
    }
    return response;
  };

  beforeAll(async () => {
    api = await startApi({
      sandbox: { seed: 41 },
      env: { BINDING_RATE_LIMIT: '5', NOTIFY_SOURCE_CIDRS: '203.0.113.0/24' },
    });

    // Payments: every state a view can show, and the refusals of each move.
    const order = {
      amount: money('12.50'),
      paymentMethod: 'CREDIT_DEBIT',
      returnUrl: `${RETURN_ORIGIN}/done`,
      reference: 'order-1234',
    };
    const key = randomUUID();
    expectStatus(await move('/payments', order, key), 201);
    expectStatus(await move('/payments', { ...order, reference: 'order-1235' }, key), 422);
    expectStatus(await move('/payments', { ...order, amount: money('-1') }), 400);
    expectStatus(await move('/payments', { ...order, returnUrl: 'https://evil.example/' }), 422);
    expectStatus(await call('POST', '/payments', { body: order }), 400);
    // The reference is held by the first payment (409 reference_in_use, naming it).
    expectStatus(await move('/payments', order), 409);
    api.sandbox.addFault({ path: '/pg/order/register', kind: 'reset', applyFirst: false });
    const unknown = expectStatus(
      await move('/payments', { ...order, reference: 'order-1236' }),
      504,
    );
    api.sandbox.clearFaults();
    api.sandbox.addFault({ path: '/pg/order/register', kind: '5xx' });
    expectStatus(await move('/payments', { ...order, reference: 'order-1237' }), 502);
    api.sandbox.clearFaults();
    api.sandbox.addFault({ path: '/pg/order/register', kind: '401-once', times: 2 });
    expectStatus(await move('/payments', { ...order, reference: 'order-1238' }), 503);
    api.sandbox.clearFaults();

    expect(unknown.body).toMatchObject({ error: { code: 'outcome_unknown' } });
    const unknownId = (await api.scan()).find((i) => i.state === 'UNKNOWN')?.txId;
    if (typeof unknownId !== 'string')
      throw new Error('the reset registration left no UNKNOWN payment');
    expectStatus(await call('GET', `/payments/${unknownId}`), 200);
    const verdict = { outcome: 'did_not_happen', reason: 'Checked with PAYON support' };
    expectStatus(await move(`/payments/${unknownId}/resolve`, verdict), 200);
    expectStatus(await move(`/payments/${unknownId}/resolve`, verdict), 409);
    expectStatus(
      await move('/payments/1795000000000099/resolve', { outcome: 'happened', reason: 'x' }),
      404,
    );
    expectStatus(await move('/payments/1795000000000099/resolve', { outcome: 'maybe' }), 400);

    const pending = await registeredPayment(api);
    expectStatus(await call('GET', `/payments/${pending}`), 200);
    const listed = expectStatus(await call('GET', '/payments?limit=2'), 200);
    const next = (listed.body as { nextCursor?: string }).nextCursor ?? '';
    expectStatus(await call('GET', `/payments?limit=2&cursor=${encodeURIComponent(next)}`), 200);
    expectStatus(await call('GET', '/payments?needsAttention=true&state=UNKNOWN,PENDING'), 200);
    expectStatus(await call('GET', '/payments?state=PAID'), 400);
    expectStatus(await call('GET', '/payments?limit=2&cursor=forged'), 400);
    expectStatus(await call('GET', '/payments/1795000000000099'), 404);
    expectStatus(await call('GET', `/payments/${pending}?sync=maybe`), 400);
    api.sandbox.addFault({ path: '/pg/transaction/status', kind: '5xx' });
    expectStatus(await call('GET', `/payments/${pending}?sync=true`), 502);
    api.sandbox.clearFaults();
    api.sandbox.pay(pending, 'decline');
    expectStatus(await call('GET', `/payments/${pending}?sync=true`), 200);

    const preauth = await paidPayment(api, { kind: 'preauth', value: '30.00' });
    expectStatus(await call('GET', `/payments/${preauth}?sync=true`), 200);
    expectStatus(await move(`/payments/${preauth}/capture`, { amount: money('31.00') }), 422);
    expectStatus(await move(`/payments/${preauth}/capture`, { amount: money('25.00') }), 200);
    expectStatus(await move(`/payments/${preauth}/capture`, {}), 409);
    expectStatus(await move('/payments/1795000000000099/capture', {}), 404);
    expectStatus(await move(`/payments/${preauth}/capture`, { amount: 3 }), 400);

    const purchase = await paidPayment(api);
    expectStatus(await move(`/payments/${purchase}/refund`, { amount: money('1.00') }), 422);
    expectStatus(await move(`/payments/${purchase}/refund`, {}), 200);
    expectStatus(await move(`/payments/${purchase}/refund`, {}), 409);
    expectStatus(await move('/payments/1795000000000099/refund', {}), 404);
    expectStatus(await move(`/payments/${purchase}/refund`, { why: 'x' }), 400);

    const cancelled = await paidPayment(api);
    expectStatus(await move(`/payments/${cancelled}/cancel`), 200);
    expectStatus(await move(`/payments/${cancelled}/cancel`), 409);
    expectStatus(await move('/payments/1795000000000099/cancel'), 404);
    expectStatus(await move(`/payments/${cancelled}/cancel`, { now: true }), 400);

    // PAYON's history.
    expectStatus(await call('GET', `/transactions?from=${day}&to=${day}&limit=10`), 200);
    expectStatus(await call('GET', `/transactions?from=${day}&to=2020-01-01`), 400);
    api.sandbox.addFault({
      path: '/pg/orders',
      kind: 'answer',
      json: { resultCode: '9999', resultMsg: 'System error' },
    });
    expectStatus(await call('GET', `/transactions?from=${day}&to=${day}`), 422);
    api.sandbox.clearFaults();

    // The customer's way back.
    expectStatus(await call('GET', `/return?txId=${purchase}`), 303);
    expectStatus(await call('GET', '/return'), 200);
    expectStatus(
      await call('GET', '/return', { rawBody: '{', headers: { 'content-type': 'text/plain' } }),
      400,
    );

    // Saved cards.
    const clientId = `cust-${randomUUID().slice(0, 8)}`;
    const card = {
      number: '4111111111111111',
      cvv: '123',
      expiry: '2030-12',
      holderName: 'Sok Chan',
    };
    const bound = expectStatus(
      await move(`/customers/${clientId}/bindings`, {
        card,
        pin: '482916',
        requestedAt: now(),
        payment: { amount: money('12.50'), returnUrl: `${RETURN_ORIGIN}/done` },
      }),
      201,
    );
    const bindingId = (bound.body as { binding: { id: string } }).binding.id;
    expectStatus(await move(`/customers/${clientId}/bindings`, { card, requestedAt: 'x' }), 400);
    expectStatus(await call('GET', `/customers/${clientId}/bindings`), 200);
    expectStatus(await call('GET', '/customers/%20/bindings'), 400);
    api.sandbox.addFault({ path: '/pg/bindingList', kind: '5xx', status: 503 });
    expectStatus(await call('GET', `/customers/${clientId}/bindings`), 502);
    api.sandbox.clearFaults();
    expectStatus(
      await move(`/customers/${clientId}/pin`, { pin: '482916', requestedAt: now() }),
      200,
    );
    expectStatus(await move(`/customers/${clientId}/pin`, { pin: '12', requestedAt: now() }), 400);
    expectStatus(
      await move(`/customers/${clientId}/pin-verification`, { enabled: true, requestedAt: now() }),
      200,
    );
    expectStatus(await move(`/customers/${clientId}/pin-verification`, { enabled: 'yes' }), 400);
    expectStatus(
      await move(`/customers/${clientId}/bindings/${bindingId}/unbind`, { requestedAt: now() }),
      200,
    );
    expectStatus(
      await move(`/customers/${clientId}/bindings/b-nope/unbind`, { requestedAt: now() }),
      404,
    );
    expectStatus(await move(`/customers/${clientId}/bindings/${bindingId}/unbind`, {}), 400);
    // The customer's rate limit is spent by now: every binding and PIN route says 429.
    expectStatus(
      await move(`/customers/${clientId}/pin`, { pin: '482916', requestedAt: now() }),
      429,
    );
    expectStatus(
      await move(`/customers/${clientId}/pin-verification`, { enabled: false, requestedAt: now() }),
      429,
    );
    expectStatus(await move(`/customers/${clientId}/bindings`, { card, requestedAt: now() }), 429);

    // Reconciliation.
    expectStatus(await call('GET', `/reconciliations/${day}`), 404);
    expectStatus(await call('GET', `/reconciliations/${day}/exceptions`), 404);
    // Two differences for the run to report (and page): PAYON's totals for two confirmed ones.
    api.sandbox.scriptReconciliation(preauth, { grandTotalCents: 2_530 });
    api.sandbox.scriptReconciliation(purchase, { grandTotalCents: 2_010 });
    expectStatus(await call('POST', '/reconciliations', { body: { day } }), 202);
    await api.reconciliationStarter.idle();
    expectStatus(await call('POST', '/reconciliations', { body: { day: '2999-01-01' } }), 400);
    expectStatus(await call('GET', `/reconciliations/${day}`), 200);
    const page = expectStatus(await call('GET', `/reconciliations/${day}/exceptions?limit=1`), 200);
    expect(page.body).toMatchObject({ items: [{}], nextCursor: expect.any(String) });
    expectStatus(await call('GET', `/reconciliations/${day}/exceptions?format=csv`), 200);
    expectStatus(await call('GET', '/reconciliations/21-11-2026'), 400);
    expectStatus(await call('GET', `/reconciliations/${day}/exceptions?limit=0`), 400);

    // Merchant webhooks (the endpoint is never attempted here: no deliver-webhooks run).
    const hook = expectStatus(
      await call('POST', '/webhook-endpoints', {
        body: { url: 'https://shop.example.com/payon/webhooks', events: ['payment.succeeded'] },
      }),
      201,
    );
    const hookId = (hook.body as { id: string }).id;
    expectStatus(
      await call('POST', '/webhook-endpoints', {
        body: { url: 'http://shop.example.com/', events: ['*'] },
      }),
      400,
    );
    for (let i = 1; i < 16; i++) {
      await api.call('POST', '/webhook-endpoints', {
        body: { url: 'https://shop.example.com/more', events: ['*'] },
      });
    }
    expectStatus(
      await call('POST', '/webhook-endpoints', {
        body: { url: 'https://shop.example.com/17', events: ['*'] },
      }),
      422,
    );
    expectStatus(await call('GET', '/webhook-endpoints'), 200);
    expectStatus(await call('GET', '/webhook-endpoints?x=1'), 400);
    expectStatus(await call('GET', `/webhook-endpoints/${hookId}`), 200);
    expectStatus(await call('GET', '/webhook-endpoints/we_AAAAAAAAAAAAAAAAAAAA'), 404);
    expectStatus(await call('POST', `/webhook-endpoints/${hookId}/rotate-secret`), 200);
    expectStatus(
      await call('POST', '/webhook-endpoints/we_AAAAAAAAAAAAAAAAAAAA/rotate-secret'),
      404,
    );
    expectStatus(await call('POST', `/webhook-endpoints/${hookId}/enable`), 200);
    expectStatus(await call('POST', '/webhook-endpoints/nope/enable'), 400);
    // A delivery of a real event: one fan-out (no attempt is made before it is resent).
    await paidPayment(api);
    const fanned = await api.deps.outbox.awaitingFanOut(new Date(), 100);
    for (const record of fanned) {
      await api.deps.webhooks.createDelivery(
        newDelivery(hookId, record.event, new Date(), DELIVERY_WINDOW_MS),
        new Date(),
      );
    }
    const deliveries = expectStatus(
      await call('GET', `/webhook-endpoints/${hookId}/deliveries?limit=1`),
      200,
    );
    const deliveryId = (deliveries.body as { items: { id: string }[] }).items[0]?.id ?? '';
    expectStatus(await call('GET', `/webhook-endpoints/${hookId}/deliveries?state=lost`), 400);
    expectStatus(
      await call('POST', `/webhook-endpoints/${hookId}/deliveries/${deliveryId}/resend`),
      202,
    );
    expectStatus(
      await call(
        'POST',
        `/webhook-endpoints/${hookId}/deliveries/dlv_20261203021512345_6f1c2a9b0d3e4f58/resend`,
      ),
      404,
    );
    expectStatus(await call('DELETE', `/webhook-endpoints/${hookId}`), 200);
    expectStatus(await call('DELETE', `/webhook-endpoints/${hookId}`), 404);
    expectStatus(await call('GET', `/webhook-endpoints/${hookId}/deliveries`), 404);

    // PAYON's push.
    const push = (body: unknown, sourceIp: string, token: string) =>
      call('POST', `/payon/notifications/${token}`, { body, sourceIp });
    const pushed = { txId: purchase, resultCode: '0000', resultMsg: 'Success' };
    const token = NOTIFICATION_TOKEN;
    expectStatus(await push(pushed, SOURCE, token), 200);
    expectStatus(await push(pushed, SOURCE, token), 200);
    expectStatus(await push({ txId: purchase }, SOURCE, token), 400);
    expectStatus(await push(pushed, SOURCE, 'w'.repeat(40)), 404);
    expectStatus(await push(pushed, '198.51.100.9', token), 403);
    await api.settle();

    // What happened to a payment, and what was sent about it.
    expectStatus(await call('GET', `/payments/${purchase}/events`), 200);
    expectStatus(await call('GET', `/payments/${purchase}/events?limit=1`), 400);
    expectStatus(await call('GET', '/payments/1795000000000099/events'), 404);
  }, 120_000);
  afterAll(() => api?.stop());

  it.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s: its successes and errors all match the document',
    (_name, route) => {
      const mine = answers.filter((a) => a.route === route);
      expect(mine.some((a) => a.response.status < 400)).toBe(true);
      expect(mine.some((a) => a.response.status >= 400)).toBe(true);
      expect(mine.flatMap(problems)).toEqual([]);
    },
  );

  it('checks every answer it collected (each route, each status it gave)', () => {
    const statuses = new Set(answers.map((a) => `${a.route.function} ${a.response.status}`));
    // The statuses each kind of failure gives, seen at least once somewhere.
    for (const status of [200, 201, 202, 303, 400, 403, 404, 409, 422, 429, 502, 503, 504]) {
      expect(
        [...statuses].some((s) => s.endsWith(` ${status}`)),
        String(status),
      ).toBe(true);
    }
    expect(answers.flatMap(problems)).toEqual([]);
  });
});
