/**
 * Test helpers for the PAYON sandbox: signed requests built here with node:crypto (not the
 * product's crypto), a local push receiver, form posts without a browser, and journal polling.
 */
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  JournalEntry,
  PushEntry,
  Sandbox,
  SandboxOptions,
} from '#local/payon-sandbox/index.ts';
import { startSandbox } from '#local/payon-sandbox/index.ts';
import type { OrderRegisterResultData, WrappedResponse } from '#local/payon-sandbox/wire.ts';

export const MERCHANT_ID = 'C0000143';
export const TERM_ID = 'CT03000003';
export const API_KEY = 'sandbox-api-key';

/** Starts a quiet sandbox on a free port with a fixed seed. */
export function startTestSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({ port: 0, log: false, seed: 20240601, ...options });
}

let counter = 0;
/** A txId unique within the test run, shaped like the product's (16 digits). */
export function newTxId(): string {
  counter += 1;
  return `${Date.now()}${String(counter % 1000).padStart(3, '0')}`;
}

/** The canonical string of the decided sign rule, written independently for the tests. */
export function canonical(body: Record<string, unknown>): string {
  return Object.keys(body)
    .filter((name) => name !== 'sign')
    .sort()
    .flatMap((name) => {
      const value = body[name];
      if (value === undefined || value === null || value === '') return [];
      return [`${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`];
    })
    .join('&');
}

export function signed(body: Record<string, unknown>, key = API_KEY): Record<string, unknown> {
  return { ...body, sign: createHmac('sha256', key).update(canonical(body), 'utf8').digest('hex') };
}

export interface PgAnswer {
  status: number;
  text: string;
  headers: Headers;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export async function post(
  url: string,
  body: unknown,
  init: { headers?: Record<string, string>; raw?: string; signal?: AbortSignal } = {},
): Promise<PgAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: init.raw ?? JSON.stringify(body),
    redirect: 'manual',
    ...(init.signal ? { signal: init.signal } : {}),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, headers: response.headers, json };
}

/** POSTs a signed body (merchant and terminal filled in) to a /pg path. */
export function pg(
  sandbox: Sandbox,
  path: string,
  fields: Record<string, unknown>,
  init: { headers?: Record<string, string>; key?: string; unsigned?: boolean } = {},
): Promise<PgAnswer> {
  const body = { merchantId: MERCHANT_ID, termId: TERM_ID, ...fields };
  return post(`${sandbox.url}${path}`, init.unsigned ? body : signed(body, init.key), {
    ...(init.headers ? { headers: init.headers } : {}),
  });
}

export async function registerOrder(
  sandbox: Sandbox,
  fields: Record<string, unknown> = {},
): Promise<{ txId: string; data: OrderRegisterResultData }> {
  const txId = newTxId();
  const answer = await pg(sandbox, '/pg/order/register', {
    txId,
    trt: '10',
    currency: 'USD',
    amount: '10.00',
    paymentMethod: 'CREDIT_DEBIT',
    ...fields,
  });
  const body = answer.json as WrappedResponse<OrderRegisterResultData>;
  if (answer.status !== 200 || body.resultCode !== '0000' || !body.resultData) {
    throw new Error(`registration failed: ${answer.status} ${answer.text}`);
  }
  return { txId: body.resultData.txId, data: body.resultData };
}

/** Registers and pays an order through the admin API. */
export async function paidOrder(
  sandbox: Sandbox,
  fields: Record<string, unknown> = {},
  outcome: 'approve' | 'decline' | 'insufficient_funds' = 'approve',
): Promise<string> {
  const { txId } = await registerOrder(sandbox, fields);
  sandbox.pay(txId, outcome);
  return txId;
}

/** `yyyyMMdd` (a txDt) as the orders list's `ddMMyyyy`. */
export function ordersDate(txDt: string): string {
  return `${txDt.slice(6, 8)}${txDt.slice(4, 6)}${txDt.slice(0, 4)}`;
}

/** The orders-list rows of one txId (tracNo), read from the list of its registration day. */
export async function orderRowsOf(
  sandbox: Sandbox,
  txId: string,
): Promise<Array<Record<string, unknown>>> {
  const txDt = sandbox.transaction(txId)?.txDt;
  if (!txDt) throw new Error(`no payment ${txId} in the sandbox`);
  const answer = await pg(sandbox, '/pg/orders', {
    fromDate: ordersDate(txDt),
    toDate: ordersDate(txDt),
    index: 1,
    limit: 1000,
  });
  if (!Array.isArray(answer.json))
    throw new Error(`orders failed: ${answer.status} ${answer.text}`);
  return (answer.json as Array<Record<string, unknown>>).filter((row) => row.tracNo === txId);
}

/** POSTs an HTML form (application/x-www-form-urlencoded) without following redirects. */
export async function postForm(
  url: string,
  fields: Record<string, string>,
): Promise<{ status: number; location: string | null; html: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  return {
    status: response.status,
    location: response.headers.get('location'),
    html: await response.text(),
  };
}

export async function getPage(url: string): Promise<{ status: number; html: string }> {
  const response = await fetch(url, { redirect: 'manual' });
  return { status: response.status, html: await response.text() };
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined, timeoutMs = 5_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Pushes recorded in the journal (optionally for one txId). */
export function pushes(sandbox: Sandbox, txId?: string): PushEntry[] {
  return sandbox.journal
    .all()
    .filter((e: JournalEntry): e is PushEntry => e.kind === 'push')
    .filter((e) => txId === undefined || (e.body as { txId?: string }).txId === txId);
}

export interface Receiver {
  url: string;
  received: Array<{ path: string; body: unknown }>;
  stop(): Promise<void>;
}

/** A merchant notification endpoint on loopback that records every push. */
export async function startReceiver(): Promise<Receiver> {
  const received: Receiver['received'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep the text
      }
      received.push({ path: req.url ?? '/', body });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('OK');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/payon/notify`,
    received,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
