import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RESPONSE_BYTES, postToTarget } from '#shared/webhooks/transport.ts';
import { selfSignedCertificate, startReceiver } from '#test/support/webhook-receiver.ts';

// One attempt on real loopback sockets: at most 4 KB of an answer is read (an answer that never
// ends does not hold the attempt), a redirect is an answer, not a hop, and TLS checks the name.

describe('the webhook transport', () => {
  let endless: Server;
  let port = 0;
  let requests = 0;

  beforeAll(async () => {
    endless = createServer((req, res) => {
      requests += 1;
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain' });
      // 10 KB at once, then nothing, ever: the body never ends.
      res.write('x'.repeat(10_240));
    });
    await new Promise<void>((resolve) => endless.listen(0, '127.0.0.1', resolve));
    const address = endless.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  afterAll(async () => {
    endless.closeAllConnections();
    await new Promise<void>((resolve) => endless.close(() => resolve()));
  });

  const target = (url: string, hostname = new URL(url).hostname) => ({
    url: new URL(url),
    hostname,
    address: '127.0.0.1',
    family: 4 as const,
    port: Number(new URL(url).port),
  });

  it('reads at most 4 KB of an answer and stops there, whatever the deadline', async () => {
    // A deadline far beyond the test's own timeout: only stopping at 4 KB ends this attempt.
    const result = await postToTarget(
      target(`http://127.0.0.1:${port}/h`),
      '{}',
      {},
      { timeoutMs: 600_000 },
    );
    expect(result).toMatchObject({ outcome: 'succeeded', statusCode: 200, error: undefined });
    expect(result.body.length).toBe(MAX_RESPONSE_BYTES);
    expect(requests).toBe(1);
  });

  it('treats a redirect as a failed answer and never follows it', async () => {
    const elsewhere = await startReceiver();
    const redirecting = await startReceiver();
    redirecting.fallback = { kind: 'redirect', location: elsewhere.url };
    try {
      const result = await postToTarget(target(redirecting.url), '{"a":1}', { 'x-test': '1' });
      expect(result).toMatchObject({ outcome: 'http_error', statusCode: 302, error: 'HTTP 302' });
      expect(redirecting.requests).toHaveLength(1);
      expect(elsewhere.requests).toHaveLength(0);
      expect(redirecting.requests[0]?.raw.toString()).toBe('{"a":1}');
    } finally {
      await Promise.all([elsewhere.close(), redirecting.close()]);
    }
  });

  it('checks the certificate against the name (SNI), not the address it connects to', async () => {
    const tls = selfSignedCertificate('hooks.shop.test');
    const receiver = await startReceiver({ tls });
    try {
      const url = (host: string) => `https://${host}:${receiver.port}/payon/webhooks?x=1`;
      const right = await postToTarget(target(url('hooks.shop.test')), '{}', {}, { ca: tls.cert });
      const wrong = await postToTarget(target(url('other.shop.test')), '{}', {}, { ca: tls.cert });
      const untrusted = await postToTarget(target(url('hooks.shop.test')), '{}', {});

      expect(right).toMatchObject({ outcome: 'succeeded', statusCode: 200 });
      expect(receiver.requests[0]).toMatchObject({
        servername: 'hooks.shop.test',
        url: '/payon/webhooks?x=1',
        headers: expect.objectContaining({ host: `hooks.shop.test:${receiver.port}` }),
      });
      expect(wrong).toMatchObject({
        outcome: 'connection_failed',
        error: 'ERR_TLS_CERT_ALTNAME_INVALID',
      });
      expect(untrusted).toMatchObject({
        outcome: 'connection_failed',
        error: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      });
      expect(receiver.requests).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it('reports a refused connection as connection_failed', async () => {
    const receiver = await startReceiver();
    const closed = receiver.url;
    await receiver.close();
    const result = await postToTarget(target(closed), '{}', {});
    expect(result).toMatchObject({
      outcome: 'connection_failed',
      error: 'ECONNREFUSED',
      statusCode: undefined,
    });
  });
});
