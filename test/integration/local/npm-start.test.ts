import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startSandbox } from '#local/payon-sandbox/index.ts';
import { type LocalProcess, spawnLocal } from '#test/support/local-process.ts';
import { portIsFree } from '#test/support/services.ts';

const started: LocalProcess[] = [];
afterAll(async () => {
  for (const local of started) await local.interrupt().catch(() => undefined);
});

/** Runs a printed command as a user would paste it (asynchronously: the sandbox may live in this process). */
async function paste(command: string): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', ['-c', command], { encoding: 'utf8' });
  return stdout;
}

function curlLine(output: string): string {
  const line = output
    .split('\n')
    .find((l) => l.trim().startsWith('curl -sS -X POST') && l.includes('/payments'));
  if (!line) throw new Error(`no curl printed:\n${output}`);
  return line.trim();
}

// Each test starts real processes (Java, python, node): generous limits for a loaded CI machine.
vi.setConfig({ testTimeout: 120_000 });

describe('npm start', () => {
  it('brings the system up, and the printed curl creates a payment the sandbox ledger shows', async () => {
    const local = await spawnLocal();
    started.push(local);
    await local.waitFor('Stop with Ctrl-C.');

    const answer = JSON.parse(await paste(curlLine(local.output()))) as {
      id: string;
      state: string;
      checkoutUrl: string;
    };
    const ledger = (await (
      await fetch(`http://127.0.0.1:${local.ports.sandbox}/_sandbox/ledger`)
    ).json()) as unknown;

    expect(answer.state).toBe('PENDING');
    expect(answer.checkoutUrl).toBe(
      `http://127.0.0.1:${local.ports.sandbox}/checkout/${answer.id}`,
    );
    expect(JSON.stringify(ledger)).toContain(answer.id);

    // Reconciliation runs in the local system too: asked through the API, done after the answer.
    const api = `http://127.0.0.1:${local.ports.api}`;
    const day = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    const asked = await fetch(`${api}/reconciliations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ day }),
    });
    expect(asked.status).toBe(202);
    await local.waitFor(`[reconciliation] ${day}:`);
    const report = (await (await fetch(`${api}/reconciliations/${day}`)).json()) as unknown;
    expect(report).toMatchObject({ day, status: 'completed', counts: { pending: 1 } });

    // The demo shop and the API description are served beside the API.
    const openapi = (await (await fetch(`${api}/openapi.json`)).json()) as { openapi: string };
    expect(openapi.openapi).toBe('3.1.0');
    const shop = await fetch(`${api}/demo/`);
    expect(shop.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await shop.text()).toContain('<title>Demo shop');
    // ...and the operator console, whose pages refuse HTML strings (Trusted Types).
    const operatorConsole = await fetch(`${api}/console/`);
    expect(operatorConsole.headers.get('content-security-policy')).toContain(
      "require-trusted-types-for 'script'",
    );
    expect(await operatorConsole.text()).toContain('<title>Operator console');
    const qr = await fetch(`${api}/demo/qrcode.js`);
    expect(await qr.text()).toMatch(/^\/\* qrcode 1\.5\.4 .*export\{\w+ as toCanvas\};\s*$/s);

    for (const text of [
      `API            http://127.0.0.1:${local.ports.api}`,
      `PAYON          http://127.0.0.1:${local.ports.sandbox}`,
      '✓ DynamoDB Local',
      '✓ Secrets Manager',
      '✓ PAYON sandbox',
      `✓ Webhooks         http://127.0.0.1:${local.ports.api}/demo/webhooks`,
      `✓ Operator console http://127.0.0.1:${local.ports.api}/console/`,
    ]) {
      expect(local.output()).toContain(text);
    }

    // Paid: the event goes to the demo shop's own webhook endpoint, signed; its receiver verified
    // it, and the attempt was printed.
    await fetch(`http://127.0.0.1:${local.ports.sandbox}/_sandbox/payments/${answer.id}/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'approve' }),
    });
    await fetch(`${api}/payments/${answer.id}?sync=true`);
    await local.waitFor(`[webhook] payment.succeeded evt_${answer.id}_`);
    const received = (await (await fetch(`${api}/demo/webhooks`)).json()) as {
      items: { paymentId: string; type: string; verified: boolean }[];
    };
    expect(received.items).toContainEqual(
      expect.objectContaining({ paymentId: answer.id, type: 'payment.succeeded', verified: true }),
    );
    const endpoints = (await (await fetch(`${api}/webhook-endpoints`)).json()) as {
      items: { url: string; status: string }[];
    };
    expect(endpoints.items).toEqual([
      expect.objectContaining({ url: `${api}/demo/webhooks`, status: 'enabled' }),
    ]);
    expect(local.output()).toMatch(
      new RegExp(
        `\\[webhook\\] payment\\.succeeded evt_${answer.id}_\\d+ → ${api}/demo/webhooks 204 \\(\\d+ ms\\)`,
      ),
    );

    await local.interrupt();
    expect(local.output()).toContain('SIGINT: stopping');
    for (const port of Object.values(local.ports)) {
      expect(await portIsFree(port)).toBe(true);
    }
  });

  it('talks to another PAYON with the merchant own keys, when configured so', async () => {
    const other = await startSandbox({
      port: 0,
      log: false,
      merchants: [
        {
          merchantId: 'M0000009',
          termId: 'T000000009',
          apiKey: 'merchant-own-key',
          signingScheme: 'hmac-sha256',
        },
      ],
    });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'payon-'));
      const secretFile = join(dir, 'secret.json');
      writeFileSync(
        secretFile,
        JSON.stringify({
          merchantId: 'M0000009',
          termId: 'T000000009',
          apiKey: 'merchant-own-key',
          signingScheme: 'hmac-sha256',
          payonPublicKey: other.payonPublicKeyPem,
          notificationToken: 'x'.repeat(40),
        }),
      );
      const local = await spawnLocal({
        PAYON_BASE_URL: other.url,
        LOCAL_MERCHANT_SECRET_FILE: secretFile,
      });
      started.push(local);
      await local.waitFor('Stop with Ctrl-C.');

      const answer = JSON.parse(await paste(curlLine(local.output()))) as { id: string };

      expect(local.output()).toContain(`using PAYON at ${other.url} (no sandbox)`);
      expect(other.transaction(answer.id)).toMatchObject({
        merchantId: 'M0000009',
        termId: 'T000000009',
      });
      expect(other.journal.requests('/pg/order/register').map((r) => r.status)).toEqual([200]);
      await local.interrupt();
    } finally {
      await other.stop();
    }
  });

  it('says which port is busy instead of printing a stack trace', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const local = await spawnLocal({ LOCAL_API_PORT: String(port) });
      started.push(local);
      const code = await new Promise<number | null>((resolve) => local.child.once('exit', resolve));

      expect(code).toBe(1);
      expect(local.output()).toContain(
        `✗ port ${port} (API) is already in use: free it or set LOCAL_API_PORT to another port`,
      );
      expect(local.output()).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });

  it('says how to get Java when it is missing', async () => {
    const emptyPath = mkdtempSync(join(tmpdir(), 'no-java-'));
    const local = await spawnLocal(
      { PATH: emptyPath },
      { file: process.execPath, args: ['--import', 'tsx', 'local/runtime/main.ts'] },
    );
    started.push(local);
    const code = await new Promise<number | null>((resolve) => local.child.once('exit', resolve));

    expect(code).toBe(1);
    expect(local.output()).toContain('✗ Java was not found: DynamoDB Local runs on Java 17');
    expect(local.output()).not.toMatch(/\n\s+at /);
  });

  it.each([
    [
      { PAYON_BASE_URL: 'http://127.0.0.1:4190' },
      '✗ PAYON_BASE_URL "http://127.0.0.1:4190" uses port 4190, which fetch refuses to connect to (a "bad port" of the WHATWG Fetch Standard',
    ],
    [
      { LOCAL_SANDBOX_PORT: '6000' },
      '✗ LOCAL_SANDBOX_PORT "http://127.0.0.1:6000" uses port 6000, which fetch refuses to connect to',
    ],
    [
      { PAYON_TIMEOUT_MS: '5' },
      '✗ Invalid configuration: PAYON_TIMEOUT_MS must be optional; 500-30000, default 8000 (got "5").',
    ],
  ])('refuses %o before starting anything, saying why', async (env, message) => {
    const local = await spawnLocal(env);
    started.push(local);
    const code = await new Promise<number | null>((resolve) => local.child.once('exit', resolve));

    expect(code).toBe(1);
    expect(local.output()).toContain(message);
    expect(local.output()).not.toContain('starting DynamoDB Local');
    expect(local.output()).not.toMatch(/\n\s+at /);
  });

  it('refuses to point elsewhere without the merchant secret', async () => {
    const local = await spawnLocal({ PAYON_BASE_URL: 'http://127.0.0.1:4010' });
    started.push(local);
    const code = await new Promise<number | null>((resolve) => local.child.once('exit', resolve));

    expect(code).toBe(1);
    expect(local.output()).toContain(
      '✗ PAYON_BASE_URL points at another PAYON: set LOCAL_MERCHANT_SECRET_FILE',
    );
  });
});
