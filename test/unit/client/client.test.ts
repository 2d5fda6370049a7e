import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import { describe, expect, it } from 'vitest';
import { PayonServerlessClient, PayonServerlessError } from '#client/index.ts';
import { ROUTES } from '#functions/index.ts';

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

function fakeApi(answers: (Response | Error)[]) {
  const seen: Seen[] = [];
  const sleeps: number[] = [];
  const client = new PayonServerlessClient({
    baseUrl: 'https://api.example.com/prod/',
    token: () => 'jwt-1',
    fetch: async (input, init) => {
      seen.push({
        method: init?.method ?? 'GET',
        url: String(input),
        headers: init?.headers as Record<string, string>,
        body: init?.body ? JSON.parse(String(init.body)) : undefined,
      });
      const next = answers.shift() ?? new Response('{}', { status: 200 });
      if (next instanceof Error) throw next;
      return next;
    },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { client, seen, sleeps };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

const order = {
  amount: { value: '12.50', currency: 'USD' as const },
  paymentMethod: 'CREDIT_DEBIT' as const,
  returnUrl: 'https://shop.example.com/done',
};

describe('the typed client', () => {
  it('retries a money move with the same Idempotency-Key: a network error, a 503, a 409 in progress', async () => {
    const { client, seen, sleeps } = fakeApi([
      new TypeError('fetch failed'),
      json(503, { error: { code: 'payon_unavailable', message: 'x' } }),
      json(409, { error: { code: 'request_in_progress', message: 'x' } }, { 'retry-after': '2' }),
      json(201, { id: '1795000000000017', state: 'PENDING' }),
    ]);
    const payment = await client.createPayment(order);
    expect(payment.id).toBe('1795000000000017');
    expect(seen).toHaveLength(4);
    const keys = new Set(seen.map((s) => s.headers['idempotency-key']));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen.every((s) => s.headers.authorization === 'Bearer jwt-1')).toBe(true);
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: 'https://api.example.com/prod/payments',
      body: order,
    });
    expect(sleeps).toEqual([250, 500, 2_000]);
  });

  it('never retries what the request itself must change (422, 400, a state conflict)', async () => {
    for (const [status, code] of [
      [422, 'payon_rejected'],
      [400, 'invalid_request'],
      [409, 'payment_state_conflict'],
    ] as const) {
      const { client, seen } = fakeApi([json(status, { error: { code, message: 'no' } })]);
      const error = await client.refundPayment('1795000000000017').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PayonServerlessError);
      expect(error).toMatchObject({ status, code });
      expect(seen).toHaveLength(1);
    }
  });

  it('gives up after its retries (3), with the last answer, still one key', async () => {
    const unknown = () => json(504, { error: { code: 'outcome_unknown', message: 'unknown' } });
    const { client, seen } = fakeApi([unknown(), unknown(), unknown(), unknown(), json(200, {})]);
    await expect(client.cancelPayment('1795000000000017')).rejects.toMatchObject({
      status: 504,
      code: 'outcome_unknown',
    });
    expect(seen).toHaveLength(4);
    expect(new Set(seen.map((s) => s.headers['idempotency-key'])).size).toBe(1);
  });

  it('calls exactly the routes of the route table (each method once)', async () => {
    const { client, seen } = fakeApi([]);
    await client.createPayment(order);
    await client.listPayments({ state: 'UNKNOWN,PENDING', needsAttention: 'true', limit: 50 });
    await client.getPayment('1795000000000017', { sync: 'true' });
    await client.listPaymentEvents('1795000000000017');
    await client.capturePayment('1795000000000017', { amount: { value: '1.00', currency: 'USD' } });
    await client.cancelPayment('1795000000000017');
    await client.refundPayment('1795000000000017');
    await client.listTransactions({ from: '2026-11-01', to: '2026-11-02' });
    await client.createBinding('cust-1', {
      card: { number: '4111111111111111', expiry: '2030-12' },
    });
    await client.listBindings('cust-1');
    await client.unbind('cust-1', 'b-1');
    await client.createPin('cust-1', { pin: '482916' });
    await client.setPinVerification('cust-1', { enabled: false });
    await client.startReconciliation({ day: '2026-11-21' });
    await client.getReconciliation('2026-11-21');
    await client.listReconciliationExceptions('2026-11-21', { limit: 10 });
    await client.createWebhookEndpoint({ url: 'https://shop.example.com/h', events: ['*'] });
    await client.listWebhookEndpoints();
    await client.getWebhookEndpoint('we_AAAAAAAAAAAAAAAAAAAA');
    await client.deleteWebhookEndpoint('we_AAAAAAAAAAAAAAAAAAAA');
    await client.rotateWebhookSecret('we_AAAAAAAAAAAAAAAAAAAA');
    await client.enableWebhookEndpoint('we_AAAAAAAAAAAAAAAAAAAA');
    await client.listWebhookDeliveries('we_AAAAAAAAAAAAAAAAAAAA', { state: 'failed', limit: 5 });
    await client.resendWebhookDelivery(
      'we_AAAAAAAAAAAAAAAAAAAA',
      'dlv_20261203021512345_6f1c2a9b0d3e4f58',
    );
    const called = seen.map((s) => {
      const path = new URL(s.url).pathname.replace('/prod', '');
      const route = ROUTES.find(
        (r) =>
          r.method === s.method &&
          new RegExp(`^${r.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
      );
      return route ? `${route.method} ${route.path}` : `unrouted ${s.method} ${path}`;
    });
    const merchantRoutes = ROUTES.filter((r) => r.access === 'merchant').map(
      (r) => `${r.method} ${r.path}`,
    );
    expect(called.sort()).toEqual(merchantRoutes.sort());
    // Binding and PIN calls carry the request time for the server's freshness check.
    for (const s of seen.filter((x) => x.url.includes('/customers/') && x.method === 'POST')) {
      expect((s.body as { requestedAt: string }).requestedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
  });

  it('compiles against types generated from openapi.json', async () => {
    const dir = new URL('../../../.tmp/client-check/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    const spec = JSON.parse(
      readFileSync(new URL('../../../openapi.json', import.meta.url), 'utf8'),
    );
    writeFileSync(new URL('openapi.d.ts', dir), astToString(await openapiTS(spec)));
    writeFileSync(
      new URL('check.ts', dir),
      `import type { paths } from './openapi.d.ts';
import type * as C from '../../client/index.ts';
type Json<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
} ? B : never;
type Query<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  parameters: { query?: infer Q };
} ? NonNullable<Q> : never;
// What the client sends must be what the document accepts.
export const checks: [
  Json<'/payments', 'post'>,
  Json<'/payments/{id}/capture', 'post'>,
  Json<'/payments/{id}/refund', 'post'>,
  Json<'/customers/{clientId}/bindings', 'post'>,
  Json<'/customers/{clientId}/pin', 'post'>,
  Json<'/customers/{clientId}/pin-verification', 'post'>,
  Json<'/reconciliations', 'post'>,
  Json<'/webhook-endpoints', 'post'>,
  Query<'/transactions', 'get'>,
  Query<'/payments/{id}', 'get'>,
  Query<'/reconciliations/{day}/exceptions', 'get'>,
  Query<'/webhook-endpoints/{id}/deliveries', 'get'>,
] = [
  {} as C.CreatePaymentRequest,
  {} as C.CaptureRequest,
  {} as C.RefundRequest,
  {} as C.CreateBindingRequest & { requestedAt: string },
  {} as C.CreatePinRequest & { requestedAt: string },
  {} as C.SetPinVerificationRequest & { requestedAt: string },
  {} as C.StartReconciliationRequest,
  {} as C.CreateWebhookEndpointRequest,
  {} as C.ListTransactionsQuery,
  {} as C.GetPaymentQuery,
  {} as C.ListExceptionsQuery,
  {} as C.ListWebhookDeliveriesQuery,
];
`,
    );
    writeFileSync(
      new URL('tsconfig.json', dir),
      JSON.stringify({
        extends: '../../tsconfig.json',
        // On the wire an absent field and an undefined one are the same JSON.
        compilerOptions: { noEmit: true, noUnusedLocals: false, exactOptionalPropertyTypes: false },
        include: ['check.ts', 'openapi.d.ts'],
      }),
    );
    const tsc = new URL('../../../node_modules/typescript/bin/tsc', import.meta.url).pathname;
    const run = await promisify(execFile)(
      'node',
      [tsc, '-p', new URL('tsconfig.json', dir).pathname],
      {
        encoding: 'utf8',
      },
    ).catch((e: { stdout: string }) => ({ stdout: e.stdout }));
    expect(run.stdout).toBe('');
  }, 60_000);
});
