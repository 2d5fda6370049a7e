/**
 * The local HTTP edge: what API Gateway does in AWS. It turns each request into a payload v2 event,
 * calls the same handler from the same route table, and takes abuse like production does: unknown
 * routes 404, wrong methods 405, bodies over the edge limit 413, CORS from an allowlist, security
 * headers on every answer. It never logs bodies.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { lambdaContext, matchRoute, toEvent } from '#local/runtime/apigw.ts';
import { maskCardNumbers } from '#shared/domain/card.ts';
import { corsHeaders, preflightHeaders } from '#shared/http/cors.ts';
import { SECURITY_HEADERS } from '#shared/http/responses.ts';
import type { RouteDescriptor as Route } from '#shared/runtime/descriptor.ts';

export type LambdaHandler = (
  event: unknown,
  context: unknown,
) => Promise<APIGatewayProxyStructuredResultV2>;

export interface EdgeOptions {
  readonly routes: readonly Route[];
  readonly handlers: ReadonlyMap<string, LambdaHandler>;
  readonly corsOrigins: readonly string[];
  /** API Gateway's payload limit is 10 MB; the local edge is stricter. */
  readonly maxBodyBytes?: number;
  /** A port (0 = any free one), or a listener already bound (`holdPort`) to take over. */
  readonly port: number | NetServer;
  readonly host?: string;
  /** One line per request: method, path, status, time. */
  readonly log?: (line: string) => void;
  /** Lambda timeout for remaining-time calculations. */
  readonly functionTimeoutMs?: number;
  /** Files served as they are on GET (the demo shop, /openapi.json): path → content. */
  readonly statics?: ReadonlyMap<string, StaticFile>;
  /**
   * Pages of `npm start` that are not the API (the demo shop's webhook receiver): path → handler
   * of the raw request. Never part of the route table, so never deployed.
   */
  readonly local?: ReadonlyMap<string, LocalPage>;
}

/** A local page's answer to one request (method, headers, the raw body). */
export type LocalPage = (request: {
  readonly method: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}) => Promise<{ readonly status: number; readonly contentType: string; readonly body: string }>;

export interface StaticFile {
  readonly contentType: string;
  readonly body: string;
  /** A page's own content security policy (the API's default allows nothing). */
  readonly csp?: string;
}

export interface Edge {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** An answer the edge writes itself: status, headers and body. */
interface Reply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

function send(res: ServerResponse, { status, headers, body }: Reply): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    ...headers,
    'content-length': String(Buffer.byteLength(body)),
  });
  res.end(body);
}

/** The API's error body, `{"error":{"code","message"}}`, with extra headers. */
function jsonError(
  res: ServerResponse,
  error: { readonly status: number; readonly code: string; readonly message: string },
  headers: Record<string, string> = {},
) {
  send(res, {
    status: error.status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify({ error: { code: error.code, message: error.message } }),
  });
}

async function readBody(req: IncomingMessage, max: number): Promise<string | 'too_large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) return 'too_large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startEdge(options: EdgeOptions): Promise<Edge> {
  const max = options.maxBodyBytes ?? 1024 * 1024;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    const cors = corsHeaders(origin, options.corsOrigins);
    const matches = options.routes
      .map((route) => ({ route, params: matchRoute(route.path, url.pathname) }))
      .filter((m) => m.params !== undefined);
    // Paths are logged with anything card-like masked: a mistaken client must not leak a PAN here.
    // PAYON's notification path carries a secret: its route template is logged instead (as the
    // stack's access log logs the route key).
    const secretRoute = matches.find((m) => m.route.access === 'payon');
    const loggedPath = secretRoute ? secretRoute.route.path : maskedPath(url.pathname);
    const done = (status: number) =>
      options.log?.(`${method} ${loggedPath} ${status} ${Date.now() - started}ms`);

    const page = options.local?.get(url.pathname);
    if (page) {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size <= max) chunks.push(chunk as Buffer);
      }
      const answer = await page({ method, headers: req.headers, body: Buffer.concat(chunks) });
      send(res, {
        status: answer.status,
        headers: { 'content-type': answer.contentType },
        body: answer.body,
      });
      return done(answer.status);
    }
    const file = method === 'GET' ? options.statics?.get(url.pathname) : undefined;
    if (file) {
      send(res, {
        status: 200,
        headers: {
          'content-type': file.contentType,
          ...(file.csp ? { 'content-security-policy': file.csp } : {}),
        },
        body: file.body,
      });
      return done(200);
    }
    if (method === 'OPTIONS' && matches.length > 0) {
      const headers = preflightHeaders(origin, options.corsOrigins);
      send(res, { status: Object.keys(headers).length > 0 ? 204 : 403, headers, body: '' });
      return done(res.statusCode);
    }
    const match = matches.find((m) => m.route.method === method);
    if (!match?.params) {
      if (matches.length > 0) {
        jsonError(
          res,
          { status: 405, code: 'method_not_allowed', message: `${method} is not allowed here` },
          {
            ...cors,
            allow: [...new Set(matches.map((m) => m.route.method))].join(', '),
          },
        );
      } else {
        jsonError(res, { status: 404, code: 'not_found', message: 'no such route' }, cors);
      }
      return done(res.statusCode);
    }
    const body = await readBody(req, max);
    if (body === 'too_large') {
      jsonError(
        res,
        {
          status: 413,
          code: 'payload_too_large',
          message: `the body must be at most ${max} bytes`,
        },
        {
          ...cors,
          connection: 'close',
        },
      );
      req.resume();
      return done(413);
    }
    const handler = options.handlers.get(match.route.function);
    if (!handler) {
      jsonError(res, { status: 500, code: 'internal_error', message: 'Internal error.' }, cors);
      return done(500);
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers[name] = value;
      else if (Array.isArray(value)) headers[name] = value.join(',');
    }
    const event = toEvent(
      {
        method,
        path: url.pathname,
        rawQueryString: url.search.slice(1),
        headers,
        body,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      },
      match.route,
      match.params,
    );
    let result: APIGatewayProxyStructuredResultV2;
    try {
      result = await handler(event, lambdaContext(match.route.function, options.functionTimeoutMs));
    } catch {
      // As API Gateway does when a function fails: a bare 500, nothing of the error.
      jsonError(res, { status: 500, code: 'internal_error', message: 'Internal error.' }, cors);
      return done(500);
    }
    const resultHeaders: Record<string, string> = {};
    for (const [name, value] of Object.entries(result.headers ?? {}))
      resultHeaders[name] = String(value);
    send(res, {
      status: result.statusCode ?? 200,
      headers: { ...resultHeaders, ...cors },
      body: typeof result.body === 'string' ? result.body : '',
    });
    return done(result.statusCode ?? 200);
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent)
        jsonError(res, { status: 500, code: 'internal_error', message: 'Internal error.' });
      else res.destroy();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (typeof options.port === 'number') {
      server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
    } else server.listen(options.port, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A path as logged: percent-decoded first (`/payments/%34111…` hides a card number from a plain
 * mask), then masked; a path that does not decode is masked as it is.
 */
export function maskedPath(pathname: string): string {
  let decoded = pathname;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    // not valid percent-encoding: masked as received
  }
  return maskCardNumbers(decoded);
}
