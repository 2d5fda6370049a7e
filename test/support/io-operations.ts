/**
 * Each operation of the API, run once cold (fresh dependencies, as a new Lambda instance) and once
 * warm, with its I/O counted at the boundaries. Shared by the I/O budget test and `npm run bench`.
 */
import { randomUUID } from 'node:crypto';
import { type ApiEnvironment, RETURN_ORIGIN } from '#test/support/api.ts';
import type { IoCount } from '#test/support/io.ts';

export interface OperationIo {
  readonly cold: IoCount;
  readonly warm: IoCount;
}

/**
 * An operation ready to run: `run` makes the counted call and answers the ids it created;
 * `ids` are the ones it works on (a payment's txId, a customer's clientId, a binding's id).
 */
export interface Prepared {
  readonly ids: Readonly<Record<string, string>>;
  readonly run: (api: ApiEnvironment) => Promise<Readonly<Record<string, string>>>;
}

const order = (kind: 'purchase' | 'preauth' = 'purchase') => ({
  kind,
  amount: { value: '10.00', currency: 'USD' },
  paymentMethod: 'CREDIT_DEBIT',
  returnUrl: `${RETURN_ORIGIN}/r`,
});

async function ok(api: ApiEnvironment, method: string, path: string, body?: unknown) {
  const response = await api.call(method, path, {
    ...(body === undefined ? {} : { body }),
    ...(method === 'POST' ? { idempotencyKey: randomUUID() } : {}),
  });
  if (response.status >= 300 && response.status !== 303) {
    throw new Error(`${method} ${path} answered ${response.status}: ${response.text}`);
  }
  return response.body as Record<string, unknown>;
}

const none = {};

async function registered(
  api: ApiEnvironment,
  kind: 'purchase' | 'preauth' = 'purchase',
): Promise<string> {
  const { id } = (await ok(api, 'POST', '/payments', order(kind))) as { id: string };
  return id;
}

async function paid(api: ApiEnvironment, kind: 'purchase' | 'preauth' = 'purchase') {
  const id = await registered(api, kind);
  api.sandbox.pay(id, 'approve');
  await ok(api, 'GET', `/payments/${id}?sync=true`);
  return id;
}

const fresh = () => new Date().toISOString();
const customer = () => `io-${randomUUID().slice(0, 8)}`;
async function bind(api: ApiEnvironment, clientId: string): Promise<string> {
  const { binding } = (await ok(api, 'POST', `/customers/${clientId}/bindings`, {
    card: { number: '4111111111111111', cvv: '123', expiry: '2030-12' },
    requestedAt: fresh(),
  })) as { binding: { id: string } };
  return binding.id;
}
async function bound(api: ApiEnvironment) {
  const clientId = customer();
  return { clientId, bindingId: await bind(api, clientId) };
}

/** A payment operation on the payment `ready` made: `method path(id)` (a POST with a fresh key). */
const onPayment =
  (
    ready: (api: ApiEnvironment) => Promise<string>,
    method: 'GET' | 'POST',
    path: (id: string) => string,
    body?: unknown,
  ) =>
  async (api: ApiEnvironment): Promise<Prepared> => {
    const txId = await ready(api);
    return {
      ids: { txId },
      run: (a) => ok(a, method, path(txId), body).then(() => none),
    };
  };

/** A saved-card operation on a customer with one card: `method path(clientId, bindingId)`. */
const onCustomer =
  (
    method: 'GET' | 'POST',
    path: (clientId: string, bindingId: string) => string,
    body?: () => unknown,
  ) =>
  async (api: ApiEnvironment): Promise<Prepared> => {
    const ids = await bound(api);
    return {
      ids,
      run: (a) => ok(a, method, path(ids.clientId, ids.bindingId), body?.()).then(() => none),
    };
  };

/** A webhook endpoint (any event) for the merchant's shop: its id. */
async function endpoint(api: ApiEnvironment): Promise<string> {
  const url = `https://shop.example.com/hooks/${randomUUID().slice(0, 8)}`;
  const { id } = (await ok(api, 'POST', '/webhook-endpoints', { url, events: ['*'] })) as {
    id: string;
  };
  return id;
}

/** A webhook endpoint operation on a fresh endpoint: `method path(endpointId)`. */
const onEndpoint =
  (method: 'GET' | 'POST' | 'DELETE', path: (endpointId: string) => string) =>
  async (api: ApiEnvironment): Promise<Prepared> => {
    const endpointId = await endpoint(api);
    return { ids: { endpointId }, run: (a) => ok(a, method, path(endpointId)).then(() => none) };
  };

/**
 * An endpoint with one delivery: a paid payment's event, fanned out by a deliverer run (its first
 * attempt fails: the name resolves nowhere here, so the delivery waits for its retry).
 */
async function delivered(api: ApiEnvironment): Promise<{ endpointId: string; deliveryId: string }> {
  const endpointId = await endpoint(api);
  await paid(api);
  await api.deliverWebhooks();
  const { items } = (await ok(api, 'GET', `/webhook-endpoints/${endpointId}/deliveries`)) as {
    items: { id: string }[];
  };
  const deliveryId = items[0]?.id;
  if (!deliveryId) throw new Error(`no delivery for ${endpointId}`);
  return { endpointId, deliveryId };
}

/** Per operation: what it needs first (not counted), then the operation itself (counted). */
export const OPERATIONS: Record<string, (api: ApiEnvironment) => Promise<Prepared>> = {
  'register-payment': async () => ({
    ids: none,
    run: async (api) => ({ txId: (await ok(api, 'POST', '/payments', order())).id as string }),
  }),
  'get-payment': onPayment(registered, 'GET', (id) => `/payments/${id}`),
  'get-payment (sync, paid)': async (api) => {
    const txId = await registered(api);
    api.sandbox.pay(txId, 'approve');
    return {
      ids: { txId },
      run: (a) => ok(a, 'GET', `/payments/${txId}?sync=true`).then(() => none),
    };
  },
  'capture-payment': onPayment(
    (api) => paid(api, 'preauth'),
    'POST',
    (id) => `/payments/${id}/capture`,
    {
      amount: { value: '10.00', currency: 'USD' },
    },
  ),
  'cancel-payment': onPayment(paid, 'POST', (id) => `/payments/${id}/cancel`, {}),
  'refund-payment': onPayment(paid, 'POST', (id) => `/payments/${id}/refund`, {}),
  'list-transactions': async () => ({
    ids: none,
    run: (api) => {
      const day = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
      return ok(api, 'GET', `/transactions?from=${day}&to=${day}`).then(() => none);
    },
  }),
  'payon push (webhook + confirmation)': async (api) => {
    const txId = await registered(api);
    api.sandbox.pay(txId, 'approve');
    return {
      ids: { txId },
      run: async (a) => {
        const response = await a.push({ txId, resultCode: '0000', resultMsg: 'Success' });
        if (response.status !== 200) throw new Error(`push answered ${response.status}`);
        await a.settle();
        return none;
      },
    };
  },
  /**
   * One payment's whole life as a checkout makes it (the cost of a million payments): register,
   * PAYON's push and its confirmation, the result page's `sync=true` read of the paid payment.
   */
  'payment life (register, push, confirmation, result page)': async () => ({
    ids: none,
    run: async (api) => {
      const txId = await registered(api);
      api.sandbox.pay(txId, 'approve');
      const response = await api.push({ txId, resultCode: '0000', resultMsg: 'Success' });
      if (response.status !== 200) throw new Error(`push answered ${response.status}`);
      await api.settle();
      await ok(api, 'GET', `/payments/${txId}?sync=true`);
      return { txId };
    },
  }),
  'list-payment-events': onPayment(paid, 'GET', (id) => `/payments/${id}/events`),
  'create-webhook-endpoint': async () => ({
    ids: none,
    run: async (api) => ({ endpointId: await endpoint(api) }),
  }),
  'list-webhook-endpoints': async (api) => {
    await endpoint(api);
    return { ids: none, run: (a) => ok(a, 'GET', '/webhook-endpoints').then(() => none) };
  },
  'get-webhook-endpoint': onEndpoint('GET', (id) => `/webhook-endpoints/${id}`),
  'delete-webhook-endpoint': onEndpoint('DELETE', (id) => `/webhook-endpoints/${id}`),
  'enable-webhook-endpoint': onEndpoint('POST', (id) => `/webhook-endpoints/${id}/enable`),
  'rotate-webhook-secret': onEndpoint('POST', (id) => `/webhook-endpoints/${id}/rotate-secret`),
  'list-webhook-deliveries': async (api) => {
    const { endpointId } = await delivered(api);
    return {
      ids: { endpointId },
      run: (a) => ok(a, 'GET', `/webhook-endpoints/${endpointId}/deliveries`).then(() => none),
    };
  },
  'resend-webhook-delivery': async (api) => {
    const ids = await delivered(api);
    return {
      ids,
      run: (a) =>
        ok(
          a,
          'POST',
          `/webhook-endpoints/${ids.endpointId}/deliveries/${ids.deliveryId}/resend`,
        ).then(() => none),
    };
  },
  'create-binding': async () => {
    const clientId = customer();
    return { ids: { clientId }, run: (api) => bind(api, clientId).then(() => none) };
  },
  'list-bindings': onCustomer('GET', (c) => `/customers/${c}/bindings`),
  'create-binding-pin': onCustomer(
    'POST',
    (c) => `/customers/${c}/pin`,
    () => ({
      pin: '482916',
      requestedAt: fresh(),
    }),
  ),
  'set-pin-verification': onCustomer(
    'POST',
    (c) => `/customers/${c}/pin-verification`,
    () => ({
      enabled: true,
      requestedAt: fresh(),
    }),
  ),
  'unbind-binding': onCustomer(
    'POST',
    (c, b) => `/customers/${c}/bindings/${b}/unbind`,
    () => ({
      requestedAt: fresh(),
    }),
  ),
};

/**
 * Operations counted (I/O budgets, cost) but not replayed by the bench's overhead measure, which
 * prepares two twins for each of its 80 rounds: the payment life (its parts are operations of their
 * own), and the webhook endpoint routes, since a merchant has at most 16 endpoints
 * (MAX_ENDPOINTS) and an endpoint's id is drawn by the handler, so no twin can take the replay.
 */
export const COUNTED_ONLY: ReadonlySet<string> = new Set([
  'payment life (register, push, confirmation, result page)',
  'create-webhook-endpoint',
  'list-webhook-endpoints',
  'get-webhook-endpoint',
  'delete-webhook-endpoint',
  'enable-webhook-endpoint',
  'rotate-webhook-secret',
  'list-webhook-deliveries',
  'resend-webhook-delivery',
]);

/** Runs every operation cold, then warm, counting each. */
export async function measureOperations(api: ApiEnvironment): Promise<Record<string, OperationIo>> {
  const results: Record<string, OperationIo> = {};
  for (const [name, prepare] of Object.entries(OPERATIONS)) {
    const measure = async (cold: boolean) => {
      const { run } = await prepare(api);
      if (cold) api.coldStart();
      api.io.reset();
      await run(api);
      return api.io.read();
    };
    const cold = await measure(true);
    const warm = await measure(false);
    results[name] = { cold, warm };
  }
  return results;
}

/** Totals of one count: PAYON calls, AWS commands per service. */
export function totals(count: IoCount) {
  const by = (prefix: string) =>
    Object.entries(count.aws)
      .filter(([k]) => k.startsWith(prefix))
      .reduce((sum, [, n]) => sum + n, 0);
  return {
    payon: Object.values(count.payon).reduce((a, b) => a + b, 0),
    dynamodb: by('dynamodb:'),
    secretsmanager: by('secretsmanager:'),
    eventbridge: by('eventbridge:'),
    sqs: by('sqs:'),
    kms: by('kms:'),
    /** DynamoDB write and read request units (tables and indexes, transactions twice). */
    writeUnits: count.units.write,
    readUnits: count.units.read,
  };
}
