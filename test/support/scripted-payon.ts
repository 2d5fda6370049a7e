/**
 * A scripted stand-in for PAYON on loopback, for client tests that must control every byte of an
 * answer (faults included). It records exactly what arrived: method, path, headers, body.
 * Behaviour tests of whole flows use the PAYON sandbox instead.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
  readonly body: unknown;
}

export type ScriptedAnswer =
  | { readonly status?: number; readonly json: unknown; readonly headers?: Record<string, string> }
  | { readonly status?: number; readonly text: string; readonly headers?: Record<string, string> }
  | { readonly hang: true }
  | { readonly reset: true };

export interface ScriptedPayon {
  readonly url: string;
  readonly received: ReceivedRequest[];
  /** Answers for `path`, used in order; the last one repeats. */
  script(path: string, ...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

export async function startScriptedPayon(): Promise<ScriptedPayon> {
  const received: ReceivedRequest[] = [];
  const scripts = new Map<string, ScriptedAnswer[]>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = undefined;
      }
      const path = req.url ?? '';
      received.push({ method: req.method ?? '', path, headers: req.headers, rawBody, body });
      const queue = scripts.get(path) ?? [];
      const answer = queue.length > 1 ? queue.shift() : queue[0];
      if (!answer) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no script');
        return;
      }
      if ('hang' in answer) return;
      if ('reset' in answer) {
        req.socket.destroy();
        return;
      }
      const payload = 'json' in answer ? JSON.stringify(answer.json) : answer.text;
      res
        .writeHead(answer.status ?? 200, {
          'content-type': 'json' in answer ? 'application/json' : 'text/plain',
          ...answer.headers,
        })
        .end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    script(path, ...answers) {
      scripts.set(path, [...answers]);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
