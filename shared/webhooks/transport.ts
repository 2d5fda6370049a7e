/**
 * One webhook attempt on the wire: a POST to the address the SSRF guard checked (the `lookup` the
 * socket uses answers that address and nothing else), with the URL's name as TLS SNI and `Host`.
 * Redirects are never followed (a 3xx is a failed attempt), at most 4 KB of the answer is read,
 * and the whole exchange has one deadline (10 s by default).
 */

import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { CheckedTarget } from '#shared/webhooks/target.ts';

/** Most bytes of an answer that are read; the rest is never received. */
export const MAX_RESPONSE_BYTES = 4_096;

/** A 2xx within this time is a success; anything else is a failure. */
export const ATTEMPT_TIMEOUT_MS = 10_000;

export type AttemptOutcome =
  /** A 2xx status arrived in time. */
  | 'succeeded'
  /** Any other status, 3xx included (redirects are not followed). */
  | 'http_error'
  /** No status within the deadline. */
  | 'timeout'
  /** The connection could not be made or was lost (refused, reset, TLS). */
  | 'connection_failed'
  /** The SSRF guard refused the target; nothing was sent. */
  | 'target_refused';

export interface WireResult {
  readonly outcome: Exclude<AttemptOutcome, 'target_refused'>;
  readonly statusCode: number | undefined;
  /** The first bytes of the answer (at most MAX_RESPONSE_BYTES); never stored as such. */
  readonly body: Buffer;
  /** A short reason for a failure: the socket error's code, or the status. */
  readonly error: string | undefined;
}

export interface WireOptions {
  readonly timeoutMs?: number;
  /** Extra trusted CA certificates (PEM): tests and the local runtime only, never configuration. */
  readonly ca?: string | readonly string[];
}

/** Sends one POST of `body` to the checked target; never throws for a network outcome. */
export function postToTarget(
  target: CheckedTarget,
  body: string,
  headers: Readonly<Record<string, string>>,
  options: WireOptions = {},
): Promise<WireResult> {
  const timeoutMs = options.timeoutMs ?? ATTEMPT_TIMEOUT_MS;
  // The socket connects to the checked address only, whatever the name answers now.
  const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
    if ((lookupOptions as { all?: boolean }).all) {
      (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [
        { address: target.address, family: target.family },
      ]);
    } else callback(null, target.address, target.family);
  };
  const https = target.url.protocol === 'https:';
  const send = https ? httpsRequest : httpRequest;
  return new Promise<WireResult>((resolve) => {
    let done = false;
    const chunks: Buffer[] = [];
    let received = 0;
    let statusCode: number | undefined;
    const finish = (result: Omit<WireResult, 'body' | 'statusCode'>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      request.destroy();
      resolve({
        ...result,
        statusCode,
        body: Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES),
      });
    };
    const request = send({
      host: target.hostname,
      port: target.port,
      path: `${target.url.pathname}${target.url.search}`,
      method: 'POST',
      headers: {
        ...headers,
        'content-length': String(Buffer.byteLength(body)),
        host: target.url.host,
      },
      lookup: pinned,
      // A fresh connection each time: a pooled socket could be another address's.
      agent: false,
      ...(https
        ? {
            // SNI names the host (never an address); the certificate must match the name.
            ...(target.url.hostname.startsWith('[') || target.hostname === target.address
              ? {}
              : { servername: target.hostname }),
            ...(options.ca ? { ca: options.ca as string | string[] } : {}),
          }
        : {}),
    });
    const timer = setTimeout(() => {
      finish({
        outcome: statusCode === undefined ? 'timeout' : outcomeOf(statusCode),
        error: statusCode === undefined ? `no answer within ${timeoutMs} ms` : undefined,
      });
    }, timeoutMs);
    request.on('response', (response: IncomingMessage) => {
      statusCode = response.statusCode ?? 0;
      const settled = () =>
        finish({
          outcome: outcomeOf(statusCode ?? 0),
          error: outcomeOf(statusCode ?? 0) === 'succeeded' ? undefined : `HTTP ${statusCode}`,
        });
      response.on('data', (chunk: Buffer) => {
        if (received < MAX_RESPONSE_BYTES) chunks.push(chunk);
        received += chunk.length;
        if (received >= MAX_RESPONSE_BYTES) settled();
      });
      response.on('end', settled);
      response.on('error', settled);
      response.on('close', settled);
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (statusCode !== undefined) {
        finish({ outcome: outcomeOf(statusCode), error: undefined });
        return;
      }
      finish({ outcome: 'connection_failed', error: error.code ?? error.name });
    });
    request.end(body);
  });
}

const outcomeOf = (status: number): WireResult['outcome'] =>
  status >= 200 && status < 300 ? 'succeeded' : 'http_error';
