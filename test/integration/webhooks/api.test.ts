import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ENDPOINTS } from '#shared/webhooks/endpoint.ts';
import type { Resolver } from '#shared/webhooks/target.ts';
import { type ApiEnvironment, startApi } from '#test/support/api.ts';
import { paidPayment } from '#test/support/payments.ts';

// The endpoint API as deployed in AWS (no local allowance): https only, port 443, public
// addresses only, in every form; every refusal is a 400 naming the field and nothing is stored.

describe('webhook endpoints API, as deployed (https and public addresses only)', () => {
  let api: ApiEnvironment;
  const lookups: string[] = [];
  // A public-looking name that resolves to loopback, and one to the metadata service.
  const resolver: Resolver = async (host) => {
    lookups.push(host);
    if (host === 'hooks.shop.example') return [{ address: '127.0.0.1', family: 4 }];
    if (host === 'meta.shop.example') return [{ address: '169.254.169.254', family: 4 }];
    throw Object.assign(new Error('no such host'), { code: 'ENOTFOUND' });
  };

  beforeAll(async () => {
    api = await startApi({ webhookNet: { resolver, timeoutMs: 300, random: () => 0.5 } });
  }, 60_000);
  afterAll(() => api?.stop());

  // What DynamoDB holds under the endpoints' partition (a consistent Query, not the API).
  const endpointsStored = async () => (await api.deps.webhooks.listEndpoints()).length;

  it.each([
    ['http://shop.example.com/hooks', 'url', /https:\/\//],
    ['https://127.0.0.1/hooks', 'url', /loopback/],
    ['https://2130706433/', 'url', /loopback/],
    ['https://0x7f.1/', 'url', /loopback/],
    ['https://0177.0.0.1/', 'url', /loopback/],
    ['https://[::ffff:127.0.0.1]/', 'url', /IPv4-mapped/],
    ['https://[64:ff9b::a9fe:a9fe]/', 'url', /NAT64/],
    ['https://[2002:a9fe:a9fe::]/', 'url', /6to4/],
    ['https://169.254.169.254/latest/meta-data', 'url', /link-local/],
    ['https://100.64.0.1/', 'url', /CGNAT/],
    ['https://10.0.0.5/', 'url', /private/],
    ['https://[fd00::1]/', 'url', /unique local/],
    ['https://[fe80::1]/', 'url', /link-local/],
    ['https://localhost/', 'url', /internal host/],
    ['https://shop.example.com:8443/', 'url', /443/],
    ['https://me:pw@shop.example.com/', 'url', /user name/],
  ])('refuses %s with a 400 on %s, storing nothing', async (url, field, why) => {
    const answer = await api.call('POST', '/webhook-endpoints', { body: { url, events: ['*'] } });
    expect(answer.status).toBe(400);
    const fields = (answer.body as { error: { fields: { field: string; reason: string }[] } }).error
      .fields;
    expect(fields).toEqual([{ field, reason: expect.stringMatching(why) }]);
    expect(await endpointsStored()).toBe(0);
  });

  it.each([
    [{ events: ['*'] }, 'url'],
    [{ url: 'https://shop.example.com/h', events: [] }, 'events'],
    [{ url: 'https://shop.example.com/h', events: ['payment.teleported'] }, 'events'],
    [{ url: 'https://shop.example.com/h', events: ['*', 'payment.succeeded'] }, 'events'],
    [{ url: 'https://shop.example.com/h', events: ['payment.failed', 'payment.failed'] }, 'events'],
    [
      { url: 'https://shop.example.com/h', events: ['*'], description: 'card 4111111111111111' },
      'description',
    ],
    [{ url: 'https://shop.example.com/h', events: ['*'], secret: 'mine' }, 'secret'],
  ])('refuses a malformed body %j with a 400 naming the field', async (body, field) => {
    const answer = await api.call('POST', '/webhook-endpoints', { body });
    expect(answer.status).toBe(400);
    const fields = (answer.body as { error: { fields: { field: string }[] } }).error.fields;
    expect(fields.map((f) => f.field)).toContain(field);
    // Never echoes a card number back.
    expect(answer.text).not.toContain('4111111111111111');
    expect(await endpointsStored()).toBe(0);
  });

  it('creates, lists, reads and deletes; the secret is answered once and never again', async () => {
    // Act
    const created = await api.call('POST', '/webhook-endpoints', {
      body: {
        url: 'https://Shop.Example.com/payon/webhooks?k=1',
        events: ['payment.succeeded'],
        description: 'orders',
      },
    });
    const { id, secret } = created.body as { id: string; secret: string };
    const listed = await api.call('GET', '/webhook-endpoints');
    const read = await api.call('GET', `/webhook-endpoints/${id}`);
    const deleted = await api.call('DELETE', `/webhook-endpoints/${id}`);
    const gone = await api.call('GET', `/webhook-endpoints/${id}`);
    const goneDeliveries = await api.call('GET', `/webhook-endpoints/${id}/deliveries`);
    const deletedAgain = await api.call('DELETE', `/webhook-endpoints/${id}`);

    // Assess
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/webhook-endpoints/${id}`);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created.body).toMatchObject({
      url: 'https://shop.example.com/payon/webhooks?k=1',
      events: ['payment.succeeded'],
      description: 'orders',
      status: 'enabled',
    });
    expect(listed.body).toEqual({ items: [read.body] });
    for (const answer of [listed, read]) expect(answer.text).not.toContain(secret);
    expect(read.body).not.toHaveProperty('secret');
    expect(deleted.body).toEqual({ id, deleted: true });
    expect([gone.status, goneDeliveries.status, deletedAgain.status]).toEqual([404, 404, 404]);
    expect(await endpointsStored()).toBe(0);
  });

  it('refuses malformed ids with a 400 and unknown ones with a 404', async () => {
    const malformed = await api.call('GET', '/webhook-endpoints/not-an-id');
    const unknown = await api.call('POST', '/webhook-endpoints/we_AAAAAAAAAAAAAAAAAAAA/enable');
    const noDelivery = await api.call(
      'POST',
      '/webhook-endpoints/we_AAAAAAAAAAAAAAAAAAAA/deliveries/dlv_20261203021512345_6f1c2a9b0d3e4f58/resend',
    );
    const badDelivery = await api.call(
      'POST',
      '/webhook-endpoints/we_AAAAAAAAAAAAAAAAAAAA/deliveries/evt_1/resend',
    );
    expect(malformed.status).toBe(400);
    expect(
      (malformed.body as { error: { fields: { field: string }[] } }).error.fields[0]?.field,
    ).toBe('path.id');
    expect([unknown.status, noDelivery.status]).toEqual([404, 404]);
    expect(badDelivery.status).toBe(400);
  });

  it(`keeps at most ${MAX_ENDPOINTS} endpoints (422 for one more), and frees a place on delete`, async () => {
    const make = () =>
      api.call('POST', '/webhook-endpoints', {
        body: { url: 'https://shop.example.com/h', events: ['*'] },
      });
    const made = [];
    for (let i = 0; i < MAX_ENDPOINTS; i++) made.push(await make());
    const extra = await make();
    const first = made[0]?.body as { id: string };
    await api.call('DELETE', `/webhook-endpoints/${first.id}`);
    const again = await make();

    expect(made.every((m) => m.status === 201)).toBe(true);
    expect(extra.status).toBe(422);
    expect((extra.body as { error: { code: string } }).error.code).toBe('webhook_endpoint_limit');
    expect(again.status).toBe(201);
    expect(await endpointsStored()).toBe(MAX_ENDPOINTS);
    const listed = (await api.call('GET', '/webhook-endpoints')).body as {
      items: { id: string }[];
    };
    for (const item of listed.items) await api.call('DELETE', `/webhook-endpoints/${item.id}`);
  });

  it('refuses, at delivery, a name that resolves to a private address; nothing is sent', async () => {
    // Prepare
    const loop = await api.call('POST', '/webhook-endpoints', {
      body: { url: 'https://hooks.shop.example/payon', events: ['*'] },
    });
    const meta = await api.call('POST', '/webhook-endpoints', {
      body: { url: 'https://meta.shop.example/payon', events: ['*'] },
    });
    await paidPayment(api);
    lookups.length = 0;

    // Act
    const run = await api.deliverWebhooks();

    // Assess
    expect([loop.status, meta.status]).toEqual([201, 201]);
    expect(run).toMatchObject({ attempted: 2, failed: 2, succeeded: 0 });
    expect(lookups.sort()).toEqual(['hooks.shop.example', 'meta.shop.example']);
    for (const [created, why] of [
      [loop, /loopback address \(127\.0\.0\.1\)/],
      [meta, /link-local address \(169\.254\.169\.254\)/],
    ] as const) {
      const { id } = created.body as { id: string };
      const page = await api.call('GET', `/webhook-endpoints/${id}/deliveries`);
      const [delivery] = (
        page.body as { items: { state: string; attempts: Record<string, unknown>[] }[] }
      ).items;
      expect(delivery?.state).toBe('pending');
      expect(delivery?.attempts).toEqual([
        expect.objectContaining({
          outcome: 'target_refused',
          statusCode: null,
          error: expect.stringMatching(why),
        }),
      ]);
      await api.call('DELETE', `/webhook-endpoints/${id}`);
    }
  });
});
