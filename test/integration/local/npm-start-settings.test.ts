import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Sandbox, startSandbox } from '#local/payon-sandbox/index.ts';
import { type LocalProcess, spawnLocal } from '#test/support/local-process.ts';

// `npm start` against another PAYON: the sandbox started here, speaking a dialect in which every
// PAYON_* setting differs from its default, so a setting that is not passed on shows as a refusal.
const MERCHANT = 'M0000019';
const AUTH_HEADER = 'X-Payon-Key';
const SETTINGS = {
  PAYON_AUTH_HEADER: AUTH_HEADER,
  PAYON_RSA_PADDING: 'oaep-sha256',
  PAYON_BINDING_PIN_ENCRYPTION: 'plain',
  PAYON_CREATE_BINDING_PATH: '/pg/createBinding',
  PAYON_PIN_VERIFICATION_PATH: '/pg/binding/verifyPin',
  PAYON_TIMEOUT_MS: '1000',
} as const;

vi.setConfig({ testTimeout: 120_000 });

async function postTo(api: string, path: string, body: Record<string, unknown>) {
  const response = await fetch(`${api}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const now = () => new Date().toISOString();
const VISA = { number: '4111111111111111', cvv: '123', expiry: '2030-12', holderName: 'Sok Chan' };

describe('npm start pointed at another PAYON', () => {
  let other: Sandbox;
  let local: LocalProcess;
  let api: string;

  beforeAll(async () => {
    other = await startSandbox({
      port: 0,
      log: false,
      merchants: [
        {
          merchantId: MERCHANT,
          termId: 'T000000019',
          apiKey: 'own-key',
          signingScheme: 'hmac-sha256',
        },
      ],
      authHeader: AUTH_HEADER,
      rsaPadding: 'oaep-sha256',
      bindingPinEncryption: 'plain',
      createBindingPaths: ['/pg/createBinding'],
      pinVerificationPath: '/pg/binding/verifyPin',
    });
    const secretFile = join(mkdtempSync(join(tmpdir(), 'payon-')), 'secret.json');
    writeFileSync(
      secretFile,
      JSON.stringify({
        merchantId: MERCHANT,
        termId: 'T000000019',
        apiKey: 'own-key',
        signingScheme: 'hmac-sha256',
        payonPublicKey: other.payonPublicKeyPem,
        notificationToken: 'y'.repeat(40),
      }),
    );
    // npm start's own default (no EMF lines) is under test, not the test suite's.
    const metrics = process.env.POWERTOOLS_METRICS_DISABLED;
    delete process.env.POWERTOOLS_METRICS_DISABLED;
    try {
      local = await spawnLocal({
        ...SETTINGS,
        PAYON_BASE_URL: other.url,
        LOCAL_MERCHANT_SECRET_FILE: secretFile,
        LOCAL_SWEEP_SECONDS: '1',
      });
    } finally {
      process.env.POWERTOOLS_METRICS_DISABLED = metrics;
    }
    await local.waitFor('Stop with Ctrl-C.');
    api = `http://127.0.0.1:${local.ports.api}`;
  }, 120_000);
  afterAll(async () => {
    await local?.interrupt().catch(() => undefined);
    await other?.stop();
  });

  const post = (path: string, body: Record<string, unknown>) => postTo(api, path, body);
  const payment = (value: string) => ({
    amount: { value, currency: 'USD' },
    paymentMethod: 'CREDIT_DEBIT',
    returnUrl: `${api}/done`,
  });

  it('prints no sandbox-only commands', () => {
    expect(local.output()).toContain(`using PAYON at ${other.url} (no sandbox)`);
    expect(local.output()).toContain(`PAYON          ${other.url}\n`);
    expect(local.output()).not.toContain('/_sandbox');
    expect(local.output()).not.toContain('pay it without one');
  });

  it('prints no line per sweep run: nothing for idle runs', async () => {
    // LOCAL_SWEEP_SECONDS=1: five seconds are at least four runs. First, before any request: the
    // functions share one Metrics locally, so a request overlapping a run can make it warn.
    const before = local.output().split('\n').length;
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const lines = local.output().split('\n').slice(before);

    expect(lines.filter((line) => line.trim() !== '')).toEqual([]);
  });

  it('sends the API key in PAYON_AUTH_HEADER', async () => {
    const created = await post('/payments', payment('3.00'));

    expect(created.status).toBe(201);
    const [register] = other.journal.requests('/pg/order/register');
    expect(register?.status).toBe(200);
    expect(register?.headers[AUTH_HEADER.toLowerCase()]).toBeDefined();
  });

  it('binds at PAYON_CREATE_BINDING_PATH with a plain PIN (PAYON_BINDING_PIN_ENCRYPTION)', async () => {
    const clientId = `cust-${randomUUID().slice(0, 8)}`;

    const bound = await post(`/customers/${clientId}/bindings`, {
      card: VISA,
      pin: '482916',
      requestedAt: now(),
    });

    expect(bound.status).toBe(201);
    expect(other.journal.requests('/pg/createBinding').map((r) => r.status)).toEqual([200]);
    expect(other.journal.requests('/pg/binding/register')).toEqual([]);
    expect(other.pinMatches(MERCHANT, clientId, '482916')).toBe(true);
  });

  it('encrypts a new PIN with PAYON_RSA_PADDING and verifies at PAYON_PIN_VERIFICATION_PATH', async () => {
    const clientId = `cust-${randomUUID().slice(0, 8)}`;
    await post(`/customers/${clientId}/bindings`, {
      card: { number: '5555555555554444', cvv: '321', expiry: '2031-01', holderName: 'Sok Chan' },
      requestedAt: now(),
    });

    const pin = await post(`/customers/${clientId}/pin`, { pin: '730519', requestedAt: now() });
    const verification = await post(`/customers/${clientId}/pin-verification`, {
      enabled: false,
      requestedAt: now(),
    });

    expect(pin.status).toBe(200);
    // The sandbox decrypts with OAEP SHA-256 only: a PKCS#1 v1.5 PIN would not match.
    expect(other.pinMatches(MERCHANT, clientId, '730519')).toBe(true);
    expect(verification.status).toBe(200);
    expect(other.journal.requests('/pg/binding/verifyPin').map((r) => r.status)).toEqual([200]);
  });

  it('gives up on PAYON after PAYON_TIMEOUT_MS', async () => {
    other.addFault({ path: '/pg/order/register', kind: 'latency', ms: 3_000, times: 1 });

    const started = Date.now();
    const created = await post('/payments', payment('3.10'));
    const took = Date.now() - started;

    expect(created.status).toBe(504);
    expect(took).toBeLessThan(3_000);
  });

  it('prints no EMF metrics line over the whole run', () => {
    expect(local.output()).not.toContain('"_aws"');
  });
});

describe('npm start with its own sandbox', () => {
  it('starts the sandbox in the dialect the PAYON_* settings choose', async () => {
    const local = await spawnLocal(SETTINGS);
    try {
      await local.waitFor('Stop with Ctrl-C.');
      const api = `http://127.0.0.1:${local.ports.api}`;
      const clientId = `cust-${randomUUID().slice(0, 8)}`;

      const bound = await postTo(api, `/customers/${clientId}/bindings`, {
        card: VISA,
        pin: '482916',
        requestedAt: now(),
      });
      const pin = await postTo(api, `/customers/${clientId}/pin`, {
        pin: '730519',
        requestedAt: now(),
      });
      const verification = await postTo(api, `/customers/${clientId}/pin-verification`, {
        enabled: false,
        requestedAt: now(),
      });
      const journal = (await (
        await fetch(`http://127.0.0.1:${local.ports.sandbox}/_sandbox/journal`)
      ).json()) as { entries: { path: string; status: number; headers: Record<string, string> }[] };

      expect([bound.status, pin.status, verification.status]).toEqual([201, 200, 200]);
      const pg = journal.entries.filter((e) => e.path?.startsWith('/pg/'));
      expect(pg.map((e) => [e.path, e.status])).toEqual(
        expect.arrayContaining([
          ['/pg/createBinding', 200],
          ['/pg/binding/createPIN', 200],
          ['/pg/binding/verifyPin', 200],
        ]),
      );
      expect(pg.every((e) => e.status === 200)).toBe(true);
      expect(pg.every((e) => e.headers[AUTH_HEADER.toLowerCase()] !== undefined)).toBe(true);
    } finally {
      await local.interrupt();
    }
  });
});

describe('npm start with LOCAL_SANDBOX_PROFILE', () => {
  it('starts its sandbox in that profile', async () => {
    const local = await spawnLocal({ LOCAL_SANDBOX_PROFILE: 'literal' });
    try {
      await local.waitFor('Stop with Ctrl-C.');
      const state = (await (
        await fetch(`http://127.0.0.1:${local.ports.sandbox}/_sandbox/state`)
      ).json()) as { profile: string };

      expect(state.profile).toBe('literal');
      expect(local.output()).toContain('(profile literal)');
    } finally {
      await local.interrupt();
    }
  });

  it('refuses a profile it does not know before starting anything, naming the variable and the profiles', async () => {
    const local = await spawnLocal({ LOCAL_SANDBOX_PROFILE: 'loud' });
    const code = await new Promise<number | null>((resolve) => local.child.once('exit', resolve));

    expect(code).toBe(1);
    expect(local.output()).toContain(
      '✗ LOCAL_SANDBOX_PROFILE must be one of default, literal, ambiguous, hostile (got "loud")',
    );
    expect(local.output()).not.toContain('starting DynamoDB Local');
    expect(local.output()).not.toMatch(/\n\s+at /);
  });
});
