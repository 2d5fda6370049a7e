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

type Step = (api: ApiEnvironment) => Promise<void>;

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

async function paid(api: ApiEnvironment, kind: 'purchase' | 'preauth' = 'purchase') {
  const { id } = (await ok(api, 'POST', '/payments', order(kind))) as { id: string };
  api.sandbox.pay(id, 'approve');
  await ok(api, 'GET', `/payments/${id}?sync=true`);
  return id;
}

const fresh = () => new Date().toISOString();
const customer = () => `io-${randomUUID().slice(0, 8)}`;
async function bound(api: ApiEnvironment) {
  const clientId = customer();
  const { binding } = (await ok(api, 'POST', `/customers/${clientId}/bindings`, {
    card: { number: '4111111111111111', cvv: '123', expiry: '2030-12' },
    requestedAt: fresh(),
  })) as { binding: { id: string } };
  return { clientId, bindingId: binding.id };
}

/** Per operation: what it needs first (not counted), then the operation itself (counted). */
export const OPERATIONS: Record<string, (api: ApiEnvironment) => Promise<Step>> = {
  'register-payment': async () => (api) =>
    ok(api, 'POST', '/payments', order()).then(() => undefined),
  'get-payment': async (api) => {
    const { id } = (await ok(api, 'POST', '/payments', order())) as { id: string };
    return (a) => ok(a, 'GET', `/payments/${id}`).then(() => undefined);
  },
  'get-payment (sync, paid)': async (api) => {
    const { id } = (await ok(api, 'POST', '/payments', order())) as { id: string };
    api.sandbox.pay(id, 'approve');
    return (a) => ok(a, 'GET', `/payments/${id}?sync=true`).then(() => undefined);
  },
  'capture-payment': async (api) => {
    const id = await paid(api, 'preauth');
    return (a) =>
      ok(a, 'POST', `/payments/${id}/capture`, {
        amount: { value: '10.00', currency: 'USD' },
      }).then(() => undefined);
  },
  'cancel-payment': async (api) => {
    const id = await paid(api);
    return (a) => ok(a, 'POST', `/payments/${id}/cancel`, {}).then(() => undefined);
  },
  'refund-payment': async (api) => {
    const id = await paid(api);
    return (a) => ok(a, 'POST', `/payments/${id}/refund`, {}).then(() => undefined);
  },
  'list-transactions': async () => (api) => {
    const day = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    return ok(api, 'GET', `/transactions?from=${day}&to=${day}`).then(() => undefined);
  },
  'payon push (webhook + confirmation)': async (api) => {
    const { id } = (await ok(api, 'POST', '/payments', order())) as { id: string };
    api.sandbox.pay(id, 'approve');
    return async (a) => {
      const response = await a.push({ txId: id, resultCode: '0000', resultMsg: 'Success' });
      if (response.status !== 200) throw new Error(`push answered ${response.status}`);
      await a.settle();
    };
  },
  'create-binding': async () => async (api) => {
    await bound(api);
  },
  'list-bindings': async (api) => {
    const { clientId } = await bound(api);
    return (a) => ok(a, 'GET', `/customers/${clientId}/bindings`).then(() => undefined);
  },
  'create-binding-pin': async (api) => {
    const { clientId } = await bound(api);
    return (a) =>
      ok(a, 'POST', `/customers/${clientId}/pin`, { pin: '482916', requestedAt: fresh() }).then(
        () => undefined,
      );
  },
  'set-pin-verification': async (api) => {
    const { clientId } = await bound(api);
    return (a) =>
      ok(a, 'POST', `/customers/${clientId}/pin-verification`, {
        enabled: true,
        requestedAt: fresh(),
      }).then(() => undefined);
  },
  'unbind-binding': async (api) => {
    const { clientId, bindingId } = await bound(api);
    return (a) =>
      ok(a, 'POST', `/customers/${clientId}/bindings/${bindingId}/unbind`, {
        requestedAt: fresh(),
      }).then(() => undefined);
  },
};

/** Runs every operation cold, then warm, counting each. */
export async function measureOperations(api: ApiEnvironment): Promise<Record<string, OperationIo>> {
  const results: Record<string, OperationIo> = {};
  for (const [name, prepare] of Object.entries(OPERATIONS)) {
    const measure = async (cold: boolean) => {
      const run = await prepare(api);
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
  };
}
