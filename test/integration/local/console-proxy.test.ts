import { createHash, createHmac } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type ConsoleProxy,
  ConsoleProxyError,
  regionOf,
  startConsoleProxy,
} from '#local/console/proxy.ts';

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const credentials = async () => ({
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: SECRET,
  sessionToken: 'operator-session-token',
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const hmac = (key: string | Buffer, text: string) =>
  createHmac('sha256', key).update(text).digest();
const rfc3986 = (text: string) =>
  encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/**
 * Checks a request's SigV4 signature as API Gateway does (AWS's documented algorithm, written here
 * apart from the signer the proxy uses): the canonical request from what the API received.
 */
function sigV4(received: Received, secret: string) {
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      received.headers.authorization ?? '',
    );
  if (!match) return undefined;
  const [, accessKeyId, day = '', region = '', service = '', signedHeaders = '', signature] = match;
  const url = new URL(received.url, 'http://api');
  const path = url.pathname
    .split('/')
    .map((segment) => rfc3986(decodeURIComponent(segment)))
    .join('/');
  const query = [...url.searchParams]
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
    .sort()
    .join('&');
  const headers = signedHeaders
    .split(';')
    .map((name) => `${name}:${(received.headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonical = [
    received.method,
    path,
    query,
    headers,
    signedHeaders,
    sha256(received.body),
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = [
    'AWS4-HMAC-SHA256',
    received.headers['x-amz-date'],
    scope,
    sha256(canonical),
  ].join('\n');
  const key = ['aws4_request'].reduce(
    (k, part) => hmac(k, part),
    hmac(hmac(hmac(`AWS4${secret}`, day), region), service),
  );
  return {
    accessKeyId,
    region,
    service,
    signedHeaders: signedHeaders.split(';'),
    valid: hmac(key, toSign).toString('hex') === signature,
  };
}

// `npm run console` against a deployed stage: the proxy signs for the operator, and only for the
// console. The "API" here records exactly what it received.
describe('the console proxy (npm run console)', () => {
  let api: Server;
  let apiUrl: string;
  const received: Received[] = [];
  let jwtProxy: ConsoleProxy;
  let iamProxy: ConsoleProxy;

  beforeAll(async () => {
    api = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) headers[k] = String(v);
        received.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        if (req.url?.includes('format=csv')) {
          res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8', 'x-next-cursor': 'abc' });
          res.end('txId,difference\n1795000000000017,rejected\n');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': 'r-1' });
        res.end(JSON.stringify({ answered: req.url }));
      });
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    const common = { api: apiUrl, region: 'ap-southeast-1', credentials, port: 0 };
    jwtProxy = await startConsoleProxy({ ...common, auth: 'jwt', jwt: 'merchant.jwt.token' });
    iamProxy = await startConsoleProxy({ ...common, auth: 'iam' });
  });
  afterAll(async () => {
    await jwtProxy?.close();
    await iamProxy?.close();
    api?.closeAllConnections();
    await new Promise((resolve) => api?.close(resolve));
  });
  beforeEach(() => {
    received.length = 0;
  });

  it('signs an operator route with SigV4 for execute-api with the session token, and forwards the body and Idempotency-Key', async () => {
    // Prepare
    const body = JSON.stringify({ outcome: 'did_not_happen', reason: 'checked with PAYON' });
    // Act
    const answer = await fetch(`${jwtProxy.url}/payments/1795000000000017/resolve`, {
      method: 'POST',
      headers: {
        origin: jwtProxy.url,
        'content-type': 'application/json',
        'idempotency-key': 'key-1',
        cookie: 'session=never-forwarded',
      },
      body,
    });
    // Assess
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ answered: '/payments/1795000000000017/resolve' });
    expect(received).toHaveLength(1);
    const [call] = received;
    expect(call).toMatchObject({ method: 'POST', url: '/payments/1795000000000017/resolve', body });
    expect(call?.headers).toMatchObject({
      'idempotency-key': 'key-1',
      'content-type': 'application/json',
      'x-amz-security-token': 'operator-session-token',
    });
    expect(call?.headers).not.toHaveProperty('cookie');
    expect(call?.headers).not.toHaveProperty('origin');
    const signature = call && sigV4(call, SECRET);
    expect(signature).toMatchObject({
      accessKeyId: 'AKIDEXAMPLE',
      region: 'ap-southeast-1',
      service: 'execute-api',
      valid: true,
    });
    expect(signature?.signedHeaders).toEqual(
      expect.arrayContaining(['host', 'x-amz-date', 'x-amz-security-token', 'idempotency-key']),
    );
    // The same request checked with another secret does not verify: the check can fail.
    expect(call && sigV4(call, 'another-secret')?.valid).toBe(false);
  });

  it('sends a merchant route the JWT as a bearer token with auth jwt, and signs it with auth iam', async () => {
    const query = '/payments?state=UNKNOWN,PENDING&needsAttention=true&reference=a%20b';
    await fetch(`${jwtProxy.url}${query}`);
    await fetch(`${iamProxy.url}${query}`);

    const [asJwt, asIam] = received;
    expect(asJwt?.url).toBe(query);
    expect(asJwt?.headers.authorization).toBe('Bearer merchant.jwt.token');
    expect(asJwt?.headers).not.toHaveProperty('x-amz-date');
    expect(asIam?.url).toBe(query);
    expect(asIam && sigV4(asIam, SECRET)?.valid).toBe(true);
  });

  it('passes the CSV and its paging header back, and nothing of the API it was not asked for', async () => {
    const answer = await fetch(
      `${iamProxy.url}/reconciliations/2026-12-01/exceptions?format=csv&limit=1000`,
    );
    expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(answer.headers.get('x-next-cursor')).toBe('abc');
    expect(answer.headers.get('x-amzn-requestid')).toBeNull();
    expect(await answer.text()).toContain('1795000000000017,rejected');
  });

  it('refuses other sites, other host names and routes that are not merchant or operator routes; the API hears nothing', async () => {
    const post = (origin?: string) =>
      fetch(`${jwtProxy.url}/payments/1795000000000017/resolve`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}) },
        body: '{}',
      });
    expect((await post('https://evil.example')).status).toBe(403);
    expect((await post()).status).toBe(403);
    const crossSite = await fetch(`${jwtProxy.url}/payments`, {
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(crossSite.status).toBe(403);
    expect((await fetch(`${jwtProxy.url}/return?txId=1795000000000017`)).status).toBe(404);
    expect(
      (
        await fetch(`${jwtProxy.url}/payon/notifications/token`, {
          method: 'POST',
          headers: { origin: jwtProxy.url },
          body: '{}',
        })
      ).status,
    ).toBe(404);
    const rebound = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        `${jwtProxy.url}/payments`,
        { headers: { host: 'rebound.example:80' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(rebound).toBe(421);
    expect(received).toEqual([]);
  });

  it("serves the console under the pages' policy, and says which API it is connected to", async () => {
    const page = await fetch(`${iamProxy.url}/console/`);
    expect(await page.text()).toContain('<script type="module" src="/console/console.js">');
    expect(page.headers.get('content-security-policy')).toContain(
      "require-trusted-types-for 'script'",
    );
    expect(await (await fetch(`${iamProxy.url}/console/connection.json`)).json()).toEqual({
      api: apiUrl,
      auth: 'iam',
      region: 'ap-southeast-1',
    });
  });

  it('does not start without what it needs, saying what to give', async () => {
    const base = { credentials, port: 0 };
    await expect(
      startConsoleProxy({
        ...base,
        api: 'https://abc.execute-api.ap-southeast-1.amazonaws.com',
        auth: 'jwt',
      }),
    ).rejects.toThrow(/CONSOLE_JWT/);
    await expect(
      startConsoleProxy({ ...base, api: 'https://api.shop.example.com', auth: 'iam' }),
    ).rejects.toThrow(/--region/);
    await expect(
      startConsoleProxy({ ...base, api: 'http://api.shop.example.com', auth: 'iam' }),
    ).rejects.toThrow(ConsoleProxyError);
    expect(regionOf(new URL('https://abc123.execute-api.eu-west-1.amazonaws.com'))).toBe(
      'eu-west-1',
    );
  });
});
