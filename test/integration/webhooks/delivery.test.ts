import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { verifyWebhook } from '#client/webhooks.ts';
import type { PaymentEvent } from '#shared/events/envelope.ts';
import type { WebhookDeliveryView } from '#shared/webhooks/endpoint.ts';
import { sealContext } from '#shared/webhooks/secrets.ts';
import type { Resolver } from '#shared/webhooks/target.ts';
import { type ApiEnvironment, startApi } from '#test/support/api.ts';
import { LOCAL_AWS } from '#test/support/aws.ts';
import { paidPayment } from '#test/support/payments.ts';
import {
  ok,
  type Receiver,
  selfSignedCertificate,
  startReceiver,
} from '#test/support/webhook-receiver.ts';

// Merchant webhooks end to end: the real handlers (create, list, rotate, enable, deliveries,
// resend, deliver-webhooks) against DynamoDB Local and KMS on moto, delivering to a real HTTPS
// receiver (a self-signed certificate this run made and only this test trusts) and a plain HTTP
// one, on loopback (the local allowance, WEBHOOKS_ALLOW_LOCAL_TARGETS). Time is a test clock:
// nothing here waits for a retry.

const MIN = 60_000;
const HOUR = 60 * MIN;
const NAME = 'hooks.shop.test';

interface Created {
  id: string;
  secret: string;
}

describe('merchant webhooks: delivery, retries, rotation, disable and enable', () => {
  let api: ApiEnvironment;
  let https: Receiver;
  let http: Receiver;
  let elsewhere: Receiver;
  let now = Date.now();
  const lookups: string[] = [];
  const cert = selfSignedCertificate(NAME);
  // The test's DNS: the receivers' name is on loopback.
  const resolver: Resolver = async (host) => {
    lookups.push(host);
    if (host !== NAME) throw Object.assign(new Error('no such host'), { code: 'ENOTFOUND' });
    return [{ address: '127.0.0.1', family: 4 }];
  };

  beforeAll(async () => {
    [https, http, elsewhere] = await Promise.all([
      startReceiver({ tls: cert }),
      startReceiver(),
      startReceiver({ path: '/elsewhere' }),
    ]);
    api = await startApi({
      clock: () => new Date(now),
      env: { WEBHOOKS_ALLOW_LOCAL_TARGETS: 'true' },
      webhookNet: { resolver, ca: cert.cert, timeoutMs: 300, random: () => 0.5 },
    });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([api?.stop(), https?.close(), http?.close(), elsewhere?.close()]);
  });
  afterEach(async () => {
    // Each test owns its endpoints: none outlives it, even one whose assertions failed.
    const listed = await api.call('GET', '/webhook-endpoints');
    for (const { id } of (listed.body as { items: { id: string }[] }).items) {
      await api.call('DELETE', `/webhook-endpoints/${id}`);
    }
  });
  beforeEach(() => {
    for (const r of [https, http, elsewhere]) {
      r.requests.length = 0;
      r.fallback = ok;
    }
  });

  const httpsUrl = () => `https://${NAME}:${https.port}/payon/webhooks`;

  async function register(url: string, events: string[] = ['*']): Promise<Created> {
    const created = await api.call('POST', '/webhook-endpoints', { body: { url, events } });
    expect(created.status, created.text).toBe(201);
    return created.body as Created;
  }

  async function deliveries(endpointId: string): Promise<WebhookDeliveryView[]> {
    const page = await api.call('GET', `/webhook-endpoints/${endpointId}/deliveries`);
    expect(page.status).toBe(200);
    return (page.body as { items: WebhookDeliveryView[] }).items;
  }

  const seconds = () => Math.floor(now / 1_000);

  it('signs each event to a real HTTPS and a plain HTTP receiver; verifyWebhook accepts them', async () => {
    // Prepare
    const secure = await register(httpsUrl());
    const plain = await register(http.url, ['payment.succeeded']);
    const refundsOnly = await register(elsewhere.url, ['payment.refunded']);
    const txId = await paidPayment(api);

    // Act
    const run = await api.deliverWebhooks();
    const again = await api.deliverWebhooks();

    // Assess: each subscribed receiver got the event once, signed with its own secret
    expect(run).toMatchObject({ attempted: 2, succeeded: 2, failed: 0, errors: 0 });
    expect(again).toMatchObject({ attempted: 0, fannedOut: 0 });
    expect(https.requests).toHaveLength(1);
    expect(http.requests).toHaveLength(1);
    expect(elsewhere.requests).toHaveLength(0);
    const [received] = https.requests;
    const event = verifyWebhook<PaymentEvent>(
      received?.raw ?? Buffer.alloc(0),
      String(received?.headers['payon-signature']),
      secure.secret,
      { now: seconds() },
    );
    expect(event).toMatchObject({
      type: 'payment.succeeded',
      payment: { id: txId, state: 'SUCCEEDED' },
    });
    expect(event.id).toBe(`evt_${txId}_${event.paymentVersion}`);
    expect(received?.headers).toMatchObject({
      'payon-event-id': event.id,
      'payon-event-type': 'payment.succeeded',
      'content-type': 'application/json',
      host: `${NAME}:${https.port}`,
    });
    // TLS named the host (SNI), and the certificate was checked against that name.
    expect(received?.servername).toBe(NAME);
    const plainEvent = verifyWebhook<PaymentEvent>(
      http.requests[0]?.raw ?? Buffer.alloc(0),
      String(http.requests[0]?.headers['payon-signature']),
      plain.secret,
      { now: seconds() },
    );
    expect(plainEvent.id).toBe(event.id);
    // The other endpoint's secret does not verify it.
    expect(() =>
      verifyWebhook(
        received?.raw ?? '',
        String(received?.headers['payon-signature']),
        plain.secret,
        {
          now: seconds(),
        },
      ),
    ).toThrow(/no v1 signature matches/);
    const [delivery] = await deliveries(secure.id);
    expect(delivery).toMatchObject({
      eventId: event.id,
      state: 'succeeded',
      attemptCount: 1,
      nextAttemptAt: null,
      attempts: [
        {
          statusCode: 200,
          outcome: 'succeeded',
          response: '{"received":true}',
          nextAttemptAt: null,
        },
      ],
    });
    expect(await deliveries(refundsOnly.id)).toEqual([]);

    // Nothing stored holds a secret in clear; KMS opens a sealed one for its own endpoint only.
    const items = await api.scan();
    const text = JSON.stringify(items);
    for (const { secret } of [secure, plain, refundsOnly]) expect(text).not.toContain(secret);
    const stored = items.find((i) => i.type === 'webhookEndpoint' && i.id === secure.id) as {
      secrets: { sealed: string }[];
    };
    const kms = new KMSClient({ ...LOCAL_AWS, endpoint: inject('motoEndpoint') });
    const blob = Buffer.from(stored.secrets[0]?.sealed ?? '', 'base64');
    const opened = await kms.send(
      new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: sealContext(secure.id) }),
    );
    expect(Buffer.from(opened.Plaintext ?? new Uint8Array()).toString()).toBe(secure.secret);
    await expect(
      kms.send(
        new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: sealContext(plain.id) }),
      ),
    ).rejects.toThrow();
    // The event left the fan-out partition; the outbox item is otherwise as EventBridge left it.
    const outbox = items.find((i) => i.type === 'event' && i.eventId === event.id);
    expect(outbox).toMatchObject({
      deliveredAt: expect.any(String),
      fannedOutAt: expect.any(String),
    });
    expect(outbox?.gsi3pk).toBeUndefined();
    for (const id of [secure.id, plain.id, refundsOnly.id]) {
      expect((await api.call('DELETE', `/webhook-endpoints/${id}`)).status).toBe(200);
    }
  });

  it('retries a 500, a timeout, a reset and a 3xx on the schedule (test clock) until a 2xx', async () => {
    // Prepare
    const endpoint = await register(httpsUrl());
    https.script(
      { kind: 'status', status: 500, body: 'upstream 4111 1111 1111 1111 broke' },
      { kind: 'hang' },
      { kind: 'reset' },
      { kind: 'redirect', location: elsewhere.url },
      ok,
    );
    await paidPayment(api);

    // Act: each run at one second before the attempt is due, then when it is due
    const waits = [MIN, 5 * MIN, 30 * MIN, 2 * HOUR];
    const seen: number[] = [];
    await api.deliverWebhooks();
    seen.push(https.requests.length);
    for (const wait of waits) {
      now += wait - 1_000;
      await api.deliverWebhooks();
      seen.push(https.requests.length);
      now += 1_000;
      await api.deliverWebhooks();
      seen.push(https.requests.length);
    }

    // Assess: one request per due time, none early; the redirect was not followed
    expect(seen).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5]);
    expect(elsewhere.requests).toHaveLength(0);
    const [delivery] = await deliveries(endpoint.id);
    expect(delivery?.state).toBe('succeeded');
    expect(delivery?.attempts.map((a) => [a.outcome, a.statusCode])).toEqual([
      ['http_error', 500],
      ['timeout', null],
      ['connection_failed', null],
      ['http_error', 302],
      ['succeeded', 200],
    ]);
    const attempts = delivery?.attempts ?? [];
    attempts.slice(0, 4).forEach((a, i) => {
      // The next attempt is the wait after this one's end (jitter fixed at its middle here).
      expect(Date.parse(a.nextAttemptAt ?? '') - Date.parse(a.at)).toBe(waits[i]);
    });
    // The body's card-like number is masked in the excerpt kept; the raw body is never stored.
    expect(attempts[0]?.response).toBe('upstream 411111******1111 broke');
    expect(attempts[1]?.error).toMatch(/no answer within 300 ms/);
    expect(attempts[2]?.error).toMatch(/ECONNRESET|socket hang up/);
    // Every attempt was signed afresh (its own t), each verifiable at its time.
    const ts = https.requests.map((r) =>
      Number(/t=(\d+)/.exec(String(r.headers['payon-signature']))?.[1]),
    );
    expect(new Set(ts).size).toBe(5);
    const attemptsSeen = https.requests.map((r) => r.headers['payon-delivery-attempt']);
    expect(attemptsSeen).toEqual(['1', '2', '3', '4', '5']);
  });

  it('gives a delivery up after 72 h, and disables an endpoint that failed for 72 h until enabled', async () => {
    // Prepare: a receiver that always fails
    https.fallback = { kind: 'status', status: 503 };
    const endpoint = await register(httpsUrl());
    const start = now;
    await paidPayment(api);

    // Act: follow the schedule to its end, running each time the next attempt is due
    const runs = [(await api.deliverWebhooks()).attempted];
    for (
      let [d] = await deliveries(endpoint.id);
      d?.nextAttemptAt;
      [d] = await deliveries(endpoint.id)
    ) {
      now = Date.parse(d.nextAttemptAt);
      runs.push((await api.deliverWebhooks()).attempted);
    }
    now = start + 80 * HOUR;
    runs.push((await api.deliverWebhooks()).attempted);
    const [given] = await deliveries(endpoint.id);
    const afterFirst = (await api.call('GET', `/webhook-endpoints/${endpoint.id}`)).body;

    // A second event while the endpoint still fails: the endpoint is disabled at the first
    // failure 72 h after the failures began (its attempts at 71 h, +1, +5, +30 min, +2 h).
    now = start + 71 * HOUR;
    await paidPayment(api);
    const disabledRuns = [(await api.deliverWebhooks()).disabled];
    for (
      let d = (await deliveries(endpoint.id))[0];
      d?.nextAttemptAt && disabledRuns.length < 10;
      d = (await deliveries(endpoint.id))[0]
    ) {
      now = Date.parse(d.nextAttemptAt);
      disabledRuns.push((await api.deliverWebhooks()).disabled);
      if (disabledRuns.at(-1)) break;
    }
    const disabled = (await api.call('GET', `/webhook-endpoints/${endpoint.id}`)).body as Record<
      string,
      unknown
    >;
    const requestsWhileDisabled = https.requests.length;
    now += 13 * HOUR;
    const idle = await api.deliverWebhooks();
    const requestsAfterIdle = https.requests.length;
    const resendRefused = await api.call(
      'POST',
      `/webhook-endpoints/${endpoint.id}/deliveries/${given?.id}/resend`,
    );

    // Enabled again, with the receiver fixed: the pending delivery goes out.
    https.fallback = ok;
    const enabled = await api.call('POST', `/webhook-endpoints/${endpoint.id}/enable`);
    const resumed = await api.deliverWebhooks();

    // Assess
    // Eleven attempts, one per run, at 0, 1, 6, 36 min, 2 h 36, 8 h 36, then every 12 h to 68 h 36
    // (jitter at its middle here); nothing after 72 h.
    expect(runs).toEqual([...Array<number>(11).fill(1), 0]);
    expect(given?.attempts.map((a) => (Date.parse(a.at) - start) / MIN)).toEqual([
      0, 1, 6, 36, 156, 516, 1_236, 1_956, 2_676, 3_396, 4_116,
    ]);
    expect(given).toMatchObject({ state: 'failed', attemptCount: 11, nextAttemptAt: null });
    expect(Date.parse(given?.attempts.at(-1)?.at ?? '') - start).toBeLessThanOrEqual(72 * HOUR);
    expect(given?.attempts.at(-1)?.nextAttemptAt).toBeNull();
    expect(afterFirst).toMatchObject({
      status: 'enabled',
      failingSince: new Date(start).toISOString(),
    });
    expect(disabledRuns).toEqual([0, 0, 0, 0, 1]);
    expect(disabled).toMatchObject({
      status: 'disabled',
      disabledReason: expect.stringMatching(/72 h/),
      disabledAt: expect.any(String),
    });
    expect(Date.parse(String(disabled.disabledAt)) - start).toBeGreaterThanOrEqual(72 * HOUR);
    expect(idle.attempted).toBe(0);
    expect(requestsAfterIdle).toBe(requestsWhileDisabled);
    expect(resendRefused.status).toBe(409);
    expect(enabled.body).toMatchObject({ status: 'enabled', disabledAt: null, failingSince: null });
    expect(resumed).toMatchObject({ attempted: 1, succeeded: 1 });
    const after = (await api.call('GET', `/webhook-endpoints/${endpoint.id}`)).body;
    expect(after).toMatchObject({
      status: 'enabled',
      failingSince: null,
      lastSuccessAt: expect.any(String),
    });

    // A failed delivery is resent on demand, due at once, with 72 h from now.
    const resend = await api.call(
      'POST',
      `/webhook-endpoints/${endpoint.id}/deliveries/${given?.id}/resend`,
    );
    const resent = await api.deliverWebhooks();
    const [, first] = await deliveries(endpoint.id);
    expect(resend.status).toBe(202);
    expect(resend.body).toMatchObject({ state: 'pending', resentAt: new Date(now).toISOString() });
    expect(resent).toMatchObject({ attempted: 1, succeeded: 1 });
    expect(first).toMatchObject({ id: given?.id, state: 'succeeded', attemptCount: 12 });
  });

  it('signs with both secrets for 24 h after a rotation, then with the new one only', async () => {
    // Prepare
    const endpoint = await register(http.url);
    const rotated = await api.call('POST', `/webhook-endpoints/${endpoint.id}/rotate-secret`);
    const fresh = (rotated.body as Created & { previousSecretExpiresAt: string }).secret;

    // Act
    await paidPayment(api);
    await api.deliverWebhooks();
    const during = http.requests.at(-1);
    now += 24 * HOUR + 1_000;
    await paidPayment(api);
    await api.deliverWebhooks();
    const after = http.requests.at(-1);

    // Assess
    expect(rotated.status).toBe(200);
    expect(fresh).not.toBe(endpoint.secret);
    expect(rotated.body).toMatchObject({
      previousSecretExpiresAt: new Date(now - 1_000).toISOString(),
    });
    const duringHeader = String(during?.headers['payon-signature']);
    expect(duringHeader.match(/v1=/g)).toHaveLength(2);
    const at = Math.floor((now - 24 * HOUR - 1_000) / 1_000);
    for (const secret of [fresh, endpoint.secret]) {
      expect(() =>
        verifyWebhook(during?.raw ?? '', duringHeader, secret, { now: at }),
      ).not.toThrow();
    }
    const afterHeader = String(after?.headers['payon-signature']);
    expect(afterHeader.match(/v1=/g)).toHaveLength(1);
    expect(() =>
      verifyWebhook(after?.raw ?? '', afterHeader, fresh, { now: seconds() }),
    ).not.toThrow();
    expect(() =>
      verifyWebhook(after?.raw ?? '', afterHeader, endpoint.secret, { now: seconds() }),
    ).toThrow(/no v1 signature matches/);
    const view = (await api.call('GET', `/webhook-endpoints/${endpoint.id}`)).body;
    expect(view).toMatchObject({ previousSecretExpiresAt: null });
    expect(JSON.stringify(await api.scan())).not.toContain(fresh);
  });

  it('connects to the address it checked, however the name answers afterwards (DNS rebinding)', async () => {
    // Prepare: a name only the injected resolver knows, answering loopback once, then the
    // metadata service; and one that answers the metadata service first.
    const answers = ['127.0.0.1', '169.254.169.254'];
    const calls: string[] = [];
    const rebinding: Resolver = async (host) => {
      calls.push(host);
      if (host === 'rebind.shop.test')
        return [{ address: answers.shift() ?? '169.254.169.254', family: 4 }];
      if (host === 'metadata.shop.test') {
        return [{ address: calls.length === 1 ? '169.254.169.254' : '127.0.0.1', family: 4 }];
      }
      return resolver(host);
    };
    const net = api.deps.webhookNet as { resolver: Resolver };
    const original = net.resolver;
    net.resolver = rebinding;
    try {
      const good = await register(`http://rebind.shop.test:${http.port}/payon/webhooks`);
      await paidPayment(api);

      // Act
      const first = await api.deliverWebhooks();
      await api.call('DELETE', `/webhook-endpoints/${good.id}`);
      calls.length = 0;
      const bad = await register(`http://metadata.shop.test:${http.port}/payon/webhooks`);
      await paidPayment(api);
      const second = await api.deliverWebhooks();

      // Assess: the first reached the receiver after one lookup (the socket never asked the
      // system DNS, which knows no .test name); the second was refused before anything was sent.
      expect(first).toMatchObject({ attempted: 1, succeeded: 1 });
      expect(http.requests).toHaveLength(1);
      expect(http.requests[0]?.headers.host).toBe(`rebind.shop.test:${http.port}`);
      expect(second).toMatchObject({ attempted: 1, failed: 1 });
      expect(calls).toEqual(['metadata.shop.test']);
      const [refused] = await deliveries(bad.id);
      expect(refused?.attempts[0]).toMatchObject({
        outcome: 'target_refused',
        statusCode: null,
        error: expect.stringMatching(/link-local address \(169\.254\.169\.254\)/),
      });
      await api.call('DELETE', `/webhook-endpoints/${bad.id}`);
    } finally {
      net.resolver = original;
    }
  });
});
