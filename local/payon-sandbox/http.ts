/** Small helpers over node:http: bounded body reading and typed answers. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export const MAX_BODY_BYTES = 1024 * 1024;

/** What a route answers; the server writes it (or a fault in its place). */
export interface Answer {
  status: number;
  /** JSON body (serialised) ... */
  json?: unknown;
  /** ...or a text body with this content type. */
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** A request as the routes read it: its method, its URL, and its body as text. */
export interface SandboxRequest {
  readonly method: string;
  readonly url: URL;
  readonly body: string;
}

export const json = (status: number, value: unknown): Answer => ({ status, json: value });
export const text = (
  status: number,
  body: string,
  contentType = 'text/plain; charset=utf-8',
): Answer => ({
  status,
  text: body,
  contentType,
});
export const html = (status: number, body: string): Answer =>
  text(status, body, 'text/html; charset=utf-8');
export const redirect = (location: string): Answer => ({
  status: 303,
  text: '',
  headers: { location },
});

/** 401 with the bare text body `1`, as PAYON answers "Invalid token". */
export const unauthorized = (): Answer => text(401, '1');

export type BodyResult =
  | { ok: true; text: string }
  | { ok: false; reason: 'too-large' | 'aborted' };

/** Reads the request body, refusing more than {@link MAX_BODY_BYTES}. */
export function readBody(req: IncomingMessage): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > MAX_BODY_BYTES) {
      resolve({ ok: false, reason: 'too-large' });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        done = true;
        resolve({ ok: false, reason: 'too-large' });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve({ ok: true, text: Buffer.concat(chunks).toString('utf8') });
    });
    req.on('error', () => {
      if (done) return;
      done = true;
      resolve({ ok: false, reason: 'aborted' });
    });
  });
}

export function writeAnswer(res: ServerResponse, answer: Answer): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { ...answer.headers };
  let body = '';
  if (answer.json !== undefined) {
    body = JSON.stringify(answer.json);
    headers['content-type'] = 'application/json; charset=utf-8';
  } else if (answer.text !== undefined) {
    body = answer.text;
    if (answer.contentType) headers['content-type'] = answer.contentType;
  }
  headers['content-length'] = String(Buffer.byteLength(body));
  headers['cache-control'] = 'no-store';
  res.writeHead(answer.status, headers);
  res.end(body);
}

/** Parses a JSON body; `undefined` when it is not JSON. */
export function parseJson(body: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    return { ok: false };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
