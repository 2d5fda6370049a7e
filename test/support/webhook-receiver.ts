/**
 * A merchant's webhook receiver on loopback, plain HTTP or HTTPS with a self-signed certificate
 * made by openssl for this test run: it records every request exactly as received (headers, raw
 * body) and answers what the test scripted, request by request.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How the receiver answers one request. */
export type Behaviour =
  | { readonly kind: 'status'; readonly status: number; readonly body?: string }
  /** Never answers (the deliverer's timeout ends it). */
  | { readonly kind: 'hang' }
  /** Resets the connection without answering. */
  | { readonly kind: 'reset' }
  /** A redirect to another URL (which must never be followed). */
  | { readonly kind: 'redirect'; readonly location: string };

export const ok: Behaviour = { kind: 'status', status: 200, body: '{"received":true}' };

export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  /** The body's bytes exactly as received. */
  readonly raw: Buffer;
  /** The TLS server name the client sent (HTTPS only). */
  readonly servername: string | undefined;
}

export interface Receiver {
  readonly url: string;
  readonly port: number;
  readonly requests: ReceivedRequest[];
  /** Answers the next requests with these, in order; then `fallback`. */
  script(...behaviours: Behaviour[]): void;
  fallback: Behaviour;
  close(): Promise<void>;
}

/** A self-signed certificate for `name` (and 127.0.0.1), made with openssl. */
export function selfSignedCertificate(name: string): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'payon-webhook-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '2',
        '-subj',
        `/CN=${name}`,
        '-addext',
        `subjectAltName=DNS:${name},IP:127.0.0.1`,
      ],
      { stdio: 'ignore' },
    );
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startReceiver(
  options: { readonly tls?: { key: string; cert: string }; readonly path?: string } = {},
): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const queue: Behaviour[] = [];
  const sockets = new Set<Socket>();
  const receiver = {
    requests,
    fallback: ok as Behaviour,
    script: (...behaviours: Behaviour[]) => {
      queue.push(...behaviours);
    },
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        raw: Buffer.concat(chunks),
        servername: (req.socket as { servername?: string }).servername,
      });
      const behaviour = queue.shift() ?? receiver.fallback;
      switch (behaviour.kind) {
        case 'status':
          res.writeHead(behaviour.status, { 'content-type': 'application/json' });
          res.end(behaviour.body ?? '');
          return;
        case 'hang':
          return;
        case 'reset':
          req.socket.destroy();
          return;
        case 'redirect':
          res.writeHead(302, { location: behaviour.location });
          res.end();
          return;
      }
    });
  };
  const server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handle)
    : createHttpServer(handle);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const path = options.path ?? '/payon/webhooks';
  return Object.assign(receiver, {
    port,
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  });
}
