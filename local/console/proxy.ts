/**
 * `npm run console`: the operator console against a deployed API. A local server on 127.0.0.1
 * serves the console's files and forwards the console's calls to the stage's API Gateway, each
 * with the credentials its route takes in AWS (infra/payments.ts): operator routes always IAM
 * (SigV4, service `execute-api`), merchant routes IAM too when the stack's `auth` is `iam`, or the
 * merchant's JWT as a bearer token when it is `jwt`. The operator's AWS credentials stay in this
 * process (the default provider chain: a profile, SSO, environment); the browser never holds them,
 * and the API needs no CORS for the console. Only the API's merchant and operator routes are
 * forwarded; PAYON's and the customers' routes are not.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import { ROUTES } from '#functions/index.ts';
import { matchRoute } from '#local/runtime/apigw.ts';
import { consoleFiles } from '#local/runtime/statics.ts';
import { SECURITY_HEADERS } from '#shared/http/responses.ts';

/** AWS credentials as the SDK's providers give them. */
export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

export interface ConsoleProxyOptions {
  /** The stack output `ApiUrl`, e.g. `https://abc123.execute-api.ap-southeast-1.amazonaws.com`. */
  readonly api: string;
  /** The stack's `auth` (output `AuthMode`): how the merchant routes are called. */
  readonly auth: 'iam' | 'jwt';
  /** With `jwt`: the merchant routes' bearer token (a JWT your issuer gave the operator). */
  readonly jwt?: string | undefined;
  /** The API's region (SigV4 scope); read from the API's host name when left out. */
  readonly region?: string | undefined;
  /** The operator's AWS credentials (a provider: refreshed as the chain refreshes them). */
  readonly credentials: () => Promise<Credentials>;
  /** 0: any free port. */
  readonly port: number;
  /** What upstream calls go through (tests record them). */
  readonly fetch?: typeof fetch;
}

export interface ConsoleProxy {
  readonly url: string;
  close(): Promise<void>;
}

/** A start-up problem the operator can fix, printed as one line. */
export class ConsoleProxyError extends Error {
  override readonly name = 'ConsoleProxyError';
}

/** What the signer hashes: text or bytes (the SDK's `SourceData`). */
type Source = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: Source): string | Uint8Array =>
  typeof data === 'string'
    ? data
    : data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

/** node:crypto as the signer's SHA-256 (and HMAC-SHA256 when given a secret). */
class Sha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: Source) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined
      ? createHash('sha256')
      : createHmac('sha256', bytes(this.secret));
  }
  update(data: Source): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

/** The region of an `execute-api` host name (`abc.execute-api.<region>.amazonaws.com`). */
export function regionOf(api: URL): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(api.hostname)?.[1];
}

/** Headers the console sends that go on to the API; everything else stays here. */
const FORWARDED_REQUEST = ['accept', 'content-type', 'idempotency-key'];
/** Headers of the API's answer that go back to the console. */
const FORWARDED_ANSWER = [
  'content-type',
  'content-disposition',
  'idempotent-replayed',
  'retry-after',
  'location',
  'x-next-cursor',
  'link',
];

function reply(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    ...headers,
    'content-length': String(Buffer.byteLength(body)),
  });
  res.end(body);
}

const refusal = (res: ServerResponse, status: number, code: string, message: string) =>
  reply(res, status, JSON.stringify({ error: { code, message } }));

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1024 * 1024) throw new Error('too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startConsoleProxy(options: ConsoleProxyOptions): Promise<ConsoleProxy> {
  let api: URL;
  try {
    api = new URL(options.api);
  } catch {
    throw new ConsoleProxyError(`--api must be the stack's ApiUrl (got "${options.api}")`);
  }
  if (api.protocol !== 'https:' && api.hostname !== '127.0.0.1' && api.hostname !== 'localhost') {
    throw new ConsoleProxyError('--api must be https (the stack output ApiUrl)');
  }
  const region = options.region ?? regionOf(api);
  if (!region) {
    throw new ConsoleProxyError(
      `the API's region cannot be read from ${api.hostname}: give --region (the stack's region)`,
    );
  }
  if (options.auth === 'jwt' && !options.jwt) {
    throw new ConsoleProxyError(
      'auth jwt: set CONSOLE_JWT to a token your issuer gives the operator (merchant routes take it); operator routes are signed with your AWS credentials',
    );
  }
  const signer = new SignatureV4({
    service: 'execute-api',
    region,
    credentials: options.credentials,
    sha256: Sha256,
  });
  const send = options.fetch ?? fetch;
  const files = consoleFiles();
  const base = api.pathname.replace(/\/$/, '');

  let self = '';
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    // Only this machine's own pages: another site in the operator's browser must not drive the
    // proxy (its requests carry the operator's credentials), nor a rebound host name reach it.
    if (req.headers.host !== new URL(self).host) {
      return refusal(res, 421, 'wrong_host', 'use the address npm run console printed');
    }
    const origin = req.headers.origin;
    const site = req.headers['sec-fetch-site'];
    if (
      (origin !== undefined && origin !== self) ||
      (typeof site === 'string' && site !== 'same-origin' && site !== 'none') ||
      (method !== 'GET' && origin === undefined)
    ) {
      return refusal(res, 403, 'forbidden', 'only the console served here may call the API');
    }
    const file = method === 'GET' ? files.get(url.pathname) : undefined;
    if (file) {
      return reply(res, 200, file.body, {
        'content-type': file.contentType,
        ...(file.csp ? { 'content-security-policy': file.csp } : {}),
      });
    }
    if (method === 'GET' && url.pathname === '/console/connection.json') {
      return reply(
        res,
        200,
        JSON.stringify({ api: api.origin + base, auth: options.auth, region }),
      );
    }
    const route = ROUTES.find(
      (r) =>
        r.method === method &&
        (r.access === 'merchant' || r.access === 'operator') &&
        matchRoute(r.path, url.pathname) !== undefined,
    );
    if (!route) {
      return refusal(res, 404, 'not_found', 'the console forwards only the API routes it uses');
    }
    const body = method === 'GET' ? '' : await readBody(req);
    const headers: Record<string, string> = { host: api.host };
    for (const name of FORWARDED_REQUEST) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const query: Record<string, string | string[]> = {};
    for (const key of new Set(url.searchParams.keys())) {
      const values = url.searchParams.getAll(key);
      query[key] = values.length === 1 ? (values[0] ?? '') : values;
    }
    const iam = route.access === 'operator' || options.auth === 'iam';
    if (!iam) headers.authorization = `Bearer ${options.jwt ?? ''}`;
    const request = {
      method,
      protocol: api.protocol,
      hostname: api.hostname,
      ...(api.port ? { port: Number(api.port) } : {}),
      path: `${base}${url.pathname}`,
      query,
      headers,
      ...(body === '' ? {} : { body }),
    };
    let signed: { headers: Record<string, string> };
    try {
      signed = iam ? await signer.sign(request) : request;
    } catch (error) {
      return refusal(
        res,
        503,
        'no_credentials',
        `no AWS credentials to sign with (${error instanceof Error ? error.message : 'unknown'}): set AWS_PROFILE or log in (aws sso login)`,
      );
    }
    const { host: _host, ...outgoing } = signed.headers;
    const answer = await send(`${api.origin}${base}${url.pathname}${url.search}`, {
      method,
      headers: outgoing,
      redirect: 'manual',
      ...(body === '' ? {} : { body }),
    });
    const back: Record<string, string> = {};
    for (const name of FORWARDED_ANSWER) {
      const value = answer.headers.get(name);
      if (value !== null) back[name] = value;
    }
    reply(res, answer.status, await answer.text(), back);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) refusal(res, 502, 'upstream_failed', 'the API could not be reached');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  self = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: self,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
